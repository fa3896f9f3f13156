import { readFileSync } from 'node:fs';
import { detectInjection } from './lib/guard/injection';
for (const [f, want] of [['/tmp/heldout/a.jsonl', true], ['/tmp/heldout/l.jsonl', false], ['/tmp/heldout/a2.jsonl', true], ['/tmp/heldout/l2.jsonl', false], ['/tmp/heldout/a3.jsonl', true], ['/tmp/heldout/l3.jsonl', false]] as const) {
  const rows = readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string });
  let ok = 0;
  for (const row of rows) {
    const res = detectInjection({ texts: [row.text] });
    if (res.suspected === want) ok++;
    else console.log(want ? 'MISS' : 'FP  ', res.score, JSON.stringify(row.text.slice(0, 120)), res.reasons.length ? '\n      ' + res.reasons.join('\n      ') : '');
  }
  console.log(f, ok, '/', rows.length);
}
