import type { RankedItem } from './fusion';

/** A copy of `v` scaled to length 1, or null for a zero (or non-finite) vector. */
export function normalized(v: ArrayLike<number>): Float32Array | null {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] ?? 0;
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) / norm;
  return out;
}

export interface VectorEntry {
  chunkId: string;
  vector: ArrayLike<number>;
}

/**
 * Exact nearest neighbours by cosine similarity: every vector normalized once and packed into one
 * Float32Array, a query scored against all of them (brute force, unrolled by four) with a running
 * top-k. Exact and simple; fast enough for knowledge bases of tens of thousands of passages
 * (`npm run bench` measures it).
 */
export class VectorIndex {
  private constructor(
    readonly dims: number,
    private readonly ids: readonly string[],
    private readonly data: Float32Array,
    /** Entries left out: a different dimension than the rest, or a zero vector. */
    readonly skipped: number,
  ) {}

  /**
   * Build from entries. The dimension is the most common one among them (a model swapped behind
   * the same name leaves vectors of another length, which cannot be compared and are skipped).
   */
  static build(entries: Iterable<VectorEntry>): VectorIndex {
    const list = [...entries];
    const counts = new Map<number, number>();
    for (const e of list) counts.set(e.vector.length, (counts.get(e.vector.length) ?? 0) + 1);
    let dims = 0;
    let best = 0;
    for (const [d, n] of counts) if (d > 0 && (n > best || (n === best && d > dims))) [dims, best] = [d, n];
    const ids: string[] = [];
    const data = new Float32Array(best * dims);
    let skipped = 0;
    const seen = new Set<string>();
    for (const e of list) {
      const unit = e.vector.length === dims && !seen.has(e.chunkId) ? normalized(e.vector) : null;
      if (!unit) {
        skipped += 1;
        continue;
      }
      seen.add(e.chunkId);
      data.set(unit, ids.length * dims);
      ids.push(e.chunkId);
    }
    return new VectorIndex(dims, ids, data.subarray(0, ids.length * dims), skipped);
  }

  static empty(): VectorIndex {
    return new VectorIndex(0, [], new Float32Array(0), 0);
  }

  get size(): number {
    return this.ids.length;
  }

  /**
   * The `k` passages most similar to `query` (cosine, highest first; equal scores in the order the passages were added). A query of
   * another dimension than the index, or a zero query, finds nothing.
   */
  search(query: ArrayLike<number>, k: number): RankedItem[] {
    if (k <= 0 || this.size === 0 || query.length !== this.dims) return [];
    const q = normalized(query);
    if (!q) return [];
    const dims = this.dims;
    const data = this.data;
    const n = this.size;
    const limit = Math.min(k, n);
    // The running top-k, sorted by score descending; `floor` is the score a newcomer must beat.
    const topScores = new Float64Array(limit).fill(-Infinity);
    const topRows = new Int32Array(limit).fill(-1);
    let floor = -Infinity;
    const tail = dims - (dims % 4);
    for (let row = 0, base = 0; row < n; row++, base += dims) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let d = 0;
      for (; d < tail; d += 4) {
        s0 += (q[d] ?? 0) * (data[base + d] ?? 0);
        s1 += (q[d + 1] ?? 0) * (data[base + d + 1] ?? 0);
        s2 += (q[d + 2] ?? 0) * (data[base + d + 2] ?? 0);
        s3 += (q[d + 3] ?? 0) * (data[base + d + 3] ?? 0);
      }
      for (; d < dims; d++) s0 += (q[d] ?? 0) * (data[base + d] ?? 0);
      const score = s0 + s1 + s2 + s3;
      if (score <= floor) continue;
      let i = limit - 1;
      while (i > 0 && (topScores[i - 1] ?? 0) < score) {
        topScores[i] = topScores[i - 1] ?? 0;
        topRows[i] = topRows[i - 1] ?? 0;
        i -= 1;
      }
      topScores[i] = score;
      topRows[i] = row;
      floor = topScores[limit - 1] ?? 0;
    }
    const out: RankedItem[] = [];
    for (let i = 0; i < limit; i++) {
      const row = topRows[i] ?? 0;
      if (row < 0) break;
      out.push({ chunkId: this.ids[row] ?? '', score: Math.min(1, Math.max(-1, topScores[i] ?? 0)) });
    }
    return out;
  }
}
