/**
 * `npm run eval -- retrieval --kb KB.jsonl --queries Q.jsonl [--k 10] [--json]`
 *
 * Ranks documents for each query with the same lib/ code the extension uses (a document scores by
 * its best chunk) and prints recall@1, recall@5, MRR@10 and timings.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { scoreRankings } from '../lib/eval/retrieval-metrics';
import { percentile } from '../lib/feedback/stats';
import { guessLanguage } from '../lib/text/language';
import { runPipeline } from '../lib/copilot/pipeline';
import { DEFAULT_POLICY, parsePolicyFile } from '../lib/guard/policy';
import { parseTicketLines, ticketFromLine } from '../lib/eval/ticket-lines';
import { hybridRetrievalEval } from './eval-hybrid';
import { evalLock, evalSet, LOCK_USAGE, SET_USAGE } from './eval-set';
import { DRIFT_USAGE, evalDrift } from './eval-drift';
import { fail, readKbAndQueries, readText } from './cli';


function retrieval(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      kb: { type: 'string' },
      queries: { type: 'string' },
      k: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.kb || !values.queries) fail('Usage: npm run eval -- retrieval --kb KB.jsonl --queries Q.jsonl [--k 10] [--json]');
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1) fail(`--k must be a whole number of at least 1, not "${values.k}".`);

  const { docs, queries: evalQueries } = readKbAndQueries(values.kb, values.queries);

  const t0 = performance.now();
  const { retriever, chunks } = buildRetriever(docs);
  const buildMs = performance.now() - t0;

  const times: number[] = [];
  const rankings = evalQueries.map((q) => {
    const language = guessLanguage(q.query) ?? 'en';
    const start = performance.now();
    const ranked = retriever.rankDocuments({ text: q.query, language }, Math.max(k, 10)).map((d) => d.docId);
    times.push(performance.now() - start);
    return { relevant: q.relevant, ranked };
  });
  const metrics = scoreRankings(rankings);
  const result = {
    ...metrics,
    docs: docs.length,
    chunks: chunks.length,
    buildMs: Math.round(buildMs * 10) / 10,
    p50Ms: Math.round((percentile(times, 50) ?? 0) * 1000) / 1000,
    p95Ms: Math.round((percentile(times, 95) ?? 0) * 1000) / 1000,
  };
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`queries ${result.queries}, docs ${result.docs}, chunks ${result.chunks}`);
  console.log(`recall@1 ${result.recallAt1.toFixed(3)}  recall@5 ${result.recallAt5.toFixed(3)}  MRR@10 ${result.mrrAt10.toFixed(3)}`);
  console.log(`build ${result.buildMs} ms, query p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms`);
}

function tickets(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { kb: { type: 'string' }, tickets: { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.kb || !values.tickets) fail('Usage: npm run eval -- tickets --kb KB.jsonl --tickets T.jsonl [--policy POLICY.json] [--json]');
  const kb = parseKbJsonl(readText(values.kb, 'knowledge base'));
  for (const e of kb.errors) console.error(`${values.kb}:${e.line}: ${e.message} (line skipped)`);
  if (kb.docs.length === 0) fail(`${values.kb} has no valid documents.`);
  let policy = DEFAULT_POLICY;
  if (values.policy) {
    const parsed = parsePolicyFile(readText(values.policy, 'policy'));
    if (!parsed.ok) fail(`${values.policy}: ${parsed.message}`);
    policy = parsed.policy;
  }
  const lines = parseTicketLines(readText(values.tickets, 'tickets'));
  for (const e of lines.errors) console.error(`${values.tickets}:${e.line}: ${e.message} (line skipped)`);
  const { retriever } = buildRetriever(kb.docs);
  const byPolicy: Record<string, number> = {};
  const byLevel: Record<string, number> = {};
  const counts = { tickets: 0, byPolicy, injectionSuspected: 0, needsHuman: 0, sentToModel: 0, byLevel };
  for (const line of lines.tickets) {
    const result = runPipeline({ ticket: ticketFromLine(line), retriever, policy, disabledPii: [], agentName: 'Support team' });
    const draft = result.draft;
    const out = {
      id: line.id,
      policy: result.assessment.policy.mode,
      injectionSuspected: result.assessment.injection.suspected,
      confidence: draft ? { level: draft.confidence.level, score: draft.confidence.score } : null,
      needsHuman: draft ? draft.needsHuman : true,
      citations: draft ? draft.citations.length : 0,
      sentToModel: result.sentToModel,
    };
    counts.tickets += 1;
    counts.byPolicy[out.policy] = (counts.byPolicy[out.policy] ?? 0) + 1;
    if (out.injectionSuspected) counts.injectionSuspected += 1;
    if (out.needsHuman) counts.needsHuman += 1;
    if (out.sentToModel) counts.sentToModel += 1;
    const level = out.confidence?.level ?? 'none';
    counts.byLevel[level] = (counts.byLevel[level] ?? 0) + 1;
    console.log(values.json ? JSON.stringify(out) : `${out.id}\t${out.policy}\t${level}\tcitations ${out.citations}${out.injectionSuspected ? '\tINJECTION' : ''}`);
  }
  console.log(values.json ? JSON.stringify({ summary: counts }) : `summary: ${JSON.stringify(counts)}`);
}

const USAGE = [
  'Usage:',
  '  npm run eval -- retrieval --kb KB.jsonl --queries Q.jsonl [--k 10] [--json]',
  '  npm run eval -- retrieval --hybrid --kb KB.jsonl --queries Q.jsonl (--base-url URL --embedding-model NAME | --test-server) [--json]',
  '  npm run eval -- tickets --kb KB.jsonl --tickets T.jsonl [--policy POLICY.json] [--json]',
  `  ${SET_USAGE.replace('Usage: ', '')}`,
  `  ${LOCK_USAGE.replace('Usage: ', '')}`,
  `  ${DRIFT_USAGE.replace('Usage: ', '')}`,
].join('\n');

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'retrieval':
    if (rest.includes('--hybrid')) await hybridRetrievalEval(rest);
    else retrieval(rest);
    break;
  case 'tickets':
    tickets(rest);
    break;
  case 'set':
    process.exitCode = await evalSet(rest);
    break;
  case 'lock':
    process.exitCode = await evalLock(rest);
    break;
  case 'drift':
    process.exitCode = evalDrift(rest);
    break;
  default:
    fail(USAGE);
}
