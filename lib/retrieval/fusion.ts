/** One ranked list from one retrieval method (lexical today; embeddings can join later). */
export interface RankedItem {
  chunkId: string;
  score: number;
}

/** Reciprocal-rank-fusion constant: 60 is the value from the original RRF paper. */
export const RRF_K = 60;

/**
 * The fusion point of retrieval. With one ranking the list passes through unchanged, scores and
 * all. With several (lexical + embeddings, say), reciprocal rank fusion merges them so that no
 * method's score scale dominates.
 */
export function fuseRankings(rankings: readonly (readonly RankedItem[])[], k: number): RankedItem[] {
  const nonEmpty = rankings.filter((r) => r.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return (nonEmpty[0] ?? []).slice(0, k);
  const fused = new Map<string, number>();
  for (const ranking of nonEmpty) {
    ranking.forEach((item, rank) => fused.set(item.chunkId, (fused.get(item.chunkId) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  return [...fused.entries()]
    .map(([chunkId, score]) => ({ chunkId, score }))
    .sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1))
    .slice(0, k);
}

/**
 * How lexical and embedding rankings are merged:
 * - `convex` (default): w·sim′ + (1 − w)·bm25′, each side min–max normalised over its candidates (a
 *   passage missing from one side gets 0 there). A side that is unsure (flat scores) moves the
 *   order little, so a weak embedding model cannot pull good lexical hits far down.
 * - `rrf`: reciprocal rank fusion, Σ 2w / (RRF_K + rank). Ranks only: every side counts fully
 *   however unsure it is. On StackFAQ with the test server's hashing embedder (a weak, non-semantic
 *   model) it lost to `convex` at every weight tried (0.2–0.7); see `npm run eval -- retrieval --hybrid`.
 */
export type FusionMethod = 'rrf' | 'convex';

export interface HybridFusionOptions {
  method?: FusionMethod;
  /** Weight of the embedding side, 0..1 (default 0.5: equal). */
  semanticWeight?: number;
}

/** A passage after hybrid fusion, with what each side said about it. */
export interface FusedItem extends RankedItem {
  /** BM25 score when the lexical ranking had the passage among its candidates. */
  lexicalScore?: number;
  /** Cosine similarity when the embedding ranking had it among its candidates. */
  similarity?: number;
}

function minMax(items: readonly RankedItem[]): (score: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const item of items) {
    lo = Math.min(lo, item.score);
    hi = Math.max(hi, item.score);
  }
  const span = hi - lo;
  return (score) => (span > 0 ? (score - lo) / span : 1);
}

/**
 * Merge a lexical and an embedding ranking into the top `k`. With one side empty the other passes
 * through in its own order (ranked by its own score).
 */
export function fuseHybrid(lexical: readonly RankedItem[], semantic: readonly RankedItem[], k: number, options: HybridFusionOptions = {}): FusedItem[] {
  const w = Math.min(1, Math.max(0, options.semanticWeight ?? 0.5));
  const method = options.method ?? 'convex';
  const fused = new Map<string, FusedItem>();
  const entry = (chunkId: string): FusedItem => {
    let item = fused.get(chunkId);
    if (!item) {
      item = { chunkId, score: 0 };
      fused.set(chunkId, item);
    }
    return item;
  };
  if (lexical.length === 0 || semantic.length === 0) {
    const only = lexical.length > 0 ? lexical : semantic;
    return only.slice(0, k).map((item) => (lexical.length > 0 ? { ...item, lexicalScore: item.score } : { ...item, similarity: item.score }));
  }
  const lexNorm = minMax(lexical);
  const semNorm = minMax(semantic);
  lexical.forEach((item, rank) => {
    const e = entry(item.chunkId);
    e.lexicalScore = item.score;
    e.score += method === 'rrf' ? (2 * (1 - w)) / (RRF_K + rank + 1) : (1 - w) * lexNorm(item.score);
  });
  semantic.forEach((item, rank) => {
    const e = entry(item.chunkId);
    e.similarity = item.score;
    e.score += method === 'rrf' ? (2 * w) / (RRF_K + rank + 1) : w * semNorm(item.score);
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1)).slice(0, k);
}
