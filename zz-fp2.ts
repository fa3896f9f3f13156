import { readFileSync } from 'node:fs';
import { detectInjection } from './lib/guard/injection';
import { prepare, findAll, decodedPayloads } from './lib/guard/zz-injection-debug';
const kb = readFileSync('../shared/data/stackfaq/kb.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; body: string });
for (const d of kb) {
  const t = `${d.title}\n${d.body}`;
  if (!detectInjection({ texts: [t] }).suspected) continue;
  const p = prepare(t);
  console.log('==', d.title, JSON.stringify(findAll(t, p)));
  for (const s of p.sentences) { const f = findAll(s, prepare(s)); if (f.length) console.log('   ', JSON.stringify(f), s.slice(0, 220)); }
  for (const x of decodedPayloads(t)) console.log('   decoded', x.encoding, x.text.slice(0, 100));
}
