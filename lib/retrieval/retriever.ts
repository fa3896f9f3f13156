import type { KbChunk } from '../kb/chunk';
import { tokenize } from '../text/tokenize';
import { fuseHybrid, fuseRankings, type HybridFusionOptions } from './fusion';
import type { LexicalIndex } from './lexical-index';
import type { VectorIndex } from './vector-index';

/** A passage found for a query (design §"The data that flows", step 3). */
export interface RetrievedChunk {
  chunkId: string;
  docId: string;
  title: string;
  heading?: string;
  url?: string;
  text: string;
  kind: KbChunk['kind'];
  language: string;
  score: number;
  /** Share of the query's idf mass found in this chunk (0..1): how much of the ticket it covers. */
  coverage: number;
  /** Hybrid retrieval only: cosine similarity to the query's embedding (absent: not among the embedding candidates). */
  similarity?: number;
  /** Hybrid retrieval only: the fused score the passages are ordered by (`score` stays the BM25 score). */
  fusedScore?: number;
}

/** The embedding side of a hybrid query: the KB's vectors and the query's vector (same model). */
export interface SemanticQuery {
  index: VectorIndex;
  vector: Float32Array;
}

/** Candidates each side contributes to hybrid fusion, at least. */
export const HYBRID_CANDIDATES = 50;

export interface RetrievalQuery {
  text: string;
  language: string;
}

export interface RankedDocument {
  docId: string;
  score: number;
  bestChunkId: string;
}

/** Retrieval over the KB's chunks: lexical ranking, the fusion point, then chunk lookup. */
export class Retriever {
  /** Each chunk's distinct terms, computed once, for coverage. */
  private readonly termSets = new Map<string, Set<string>>();

  constructor(
    private readonly chunks: ReadonlyMap<string, KbChunk>,
    private readonly lexical: LexicalIndex,
  ) {}

  get chunkCount(): number {
    return this.lexical.size;
  }

  retrieve(query: RetrievalQuery, k: number): RetrievedChunk[] {
    const terms = tokenize(query.text, query.language);
    const fused = fuseRankings([this.lexical.searchTerms(terms, k)], k);
    return this.passages(terms, fused.map((hit) => ({ chunkId: hit.chunkId, score: hit.score })));
  }

  /**
   * Hybrid retrieval: the lexical ranking and the embedding ranking fused (see `fuseHybrid`). With
   * no semantic side, or an empty vector index, this is exactly `retrieve`. `score` stays the BM25
   * score, so confidence keeps its scale: 0 for a passage only the embeddings found (it is not
   * among the lexical candidates, so it matches the query's words weakly or not at all); the order
   * is by `fusedScore`.
   */
  retrieveHybrid(query: RetrievalQuery, k: number, semantic: SemanticQuery | null, options: HybridFusionOptions = {}): RetrievedChunk[] {
    if (!semantic || semantic.index.size === 0 || semantic.vector.length !== semantic.index.dims) return this.retrieve(query, k);
    const depth = Math.max(HYBRID_CANDIDATES, k * 4);
    const terms = tokenize(query.text, query.language);
    const lexical = this.lexical.searchTerms(terms, depth);
    const vector = semantic.index.search(semantic.vector, depth).filter((hit) => this.chunks.has(hit.chunkId));
    const fused = fuseHybrid(lexical, vector, k, options);
    return this.passages(
      terms,
      fused.map((hit) => ({
        chunkId: hit.chunkId,
        score: hit.lexicalScore ?? 0,
        extra: { ...(hit.similarity !== undefined ? { similarity: hit.similarity } : {}), fusedScore: hit.score },
      })),
    );
  }

  /** Ranked hits as passages, each with its coverage of the query's idf mass. */
  private passages(terms: readonly string[], hits: readonly { chunkId: string; score: number; extra?: Pick<RetrievedChunk, 'similarity' | 'fusedScore'> }[]): RetrievedChunk[] {
    const unique = [...new Set(terms)];
    const totalIdf = unique.reduce((sum, t) => sum + (this.lexical.documentFrequency(t) > 0 ? this.lexical.idf(t) : 0), 0);
    const out: RetrievedChunk[] = [];
    for (const hit of hits) {
      const chunk = this.chunks.get(hit.chunkId);
      if (!chunk) continue;
      const chunkTerms = this.termsOf(chunk);
      const covered = unique.reduce((sum, t) => sum + (chunkTerms.has(t) ? this.lexical.idf(t) : 0), 0);
      out.push({
        chunkId: chunk.chunkId,
        docId: chunk.docId,
        title: chunk.title,
        ...(chunk.heading ? { heading: chunk.heading } : {}),
        ...(chunk.url ? { url: chunk.url } : {}),
        text: chunk.text,
        kind: chunk.kind,
        language: chunk.language,
        score: hit.score,
        coverage: totalIdf > 0 ? covered / totalIdf : 0,
        ...hit.extra,
      });
    }
    return out;
  }

  private termsOf(chunk: KbChunk): Set<string> {
    let terms = this.termSets.get(chunk.chunkId);
    if (!terms) {
      terms = new Set(tokenize(`${chunk.title} ${chunk.heading ?? ''} ${chunk.text}`, chunk.language));
      this.termSets.set(chunk.chunkId, terms);
    }
    return terms;
  }

  /** Documents ranked by their best chunk (for evaluation: a document scores by its best chunk). */
  rankDocuments(query: RetrievalQuery, k: number): RankedDocument[] {
    const hits = this.lexical.search(query.text, query.language, Math.max(k * 8, 50));
    const best = new Map<string, RankedDocument>();
    for (const hit of hits) {
      if (!best.has(hit.docId)) best.set(hit.docId, { docId: hit.docId, score: hit.score, bestChunkId: hit.chunkId });
    }
    return [...best.values()].slice(0, k);
  }
}
