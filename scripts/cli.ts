import { readFileSync } from 'node:fs';
import { parseQueriesJsonl, type RetrievalQuery } from '../lib/eval/retrieval-metrics';
import { parseKbJsonl } from '../lib/kb/jsonl';
import type { KbDoc } from '../lib/kb/schema';

/** Print a message for the person at the terminal and exit with a usage error (2). */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** A file's text, or exit with a sentence naming the file and what it was for. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    fail(`Cannot read the ${what} file "${path}". Check the path.`);
  }
}

/** A KB and its queries for a retrieval eval; bad lines are reported on stderr and skipped. */
export function readKbAndQueries(kbPath: string, queriesPath: string): { docs: KbDoc[]; queries: RetrievalQuery[] } {
  const kb = parseKbJsonl(readText(kbPath, 'knowledge base'));
  for (const e of kb.errors) console.error(`${kbPath}:${e.line}: ${e.message} (line skipped)`);
  if (kb.docs.length === 0) fail(`${kbPath} has no valid documents.`);
  const parsed = parseQueriesJsonl(readText(queriesPath, 'queries'));
  for (const e of parsed.errors) console.error(`${queriesPath}:${e.line}: ${e.message} (line skipped)`);
  if (parsed.queries.length === 0) fail(`${queriesPath} has no valid queries.`);
  return { docs: kb.docs, queries: parsed.queries };
}
