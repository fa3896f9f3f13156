import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/redact.ts');

function redact(input: string, args: string[] = []) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const LINES = [
  JSON.stringify({ id: 'a1', text: 'Mail emma@example.com or call +44 20 7946 0958.' }),
  '{"id": "broken", "text": ',
  JSON.stringify({ id: 7, text: 'Card 4111 1111 1111 1111, password: hunter2\nThanks,\nEmma Clarke' }),
  JSON.stringify({ id: 'no-text' }),
  '',
  JSON.stringify({ id: 'plain', text: 'Order 12345678 arrived on 2024-03-15.' }),
].join('\n');

describe('redact CLI', () => {
  it('writes one JSON object per good line, reports bad lines with their number, exits 1', () => {
    const { code, stdout, stderr } = redact(LINES, ['--json']);
    expect(code).toBe(1);
    const out = stdout.trim().split('\n').map((line): unknown => JSON.parse(line));
    expect(out).toEqual([
      {
        id: 'a1',
        masked: 'Mail ⟦EMAIL_1⟧ or call ⟦PHONE_1⟧.',
        entities: [
          { type: 'EMAIL', start: 5, end: 21 },
          { type: 'PHONE', start: 30, end: 46 },
        ],
      },
      {
        id: 7,
        masked: 'Card ⟦CARD_1⟧, password: ⟦SECRET⟧\nThanks,\n⟦PERSON_1⟧',
        entities: [
          { type: 'CARD', start: 5, end: 24 },
          { type: 'SECRET', start: 36, end: 43 },
          { type: 'PERSON', start: 52, end: 63 },
        ],
      },
      { id: 'plain', masked: 'Order 12345678 arrived on 2024-03-15.', entities: [] },
    ]);
    expect(stderr).toMatch(/line 2\b.*JSON/);
    expect(stderr).toMatch(/line 4\b.*"text"/);
    expect(stderr).not.toMatch(/line [1356]\b/);
    // Nothing personal leaks into the output.
    expect(stdout).not.toMatch(/emma@|7946|4111|hunter2|Clarke/);
  });

  it('prints a readable form without --json and exits 0 when every line is good', () => {
    const { code, stdout, stderr } = redact(`${JSON.stringify({ id: 'x', text: 'IBAN DE89 3704 0044 0532 0130 00' })}\n`);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('[x]');
    expect(stdout).toContain('IBAN ⟦IBAN_1⟧');
    expect(stdout).toContain('IBAN 5-32');
  });

  it('masks names given with --name and leaves disabled types readable', () => {
    const input = `${JSON.stringify({ id: 1, text: 'Dana Whitfield, dana@example.com' })}\n`;
    const { code, stdout } = redact(input, ['--json', '--name', 'Dana Whitfield', '--disable', 'EMAIL']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ masked: '⟦PERSON_1⟧, dana@example.com' });
  });

  it('rejects an unknown type with exit code 2', () => {
    expect(redact('', ['--disable', 'NOPE']).code).toBe(2);
  });
});
