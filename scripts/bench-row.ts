import { percentile } from '../lib/feedback/stats';

/** One row of the `npm run bench` table (and of its `--json`). */
export interface BenchRow {
  name: string;
  n: number;
  p50Ms: number | null;
  p95Ms: number | null;
  note?: string;
  bytes?: number;
  recallAt5?: number;
  mrrAt10?: number;
  buildMs?: number;
  loadMs?: number;
}

/** Milliseconds to three decimals (microseconds). */
export const roundMs = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** A timing row: n, p50 and p95 of the samples. */
export function benchRow(name: string, samples: readonly number[], note?: string): BenchRow {
  return { name, n: samples.length, p50Ms: roundMs(percentile(samples, 50)), p95Ms: roundMs(percentile(samples, 95)), ...(note ? { note } : {}) };
}
