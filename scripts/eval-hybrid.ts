/**
 * `npm run eval -- retrieval --hybrid --kb KB.jsonl --queries Q.jsonl (--base-url URL --embedding-model NAME | --test-server) [--k 10] [--json]`
 *
 * Lexical and hybrid retrieval side by side on the same queries, through the same lib/ code the
 * extension uses: the KB's passages and the queries are embedded by an OpenAI-compatible
 * `/embeddings` endpoint (the key, if any, from OPENAI_API_KEY), and each ranking is scored with
 * recall@1, recall@5, MRR@10 and its per-query time. Query times leave out the embedding request
 * (its time depends on the server, not on this code); the embedding throughput is reported apart.
 *
 * `--test-server` starts the test suite's local server, whose embedder hashes words and character
 * trigrams: deterministic, but not a semantic model. Its numbers say the plumbing works, not how
 * much a real embedding model helps.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildRetriever } from '../lib/kb/build';
import { embeddingText } from '../lib/kb/embedding-store';
import { scoreRankings, type RetrievalMetrics } from '../lib/eval/retrieval-metrics';
import { percentile } from '../lib/feedback/stats';
import { guessLanguage } from '../lib/text/language';
import { ProviderSettingsSchema } from '../lib/drafting/provider-settings';
import { createEmbedder, EmbeddingError } from '../lib/retrieval/embeddings';
import { VectorIndex } from '../lib/retrieval/vector-index';
import type { HybridFusionOptions } from '../lib/retrieval/fusion';
import { fail, readKbAndQueries } from './cli';

const USAGE = [
  'Usage: npm run eval -- retrieval --hybrid --kb KB.jsonl --queries Q.jsonl [--k 10] [--json]',
  '         --base-url URL --embedding-model NAME   an OpenAI-compatible server (API key from OPENAI_API_KEY, if set)',
  '         --test-server                           or: the built-in test server (a hashing embedder, not a semantic model)',
  '         [--fusion convex|rrf] [--semantic-weight 0.5]',
].join('\n');


interface Side extends RetrievalMetrics {
  p50Ms: number;
  p95Ms: number;
}

const ms = (x: number | null) => Math.round((x ?? 0) * 1000) / 1000;

function side(rankings: { relevant: readonly string[]; ranked: string[] }[], times: number[]): Side {
  return { ...scoreRankings(rankings), p50Ms: ms(percentile(times, 50)), p95Ms: ms(percentile(times, 95)) };
}

/** Document ids in order of their first passage. */
function docsOf(hits: readonly { docId: string }[], k: number): string[] {
  const out: string[] = [];
  for (const hit of hits) {
    if (!out.includes(hit.docId)) out.push(hit.docId);
    if (out.length >= k) break;
  }
  return out;
}

export async function hybridRetrievalEval(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hybrid: { type: 'boolean', default: true },
      kb: { type: 'string' },
      queries: { type: 'string' },
      k: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      'base-url': { type: 'string' },
      'embedding-model': { type: 'string' },
      'test-server': { type: 'boolean', default: false },
      fusion: { type: 'string', default: 'convex' },
      'semantic-weight': { type: 'string', default: '0.5' },
    },
  });
  if (!values.kb || !values.queries) fail(USAGE);
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1) fail(`--k must be a whole number of at least 1, not "${values.k}".`);
  if (values.fusion !== 'rrf' && values.fusion !== 'convex') fail(`--fusion must be rrf or convex, not "${values.fusion}".`);
  const weight = Number(values['semantic-weight']);
  if (!Number.isFinite(weight) || weight < 0 || weight > 1) fail(`--semantic-weight must be a number from 0 to 1, not "${values['semantic-weight']}".`);
  const fusion: HybridFusionOptions = { method: values.fusion, semanticWeight: weight };
  const testServer = values['test-server'];
  if (!testServer && (!values['base-url'] || !values['embedding-model'])) {
    fail(
      [
        'Hybrid retrieval needs an embeddings endpoint. Pass --base-url and --embedding-model, for example',
        '  --base-url http://localhost:11434/v1 --embedding-model nomic-embed-text     (Ollama)',
        '  --base-url https://api.openai.com/v1 --embedding-model text-embedding-3-small (key in OPENAI_API_KEY)',
        'or --test-server for the built-in deterministic test embedder (a hashing embedder, not a semantic model).',
      ].join('\n'),
    );
  }

  const { docs, queries: evalQueries } = readKbAndQueries(values.kb, values.queries);

  let server: { baseUrl: string; close(): Promise<void> } | null = null;
  if (testServer) {
    // Only here: the CLI itself never starts a server unless asked to.
    const { startOpenAIServer } = await import('../tests/support/openai-server');
    server = await startOpenAIServer({ embeddingDims: 512 });
  }
  const baseUrl = server?.baseUrl ?? values['base-url'] ?? '';
  const model = testServer ? 'test-hashing-embedder' : (values['embedding-model'] ?? '');
  const settings = ProviderSettingsSchema.safeParse({
    preset: 'custom',
    baseUrl,
    model,
    embeddingModel: model,
    embeddingsEnabled: true,
    timeoutMs: 300_000,
    ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}),
  });
  if (!settings.success) fail(`--base-url: ${settings.error.issues[0]?.message ?? 'not a valid address'}.`);
  const embedder = createEmbedder(settings.data);
  const label = testServer ? "the test server's hashing embedder (not a semantic model)" : `${model} at ${new URL(baseUrl).host}`;

  try {
    const { retriever, chunks } = buildRetriever(docs);
    const queries = evalQueries.map((q) => ({ ...q, language: guessLanguage(q.query) ?? 'en' }));
    const t0 = performance.now();
    const chunkVectors = await embedder.embed(chunks.map(embeddingText));
    const embedChunksMs = performance.now() - t0;
    const t1 = performance.now();
    const queryVectors = await embedder.embed(queries.map((q) => q.query));
    const embedQueriesMs = performance.now() - t1;
    const index = VectorIndex.build(chunks.map((c, i) => ({ chunkId: c.chunkId, vector: chunkVectors[i] ?? new Float32Array(0) })));

    const depth = Math.max(k * 8, 50);
    const docOfChunk = new Map(chunks.map((c) => [c.chunkId, c.docId]));
    const lexical = { rankings: [] as { relevant: string[]; ranked: string[] }[], times: [] as number[] };
    const hybrid = { rankings: [] as { relevant: string[]; ranked: string[] }[], times: [] as number[] };
    const vectorOnly = { rankings: [] as { relevant: string[]; ranked: string[] }[], times: [] as number[] };
    queries.forEach((q, i) => {
      const query = { text: q.query, language: q.language };
      const vector = queryVectors[i] ?? new Float32Array(0);
      let start = performance.now();
      const lex = retriever.rankDocuments(query, Math.max(k, 10)).map((d) => d.docId);
      lexical.times.push(performance.now() - start);
      lexical.rankings.push({ relevant: q.relevant, ranked: lex });
      start = performance.now();
      const hyb = docsOf(retriever.retrieveHybrid(query, depth, { index, vector }, fusion), Math.max(k, 10));
      hybrid.times.push(performance.now() - start);
      hybrid.rankings.push({ relevant: q.relevant, ranked: hyb });
      start = performance.now();
      const vec = docsOf(index.search(vector, depth).map((h) => ({ docId: docOfChunk.get(h.chunkId) ?? '' })), Math.max(k, 10));
      vectorOnly.times.push(performance.now() - start);
      vectorOnly.rankings.push({ relevant: q.relevant, ranked: vec });
    });
    const result = {
      embedder: { label, model, dims: index.dims, testServer },
      fusion,
      queries: queries.length,
      docs: docs.length,
      chunks: chunks.length,
      embedChunksMs: Math.round(embedChunksMs),
      embedQueriesMs: Math.round(embedQueriesMs),
      lexical: side(lexical.rankings, lexical.times),
      hybrid: side(hybrid.rankings, hybrid.times),
      embeddingsOnly: side(vectorOnly.rankings, vectorOnly.times),
    };
    if (values.json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`embeddings: ${label}, ${index.dims} dimensions${testServer ? ' [TEST SERVER]' : ''}`);
    console.log(`queries ${result.queries}, docs ${result.docs}, chunks ${result.chunks}; embedded the KB in ${result.embedChunksMs} ms, the queries in ${result.embedQueriesMs} ms`);
    console.log(`fusion: ${fusion.method}, semantic weight ${fusion.semanticWeight}`);
    const rows: [string, Side][] = [
      ['lexical (BM25)', result.lexical],
      [`hybrid (${fusion.method})`, result.hybrid],
      ['embeddings only', result.embeddingsOnly],
    ];
    console.log(['ranking'.padEnd(18), 'recall@1', 'recall@5', 'MRR@10', 'p50 ms', 'p95 ms'].join('  '));
    for (const [name, s] of rows) {
      console.log([name.padEnd(18), s.recallAt1.toFixed(3).padStart(8), s.recallAt5.toFixed(3).padStart(8), s.mrrAt10.toFixed(3).padStart(6), s.p50Ms.toFixed(3).padStart(6), s.p95Ms.toFixed(3).padStart(6)].join('  '));
    }
    console.log('Query times leave out the embedding request for the query.');
  } catch (error) {
    if (error instanceof EmbeddingError) fail(`Embedding failed: ${error.message}`);
    throw error;
  } finally {
    await server?.close();
  }
}
