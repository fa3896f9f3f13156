import { readFileSync } from 'node:fs';
import { detectInjection } from './lib/guard/injection';
const kb = readFileSync('../shared/data/stackfaq/kb.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { body: string });
console.log(detectInjection({ texts: [kb.map((d) => d.body).join('\n\n').slice(0, 100_000)] }));
