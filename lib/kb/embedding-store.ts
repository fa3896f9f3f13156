import type { CopilotDb, EmbeddingRecord } from '../db';
import { EmbeddingError, type Embedder } from '../retrieval/embeddings';
import { VectorIndex } from '../retrieval/vector-index';
import type { KbChunk } from './chunk';

/**
 * Embedding vectors of the KB's passages, kept in Dexie per passage and model. A passage is
 * embedded again only when the text it is embedded from changed (its hash), a vector is reused
 * for any passage with the same text, and vectors of deleted passages are dropped.
 */

/** Passages per request while embedding the KB: each batch is saved before the next starts. */
export const EMBED_STORE_BATCH = 32;

/** The text a passage is embedded from: its title and section heading give the passage its topic. */
export function embeddingText(chunk: Pick<KbChunk, 'title' | 'heading' | 'text'>): string {
  return [chunk.title, chunk.heading, chunk.text].filter((part) => part && part.trim()).join('\n\n');
}

/**
 * A 64-bit FNV-1a hash (two 32-bit lanes) of the text's UTF-16 code units, plus its length: fast,
 * synchronous, the same in the browser and Node. It only tells whether a passage changed.
 */
export function textHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) ^ (b >>> 13);
  }
  return `${text.length.toString(36)}-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

export function embeddingKey(model: string, chunkId: string): string {
  return `${model}\u0000${chunkId}`;
}

export interface EmbedProgress {
  /** Passages with a current vector so far (reused ones included). */
  done: number;
  /** Passages in the KB. */
  total: number;
  /** Passages embedded by the server in this run so far. */
  embedded: number;
  /** Passages whose vector was already stored, or reused from a passage with the same text. */
  reused: number;
}

export interface SyncOptions {
  onProgress?: (progress: EmbedProgress) => void | Promise<void>;
  signal?: AbortSignal;
  batchSize?: number;
  now?: () => number;
}

export interface SyncResult extends EmbedProgress {
  /** Vectors of passages no longer in the KB (or of another dimension), deleted. */
  removed: number;
  /** What stopped the run early (already saved batches are kept); null when it finished. */
  error: EmbeddingError | null;
}

function toError(error: unknown): EmbeddingError {
  if (error instanceof EmbeddingError) return error;
  return new EmbeddingError('other', `Saving the vectors failed (${error instanceof Error ? error.message : String(error)}). Free some disk space and embed again.`);
}

/**
 * Bring the stored vectors of `embedder.model` up to date with the KB's passages: reuse what is
 * current, embed what is missing or changed in batches (each saved as it arrives, so a stopped
 * run resumes where it left off), delete vectors of passages that are gone. Failures do not
 * throw: the result carries the error and what was done before it.
 */
export async function syncEmbeddings(db: CopilotDb, embedder: Embedder, options: SyncOptions = {}): Promise<SyncResult> {
  const model = embedder.model;
  const now = options.now ?? Date.now;
  const batchSize = Math.max(1, options.batchSize ?? EMBED_STORE_BATCH);
  const [chunks, stored] = await Promise.all([db.kbChunks.toArray(), db.embeddings.where('model').equals(model).toArray()]);
  const byChunk = new Map<string, EmbeddingRecord>(stored.map((r) => [r.chunkId, r]));
  const byHash = new Map<string, EmbeddingRecord>();
  for (const r of stored) if (!byHash.has(r.textHash)) byHash.set(r.textHash, r);

  const live = new Set(chunks.map((c) => c.chunkId));
  const staleKeys = stored.filter((r) => !live.has(r.chunkId)).map((r) => r.key);
  const progress: EmbedProgress = { done: 0, total: chunks.length, embedded: 0, reused: 0 };
  const reusedRows: EmbeddingRecord[] = [];
  let pending: { chunk: KbChunk; text: string; hash: string }[] = [];
  for (const chunk of chunks) {
    const text = embeddingText(chunk);
    const hash = textHash(text);
    if (byChunk.get(chunk.chunkId)?.textHash === hash) {
      progress.reused += 1;
      continue;
    }
    const same = byHash.get(hash);
    if (same) {
      reusedRows.push({ key: embeddingKey(model, chunk.chunkId), chunkId: chunk.chunkId, model, textHash: hash, vector: same.vector, createdAt: now() });
      progress.reused += 1;
      continue;
    }
    pending.push({ chunk, text, hash });
  }
  progress.done = progress.reused;

  let removed = 0;
  try {
    if (staleKeys.length > 0) await db.embeddings.bulkDelete(staleKeys);
    removed = staleKeys.length;
    if (reusedRows.length > 0) await db.embeddings.bulkPut(reusedRows);
  } catch (error) {
    return { ...progress, done: 0, reused: 0, removed, error: toError(error) };
  }
  await options.onProgress?.({ ...progress });

  // The stored vectors' dimension; a model that now answers with another one makes them useless.
  let dims = stored.find((r) => live.has(r.chunkId))?.vector.length ?? null;
  for (let i = 0; i < pending.length; i += batchSize) {
    if (options.signal?.aborted) return { ...progress, removed, error: new EmbeddingError('aborted', 'Embedding was cancelled. What was embedded so far is kept; embed again to finish.') };
    const batch = pending.slice(i, i + batchSize);
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(
        batch.map((p) => p.text),
        options.signal,
      );
    } catch (error) {
      return { ...progress, removed, error: toError(error) };
    }
    const batchDims = vectors[0]?.length ?? 0;
    if (dims !== null && batchDims !== dims) {
      // Start over for this model: every stored vector is of the old dimension.
      try {
        const old = await db.embeddings.where('model').equals(model).primaryKeys();
        await db.embeddings.bulkDelete(old);
        removed += old.length;
      } catch (error) {
        return { ...progress, removed, error: toError(error) };
      }
      pending = [...chunks.map((chunk) => ({ chunk, text: embeddingText(chunk), hash: textHash(embeddingText(chunk)) }))];
      progress.done = 0;
      progress.reused = 0;
      progress.embedded = 0;
      dims = batchDims;
      i = -batchSize;
      await options.onProgress?.({ ...progress });
      continue;
    }
    dims = batchDims;
    const rows: EmbeddingRecord[] = batch.map((p, j) => ({
      key: embeddingKey(model, p.chunk.chunkId),
      chunkId: p.chunk.chunkId,
      model,
      textHash: p.hash,
      vector: vectors[j] ?? new Float32Array(0),
      createdAt: now(),
    }));
    try {
      await db.embeddings.bulkPut(rows);
    } catch (error) {
      return { ...progress, removed, error: toError(error) };
    }
    progress.embedded += rows.length;
    progress.done += rows.length;
    await options.onProgress?.({ ...progress });
  }
  return { ...progress, removed, error: null };
}

export interface EmbeddingStatus {
  model: string;
  /** Passages in the KB. */
  total: number;
  /** Passages with a vector of their current text. */
  current: number;
}

/** How many passages have a current vector for `model` (for the Options page and the pipeline). */
export async function embeddingStatus(db: CopilotDb, model: string): Promise<EmbeddingStatus> {
  const [chunks, stored] = await Promise.all([db.kbChunks.toArray(), db.embeddings.where('model').equals(model).toArray()]);
  const hashes = new Map(stored.map((r) => [r.chunkId, r.textHash]));
  const current = chunks.filter((c) => hashes.get(c.chunkId) === textHash(embeddingText(c))).length;
  return { model, total: chunks.length, current };
}

export interface LoadedVectors {
  index: VectorIndex;
  model: string;
  /** Passages with no current vector (new or changed since the last run): lexical ranking only. */
  missing: number;
}

/**
 * The vector index of `model` over the given passages (the ones the retriever holds): only
 * vectors of a passage's current text are used, so an edited passage is never found by its old
 * meaning.
 */
export async function loadVectorIndex(db: CopilotDb, model: string, chunks: Iterable<KbChunk>): Promise<LoadedVectors> {
  const stored = await db.embeddings.where('model').equals(model).toArray();
  const byChunk = new Map(stored.map((r) => [r.chunkId, r]));
  const entries: { chunkId: string; vector: Float32Array }[] = [];
  let missing = 0;
  for (const chunk of chunks) {
    const record = byChunk.get(chunk.chunkId);
    if (record && record.textHash === textHash(embeddingText(chunk))) entries.push({ chunkId: chunk.chunkId, vector: record.vector });
    else missing += 1;
  }
  const index = VectorIndex.build(entries);
  return { index, model, missing: missing + index.skipped };
}

/** Delete the vectors of every model but `keep` (after switching models). Returns how many went. */
export async function dropOtherModels(db: CopilotDb, keep: string): Promise<number> {
  return db.embeddings.where('model').notEqual(keep).delete();
}
