/**
 * Benchmarks of the embedding side of retrieval, for `npm run bench`:
 * 1. Exact cosine search over 12,500 passages at common model sizes (384, 768, 1536 dimensions):
 *    seeded random unit vectors (the time of a brute-force scan does not depend on their content).
 * 2. Hybrid against lexical on StackFAQ + distractors (12,500 documents): the same queries, the
 *    same k as the extension, query vectors made beforehand (the embedding request is the server's
 *    time, not this code's). Passage and query vectors come from the test server's hashing embedder
 *    (computed in-process, no HTTP): not a semantic model, but realistic in how often the
 *    embedding side finds passages the lexical side did not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildRetriever } from '../lib/kb/build';
import { embeddingText } from '../lib/kb/embedding-store';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { parseQueriesJsonl } from '../lib/eval/retrieval-metrics';
import { VectorIndex } from '../lib/retrieval/vector-index';
import { RETRIEVAL_K } from '../lib/copilot/service';
import { hashEmbedding } from '../tests/support/openai-server';
import { seededRandom, withDistractors } from './bench-corpus';
import { REPO_ROOT } from './extension-browser';
import { benchRow, type BenchRow } from './bench-row';

export type EmbedBenchRow = BenchRow;

const PASSAGES = 12_500;
const row = benchRow;

function randomVector(random: () => number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = random() - 0.5;
  return v;
}

function benchVectorSearch(dims: number): EmbedBenchRow {
  const random = seededRandom(dims);
  const entries = Array.from({ length: PASSAGES }, (_, i) => ({ chunkId: `c${i}`, vector: randomVector(random, dims) }));
  const t0 = performance.now();
  const index = VectorIndex.build(entries);
  const buildMs = performance.now() - t0;
  const queries = Array.from({ length: 200 }, () => randomVector(random, dims));
  for (const q of queries.slice(0, 20)) index.search(q, 50); // warm-up
  const times = queries.map((q) => {
    const start = performance.now();
    index.search(q, 50);
    return performance.now() - start;
  });
  const mb = (PASSAGES * dims * 4) / 1024 / 1024;
  return { ...row(`vector search: ${PASSAGES.toLocaleString('en')} passages × ${dims} dims, top 50`, times, `exact cosine, brute force; build ${Math.round(buildMs)} ms, ${mb.toFixed(0)} MB`), buildMs: Math.round(buildMs) };
}

function benchHybridOverhead(): EmbedBenchRow[] {
  const dir = join(REPO_ROOT, '..', 'shared', 'data', 'stackfaq');
  if (!existsSync(join(dir, 'kb.jsonl'))) return [{ name: 'hybrid vs lexical retrieval', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: ../shared/data/stackfaq not found' }];
  const docs = withDistractors(parseKbJsonl(readFileSync(join(dir, 'kb.jsonl'), 'utf8')).docs, PASSAGES);
  const queries = parseQueriesJsonl(readFileSync(join(dir, 'queries.jsonl'), 'utf8')).queries.map((q) => ({ text: q.query, language: 'en' }));
  const { retriever, chunks } = buildRetriever(docs);
  const dims = 768;
  const t0 = performance.now();
  const index = VectorIndex.build(chunks.map((c) => ({ chunkId: c.chunkId, vector: hashEmbedding(embeddingText(c), dims) })));
  const embedMs = performance.now() - t0;
  const vectors = queries.map((q) => Float32Array.from(hashEmbedding(q.text, dims)));
  for (const [i, q] of queries.slice(0, 30).entries()) {
    retriever.retrieve(q, RETRIEVAL_K);
    retriever.retrieveHybrid(q, RETRIEVAL_K, { index, vector: vectors[i] ?? new Float32Array(0) });
  }
  const lexical: number[] = [];
  const hybrid: number[] = [];
  const overhead: number[] = [];
  queries.forEach((q, i) => {
    const vector = vectors[i] ?? new Float32Array(0);
    let start = performance.now();
    retriever.retrieve(q, RETRIEVAL_K);
    const lex = performance.now() - start;
    start = performance.now();
    retriever.retrieveHybrid(q, RETRIEVAL_K, { index, vector });
    const hyb = performance.now() - start;
    lexical.push(lex);
    hybrid.push(hyb);
    overhead.push(hyb - lex);
  });
  const label = `stackfaq + distractors (${chunks.length.toLocaleString('en')} passages × ${dims} dims)`;
  return [
    row(`${label}: lexical retrieve top-${RETRIEVAL_K}`, lexical),
    row(`${label}: hybrid retrieve top-${RETRIEVAL_K}`, hybrid, `query vector given (the /embeddings request not included); index built in ${Math.round(embedMs)} ms incl. hashing`),
    row(`${label}: hybrid overhead over lexical, per query`, overhead, 'hybrid minus lexical, same query'),
  ];
}

export function benchEmbeddings(): EmbedBenchRow[] {
  return [...[384, 768, 1536].map(benchVectorSearch), ...benchHybridOverhead()];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const r of benchEmbeddings()) console.log(JSON.stringify(r));
}
