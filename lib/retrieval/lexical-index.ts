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

export interface Bm25Params {
  k1: number;
  b: number;
  /** How much a title occurrence counts against a body occurrence (BM25F field weight). */
  titleWeight: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75, titleWeight: 2.5 };

/** The JSON form kept in Dexie so a waking worker is ready without re-tokenizing the KB. */
export interface SerializedLexicalIndex {
  format: 1;
  params: Bm25Params;
  chunkIds: string[];
  docIds: string[];
  lengths: number[];
  /** term → flat [chunkIndex, weightedTf, chunkIndex, weightedTf, …] */
  postings: Record<string, number[]>;
}

/**
 * BM25 over chunks with two fields (title and heading over body), stop words and stemming in each
 * chunk's language. Supports incremental add and delete; deleted chunks are skipped at query time
 * and dropped when serialized.
 */
export class LexicalIndex {
  private chunkIds: string[] = [];
  private docIds: string[] = [];
  private lengths: number[] = [];
  private alive: boolean[] = [];
  private liveCount = 0;
  private totalLength = 0;
  private postings = new Map<string, number[]>();
  private df = new Map<string, number>();
  private byDoc = new Map<string, number[]>();
  private scores = new Float64Array(0);

  constructor(readonly params: Bm25Params = DEFAULT_BM25) {}

  get size(): number {
    return this.liveCount;
  }

  add(chunk: IndexableChunk): void {
    if (this.byDoc.has(chunk.docId) && this.byDoc.get(chunk.docId)?.some((i) => this.chunkIds[i] === chunk.chunkId && this.alive[i])) {
      throw new Error(`Chunk ${chunk.chunkId} is already indexed; remove its document first.`);
    }
    const tf = new Map<string, number>();
    const titleTerms = tokenize(`${chunk.title} ${chunk.heading ?? ''}`, chunk.language);
    const bodyTerms = tokenize(chunk.text, chunk.language);
    for (const t of titleTerms) tf.set(t, (tf.get(t) ?? 0) + this.params.titleWeight);
    for (const t of bodyTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
    const length = titleTerms.length * this.params.titleWeight + bodyTerms.length;
    this.insert(chunk.chunkId, chunk.docId, length, tf);
  }

  private insert(chunkId: string, docId: string, length: number, tf: Map<string, number>): void {
    const index = this.chunkIds.length;
    this.chunkIds.push(chunkId);
    this.docIds.push(docId);
    this.lengths.push(length);
    this.alive.push(true);
    this.liveCount += 1;
    this.totalLength += length;
    const list = this.byDoc.get(docId);
    if (list) list.push(index);
    else this.byDoc.set(docId, [index]);
    for (const [term, weight] of tf) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = [];
        this.postings.set(term, posting);
      }
      posting.push(index, weight);
      this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
  }

  /** Remove every chunk of a document. Returns how many chunks were removed. */
  removeDocument(docId: string): number {
    const indices = this.byDoc.get(docId);
    if (!indices) return 0;
    const dead = new Set(indices.filter((i) => this.alive[i]));
    for (const i of dead) {
      this.alive[i] = false;
      this.liveCount -= 1;
      this.totalLength -= this.lengths[i] ?? 0;
    }
    if (dead.size > 0) {
      for (const [term, posting] of this.postings) {
        let removed = 0;
        for (let p = 0; p < posting.length; p += 2) if (dead.has(posting[p] ?? -1)) removed += 1;
        if (removed > 0) {
          const left = (this.df.get(term) ?? 0) - removed;
          if (left <= 0) this.df.delete(term);
          else this.df.set(term, left);
        }
      }
    }
    this.byDoc.delete(docId);
    return dead.size;
  }

  /** How many live chunks contain the term (already stemmed). */
  documentFrequency(term: string): number {
    return this.df.get(term) ?? 0;
  }

  idf(term: string): number {
    const n = this.liveCount;
    const df = this.documentFrequency(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Top `k` chunks for a query already tokenized (see `tokenize`). */
  searchTerms(terms: readonly string[], k: number): LexicalHit[] {
    if (this.liveCount === 0 || terms.length === 0) return [];
    if (this.scores.length < this.chunkIds.length) this.scores = new Float64Array(this.chunkIds.length * 2);
    const scores = this.scores;
    const touched: number[] = [];
    const queryTf = new Map<string, number>();
    for (const t of terms) queryTf.set(t, (queryTf.get(t) ?? 0) + 1);
    const avgLength = this.totalLength / this.liveCount || 1;
    const { k1, b } = this.params;
    for (const [term, qtf] of queryTf) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = this.idf(term);
      // A term repeated in the query counts more, with diminishing returns.
      const weight = idf * (1 + Math.log(qtf));
      for (let p = 0; p < posting.length; p += 2) {
        const i = posting[p] ?? 0;
        if (!this.alive[i]) continue;
        const tf = posting[p + 1] ?? 0;
        const norm = tf + k1 * (1 - b + (b * (this.lengths[i] ?? 0)) / avgLength);
        if (scores[i] === 0) touched.push(i);
        scores[i] = (scores[i] ?? 0) + (weight * (tf * (k1 + 1))) / norm;
      }
    }
    const hits: LexicalHit[] = [];
    for (const i of touched) {
      hits.push({ chunkId: this.chunkIds[i] ?? '', docId: this.docIds[i] ?? '', score: scores[i] ?? 0 });
      scores[i] = 0;
    }
    hits.sort((x, y) => y.score - x.score || (x.chunkId < y.chunkId ? -1 : 1));
    return hits.slice(0, k);
  }

  search(query: string, language: string, k: number): LexicalHit[] {
    return this.searchTerms(tokenize(query, language), k);
  }

  toJSON(): SerializedLexicalIndex {
    const remap = new Map<number, number>();
    const chunkIds: string[] = [];
    const docIds: string[] = [];
    const lengths: number[] = [];
    this.chunkIds.forEach((id, i) => {
      if (!this.alive[i]) return;
      remap.set(i, chunkIds.length);
      chunkIds.push(id);
      docIds.push(this.docIds[i] ?? '');
      lengths.push(this.lengths[i] ?? 0);
    });
    const postings: Record<string, number[]> = {};
    for (const [term, posting] of this.postings) {
      const out: number[] = [];
      for (let p = 0; p < posting.length; p += 2) {
        const to = remap.get(posting[p] ?? -1);
        if (to !== undefined) out.push(to, posting[p + 1] ?? 0);
      }
      if (out.length > 0) postings[term] = out;
    }
    return { format: 1, params: this.params, chunkIds, docIds, lengths, postings };
  }

  static fromJSON(data: SerializedLexicalIndex): LexicalIndex {
    const index = new LexicalIndex(data.params);
    const tfs = data.chunkIds.map(() => new Map<string, number>());
    for (const [term, posting] of Object.entries(data.postings)) {
      for (let p = 0; p < posting.length; p += 2) tfs[posting[p] ?? 0]?.set(term, posting[p + 1] ?? 0);
    }
    data.chunkIds.forEach((id, i) => index.insert(id, data.docIds[i] ?? '', data.lengths[i] ?? 0, tfs[i] ?? new Map()));
    return index;
  }
}
