import { readFileSync } from 'node:fs';
import { detectInjection } from './lib/guard/injection';
const kb = readFileSync('../shared/data/stackfaq/kb.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { body: string });
const big = kb.map((d) => d.body).join('\n\n').slice(0, 100_000);
const cases: [string, string][] = [
  ['100k prose', big],
  ['a a a', 'a '.repeat(50_000)],
  ['braces', '{'.repeat(100_000)],
  ['ignore x', 'ignore '.repeat(14_000)],
  ['ignore all the', 'ignore all the your previous '.repeat(3_000)],
  ['base64 blob', Buffer.from('x'.repeat(70_000)).toString('base64')],
  ['hex blob', 'ab '.repeat(33_000)],
  ['percent', '%41'.repeat(33_000)],
  ['zw', 'a\u200bb'.repeat(30_000)],
  ['tags', String.fromCodePoint(0xe0041).repeat(40_000)],
  ['spaced', 'a b '.repeat(25_000)],
  ['words colon', 'word '.repeat(20_000) + ':'],
  ['quote lines', '> hello there\n'.repeat(7000)],
  ['urls', 'https://x.example/?a={email}&b=1 '.repeat(3000)],
  ['md images', '![a](https://x.example/p.png?d=1) '.repeat(3000)],
  ['200 msgs', Array.from({ length: 200 }, (_, i) => `Message ${i}: the parcel is late again. Could you check with the courier? Thanks.`).join('\n')],
];
for (const [name, text] of cases) {
  const t0 = performance.now();
  const r = detectInjection({ texts: [text] });
  console.log(name.padEnd(16), `${(performance.now() - t0).toFixed(0)} ms`, r.suspected, r.score);
}
const t0 = performance.now();
detectInjection({ texts: Array.from({ length: 200 }, (_, i) => `Message ${i}: the parcel is late again. Could you check with the courier? Thanks.`) });
console.log('200 texts', `${(performance.now() - t0).toFixed(0)} ms`);
