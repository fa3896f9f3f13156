import { tokenize } from '../text/tokenize';

/** What the lexical index needs of a passage. */
export interface IndexableChunk {
  chunkId: string;
  docId: string;
  title: string;
  heading?: string;
  text: string;
  language: string;
}

export interface LexicalHit {
  chunkId: string;
  docId: string;
  score: number;
}

/**
 * BM25 parameters. Each field is scored with its own length normalisation (a short title that
 * matches is not diluted by a long body) and the title's score is weighted; `delta` is BM25+'s
 * lower bound per matching term, which rewards covering more of the query.
 */
export interface Bm25Params {
  k1: number;
  b: number;
  /** Length normalisation of the title field. */
  bTitle: number;
  /** How much the title field counts against the body. */
  titleWeight: number;
  /** BM25+ δ: a floor for each matching term's contribution. */
  delta: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75, bTitle: 0.5, titleWeight: 2, delta: 0 };

/** The JSON form kept in Dexie so a waking worker is ready without re-tokenizing the KB. */
export interface SerializedLexicalIndex {
  format: 2;
  params: Bm25Params;
  chunkIds: string[];
  docIds: string[];
  titleLengths: number[];
  bodyLengths: number[];
  /** term → flat [chunkIndex, titleTf, bodyTf, chunkIndex, titleTf, bodyTf, …] */
  postings: Record<string, number[]>;
}

const STRIDE = 3;
const FIELD_SHIFT = 1 << 20;

/**
 * BM25 over chunks with two fields (title + section heading, and body), stop words and stemming in
 * each chunk's language. Incremental add and delete; deleted chunks are skipped at query time and
 * dropped when serialized. Scores are checked against a brute-force BM25 in the tests.
 */
export class LexicalIndex {
  private chunkIds: string[] = [];
  private docIds: string[] = [];
  private titleLengths: number[] = [];
  private bodyLengths: number[] = [];
  private alive: boolean[] = [];
  private liveCount = 0;
  private totalTitle = 0;
  private totalBody = 0;
  private postings = new Map<string, number[]>();
  /** Deleted chunks still in the postings (skipped; dropped when serialized). */
  private deadCount = 0;
  private byDoc = new Map<string, number[]>();
  private scores = new Float64Array(0);
  private seen = new Uint8Array(0);
  /** Per-chunk length-normalisation denominators, cached until the next add or delete. */
  private normTitle = new Float64Array(0);
  private normBody = new Float64Array(0);
  private normsFresh = false;

  constructor(readonly params: Bm25Params = DEFAULT_BM25) {}

  get size(): number {
    return this.liveCount;
  }

  add(chunk: IndexableChunk): void {
    for (const i of this.byDoc.get(chunk.docId) ?? []) {
      if (this.alive[i] && this.chunkIds[i] === chunk.chunkId) {
        throw new Error(`Chunk ${chunk.chunkId} is already indexed; remove its document first.`);
      }
    }
    const titleTerms = tokenize(`${chunk.title} ${chunk.heading ?? ''}`, chunk.language);
    const bodyTerms = tokenize(chunk.text, chunk.language);
    // Both field counts in one number (title × 2^20 + body): one Map and no arrays per chunk.
    const tf = new Map<string, number>();
    for (const t of titleTerms) tf.set(t, (tf.get(t) ?? 0) + FIELD_SHIFT);
    for (const t of bodyTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
    this.insert(chunk.chunkId, chunk.docId, titleTerms.length, bodyTerms.length, tf);
  }

  private insert(chunkId: string, docId: string, titleLength: number, bodyLength: number, tf: Map<string, number>): void {
    const index = this.chunkIds.length;
    this.chunkIds.push(chunkId);
    this.docIds.push(docId);
    this.titleLengths.push(titleLength);
    this.bodyLengths.push(bodyLength);
    this.alive.push(true);
    this.liveCount += 1;
    this.totalTitle += titleLength;
    this.totalBody += bodyLength;
    const list = this.byDoc.get(docId);
    if (list) list.push(index);
    else this.byDoc.set(docId, [index]);
    for (const [term, packed] of tf) {
      const title = Math.floor(packed / FIELD_SHIFT);
      const body = packed - title * FIELD_SHIFT;
      const posting = this.postings.get(term);
      if (posting) posting.push(index, title, body);
      else this.postings.set(term, [index, title, body]);
    }
    this.normsFresh = false;
  }

  /** Remove every chunk of a document. Returns how many chunks were removed. */
  removeDocument(docId: string): number {
    const indices = this.byDoc.get(docId);
    if (!indices) return 0;
    let removed = 0;
    for (const i of indices) {
      if (!this.alive[i]) continue;
      this.alive[i] = false;
      this.liveCount -= 1;
      this.deadCount += 1;
      this.totalTitle -= this.titleLengths[i] ?? 0;
      this.totalBody -= this.bodyLengths[i] ?? 0;
      removed += 1;
    }
    this.byDoc.delete(docId);
    this.normsFresh = false;
    return removed;
  }

  /** How many live chunks contain the term (already stemmed). */
  documentFrequency(term: string): number {
    const posting = this.postings.get(term);
    if (!posting) return 0;
    if (this.deadCount === 0) return posting.length / STRIDE;
    let live = 0;
    for (let p = 0; p < posting.length; p += STRIDE) if (this.alive[posting[p] ?? 0]) live += 1;
    return live;
  }

  /** BM25's idf, always positive: ln(1 + (N − df + 0.5) / (df + 0.5)). */
  idf(term: string): number {
    const n = this.liveCount;
    const df = this.documentFrequency(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private refreshNorms(): void {
    if (this.normsFresh) return;
    const n = this.chunkIds.length;
    const { k1, b, bTitle } = this.params;
    const avgTitle = this.liveCount > 0 ? this.totalTitle / this.liveCount || 1 : 1;
    const avgBody = this.liveCount > 0 ? this.totalBody / this.liveCount || 1 : 1;
    this.normTitle = new Float64Array(n);
    this.normBody = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.normTitle[i] = k1 * (1 - bTitle + (bTitle * (this.titleLengths[i] ?? 0)) / avgTitle);
      this.normBody[i] = k1 * (1 - b + (b * (this.bodyLengths[i] ?? 0)) / avgBody);
    }
    if (this.scores.length < n) {
      this.scores = new Float64Array(Math.max(16, n * 2));
      this.seen = new Uint8Array(Math.max(16, n * 2));
    }
    this.normsFresh = true;
  }

  /** Top `k` chunks for a query already tokenized (see `tokenize`). A repeated term counts more, with diminishing returns. */
  searchTerms(terms: readonly string[], k: number): LexicalHit[] {
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    const weights = new Map<string, number>();
    for (const [term, count] of counts) weights.set(term, 1 + Math.log(count));
    return this.searchWeighted(weights, k);
  }

  /** Top `k` chunks for weighted query terms (term → weight). */
  searchWeighted(weights: ReadonlyMap<string, number>, k: number): LexicalHit[] {
    if (this.liveCount === 0 || weights.size === 0 || k <= 0) return [];
    this.refreshNorms();
    const { k1, titleWeight, delta } = this.params;
    const scores = this.scores;
    const seen = this.seen;
    const touched: number[] = [];
    const normTitle = this.normTitle;
    const normBody = this.normBody;
    const alive = this.alive;
    for (const [term, queryWeight] of weights) {
      const posting = this.postings.get(term);
      if (!posting || queryWeight <= 0) continue;
      const w = this.idf(term) * queryWeight;
      for (let p = 0; p < posting.length; p += STRIDE) {
        const i = posting[p] ?? 0;
        if (!alive[i]) continue;
        const tfTitle = posting[p + 1] ?? 0;
        const tfBody = posting[p + 2] ?? 0;
        let s = delta;
        if (tfTitle > 0) s += (titleWeight * tfTitle * (k1 + 1)) / (tfTitle + (normTitle[i] ?? k1));
        if (tfBody > 0) s += (tfBody * (k1 + 1)) / (tfBody + (normBody[i] ?? k1));
        if (seen[i] === 0) {
          seen[i] = 1;
          touched.push(i);
        }
        scores[i] = (scores[i] ?? 0) + w * s;
      }
    }
    const hits = topK(touched, scores, k);
    const out: LexicalHit[] = hits.map((i) => ({ chunkId: this.chunkIds[i] ?? '', docId: this.docIds[i] ?? '', score: scores[i] ?? 0 }));
    for (const i of touched) {
      scores[i] = 0;
      seen[i] = 0;
    }
    return out;
  }

  search(query: string, language: string, k: number): LexicalHit[] {
    return this.searchTerms(tokenize(query, language), k);
  }

  toJSON(): SerializedLexicalIndex {
    const remap = new Map<number, number>();
    const out: SerializedLexicalIndex = {
      format: 2,
      params: this.params,
      chunkIds: [],
      docIds: [],
      titleLengths: [],
      bodyLengths: [],
      postings: {},
    };
    this.chunkIds.forEach((id, i) => {
      if (!this.alive[i]) return;
      remap.set(i, out.chunkIds.length);
      out.chunkIds.push(id);
      out.docIds.push(this.docIds[i] ?? '');
      out.titleLengths.push(this.titleLengths[i] ?? 0);
      out.bodyLengths.push(this.bodyLengths[i] ?? 0);
    });
    for (const [term, posting] of this.postings) {
      const kept: number[] = [];
      for (let p = 0; p < posting.length; p += STRIDE) {
        const to = remap.get(posting[p] ?? -1);
        if (to !== undefined) kept.push(to, posting[p + 1] ?? 0, posting[p + 2] ?? 0);
      }
      if (kept.length > 0) out.postings[term] = kept;
    }
    return out;
  }

  /** Rebuild from the stored form without re-tokenizing: postings are taken over as they are. */
  static fromJSON(data: SerializedLexicalIndex): LexicalIndex {
    if (data.format !== 2) throw new Error('The stored index is of an older format; it will be rebuilt.');
    const index = new LexicalIndex(data.params);
    index.chunkIds = [...data.chunkIds];
    index.docIds = [...data.docIds];
    index.titleLengths = [...data.titleLengths];
    index.bodyLengths = [...data.bodyLengths];
    index.alive = data.chunkIds.map(() => true);
    index.liveCount = data.chunkIds.length;
    index.totalTitle = data.titleLengths.reduce((a, b) => a + b, 0);
    index.totalBody = data.bodyLengths.reduce((a, b) => a + b, 0);
    data.docIds.forEach((docId, i) => {
      const list = index.byDoc.get(docId);
      if (list) list.push(i);
      else index.byDoc.set(docId, [i]);
    });
    for (const [term, posting] of Object.entries(data.postings)) index.postings.set(term, posting);
    return index;
  }
}

/** Indices of the `k` highest scores, best first (ties by index), without sorting everything. */
function topK(candidates: readonly number[], scores: Float64Array, k: number): number[] {
  const better = (a: number, b: number) => (scores[a] ?? 0) > (scores[b] ?? 0) || ((scores[a] ?? 0) === (scores[b] ?? 0) && a < b);
  if (candidates.length <= k * 4) return [...candidates].sort((a, b) => (better(a, b) ? -1 : 1)).slice(0, k);
  // A min-heap of the best k seen so far.
  const heap: number[] = [];
  const worse = (a: number, b: number) => better(b, a);
  const up = (j: number) => {
    while (j > 0) {
      const parent = (j - 1) >> 1;
      if (!worse(heap[j] ?? 0, heap[parent] ?? 0)) break;
      [heap[j], heap[parent]] = [heap[parent] ?? 0, heap[j] ?? 0];
      j = parent;
    }
  };
  const down = (j: number) => {
    for (;;) {
      const l = 2 * j + 1;
      const r = l + 1;
      let m = j;
      if (l < heap.length && worse(heap[l] ?? 0, heap[m] ?? 0)) m = l;
      if (r < heap.length && worse(heap[r] ?? 0, heap[m] ?? 0)) m = r;
      if (m === j) return;
      [heap[j], heap[m]] = [heap[m] ?? 0, heap[j] ?? 0];
      j = m;
    }
  };
  for (const c of candidates) {
    if (heap.length < k) {
      heap.push(c);
      up(heap.length - 1);
    } else if (better(c, heap[0] ?? 0)) {
      heap[0] = c;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}
