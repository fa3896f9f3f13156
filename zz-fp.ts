import { readFileSync } from 'node:fs';
import { detectInjection } from './lib/guard/injection';
const sets: [string, string[]][] = [];
const kb = readFileSync('../shared/data/stackfaq/kb.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; body: string });
sets.push(['stackfaq kb', kb.map((d) => `${d.title}\n${d.body}`)]);
const q = readFileSync('../shared/data/stackfaq/queries.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { query: string });
sets.push(['stackfaq queries', q.map((d) => d.query)]);
const pii = JSON.parse(readFileSync('../shared/data/pii/presidio_generated_large.json', 'utf8')) as { full_text: string }[];
sets.push(['presidio', pii.map((d) => d.full_text)]);
for (const [name, texts] of sets) {
  let flagged = 0; let reported = 0;
  const t0 = performance.now();
  for (const t of texts) {
    const r = detectInjection({ texts: [t] });
    if (r.reasons.length) reported++;
    if (r.suspected) { flagged++; if (flagged <= 12) console.log(`  FP ${r.score} ${JSON.stringify(t.slice(0, 160))}\n     ${r.reasons.join('\n     ')}`); }
  }
  console.log(name, 'flagged', flagged, '/', texts.length, 'with any reason', reported, `${((performance.now() - t0) / texts.length).toFixed(2)} ms/text`);
}
