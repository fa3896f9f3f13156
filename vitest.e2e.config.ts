import { defineConfig } from 'vitest/config';

/** E2E: the built extension in real Chromium. One file at a time; each starts its own browser. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
