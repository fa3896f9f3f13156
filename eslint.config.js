import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['.output/', '.wxt/', 'node_modules/', 'demo/**/*.js', 'test-results/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    // lib/ runs under Node for the CLIs: no WXT, no browser APIs outside lib/platform/.
    files: ['lib/**/*.ts'],
    ignores: ['lib/platform/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['wxt', 'wxt/*', '@/*', '~/*', '#imports'], message: 'lib/ stays framework-free; browser APIs live in lib/platform/.' }] }],
      'no-restricted-globals': ['error', { name: 'browser', message: 'Use lib/platform/ for browser APIs.' }, { name: 'chrome', message: 'Use lib/platform/ for browser APIs.' }],
    },
  },
);
