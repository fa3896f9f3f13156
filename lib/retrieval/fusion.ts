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
