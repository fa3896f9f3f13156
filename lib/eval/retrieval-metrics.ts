import { z } from 'zod';
import { parseJsonLines } from '../jsonl';

/** One evaluation query: `{"id","query","relevant":[doc ids]}` per line. */
export const RetrievalQuerySchema = z.object({
  id: z.string().min(1),
  query: z.string(),
  relevant: z.array(z.string()).min(1),
});
export type RetrievalQuery = z.infer<typeof RetrievalQuerySchema>;

export interface RetrievalMetrics {
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
  queries: number;
}

/**
 * Recall@k: the share of a query's relevant documents found in the top k, averaged over queries.
 * MRR@10: the mean of 1 / rank of the first relevant document within the top 10 (0 when none is).
 */
export function scoreRankings(rankings: readonly { relevant: readonly string[]; ranked: readonly string[] }[]): RetrievalMetrics {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const { relevant, ranked } of rankings) {
    const wanted = new Set(relevant);
    const found = (k: number) => ranked.slice(0, k).filter((id) => wanted.has(id)).length / wanted.size;
    r1 += found(1);
    r5 += found(5);
    const first = ranked.slice(0, 10).findIndex((id) => wanted.has(id));
    mrr += first >= 0 ? 1 / (first + 1) : 0;
  }
  const n = rankings.length || 1;
  return { recallAt1: r1 / n, recallAt5: r5 / n, mrrAt10: mrr / n, queries: rankings.length };
}

export interface ParsedQueries {
  queries: RetrievalQuery[];
  errors: { line: number; message: string }[];
}

export function parseQueriesJsonl(text: string): ParsedQueries {
  const { rows, problems } = parseJsonLines(text, RetrievalQuerySchema);
  return {
    queries: rows.map((r) => r.value),
    errors: problems.map((p) => ({ line: p.line, message: p.kind === 'json' ? 'not valid JSON' : (p.issue?.message ?? 'invalid query') })),
  };
}
