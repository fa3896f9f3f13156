/**
 * `npm test`: unit tests (Node), a Chrome build, then the E2E tests in real Chromium.
 * Chromium is found at the usual paths (see scripts/extension-browser.ts); CHROME_PATH overrides.
 * The last line is `N passed, N failed` over both runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { browserMissingMessage, findBrowser, REPO_ROOT } from './extension-browser';

interface Counts {
  passed: number;
  failed: number;
}

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

function vitest(config: string | null, report: string): Counts & { status: number } {
  const out = join(REPO_ROOT, 'test-results', report);
  rmSync(out, { force: true });
  const args = ['vitest', 'run', ...(config ? ['--config', config] : []), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`];
  const status = run('npx', args);
  if (!existsSync(out)) return { passed: 0, failed: 1, status: status || 1 };
  const json: unknown = JSON.parse(readFileSync(out, 'utf8'));
  const counts = { passed: 0, failed: 0 };
  if (typeof json === 'object' && json !== null && 'numPassedTests' in json && 'numFailedTests' in json) {
    counts.passed = Number(json.numPassedTests);
    counts.failed = Number(json.numFailedTests);
  }
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return { ...counts, status };
}

mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
const total: Counts = { passed: 0, failed: 0 };

const unit = vitest(null, 'unit.json');
total.passed += unit.passed;
total.failed += unit.failed;

const browser = findBrowser();
if (!browser) {
  console.error(`\nE2E tests cannot run: ${browserMissingMessage()}`);
  total.failed += 1;
} else if (run('npx', ['wxt', 'build']) !== 0) {
  console.error('\nThe Chrome build failed, so the E2E tests did not run.');
  total.failed += 1;
} else {
  console.log(`\nE2E in ${browser}`);
  const e2e = vitest('vitest.e2e.config.ts', 'e2e.json');
  total.passed += e2e.passed;
  total.failed += e2e.failed;
}

console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
