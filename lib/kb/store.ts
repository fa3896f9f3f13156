import type { CopilotDb, KbDocRecord } from '../db';
import { LexicalIndex, type SerializedLexicalIndex } from '../retrieval/lexical-index';
import { Retriever } from '../retrieval/retriever';
import { chunkDocument, type KbChunk } from './chunk';
import { docLanguage } from './build';
import type { KbDoc } from './schema';

const KB_VERSION_KEY = 'kbVersion';
const INDEX_KEY = 'lexicalIndex';

interface IndexSnapshot {
  kbVersion: number;
  index: SerializedLexicalIndex;
}

function isSnapshot(value: unknown): value is IndexSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v: { kbVersion?: unknown; index?: unknown } = value;
  return typeof v.kbVersion === 'number' && typeof v.index === 'object' && v.index !== null;
}

export interface LoadedKb {
  retriever: Retriever;
  kbVersion: number;
  docs: number;
  chunks: number;
  /** True when the index came from the stored snapshot rather than a rebuild. */
  fromSnapshot: boolean;
}

export async function kbVersion(db: CopilotDb): Promise<number> {
  const row = await db.meta.get(KB_VERSION_KEY);
  return typeof row?.value === 'number' ? row.value : 0;
}

/**
 * Add or update documents (same id = update), re-chunk them, and bump the KB version. The index
 * snapshot is rebuilt by the next `loadKb`.
 */
export async function upsertDocs(db: CopilotDb, docs: readonly KbDoc[], source: string, now = Date.now()): Promise<number> {
  return db.transaction('rw', db.kbDocs, db.kbChunks, db.meta, async () => {
    const records: KbDocRecord[] = docs.map((d) => ({ ...d, language: docLanguage(d), updatedAt: now, source }));
    const chunks: KbChunk[] = records.flatMap((d) => chunkDocument(d, d.language));
    await db.kbChunks.where('docId').anyOf(records.map((d) => d.id)).delete();
    await db.kbDocs.bulkPut(records);
    await db.kbChunks.bulkPut(chunks);
    const version = (await kbVersion(db)) + 1;
    await db.meta.put({ key: KB_VERSION_KEY, value: version });
    return version;
  });
}

/** Install the bundled sample KB when the knowledge base is empty (first install). */
export async function ensureSampleKb(db: CopilotDb, loadSample: () => Promise<readonly KbDoc[]>): Promise<boolean> {
  // Only on a fresh database: a team that deleted every entry does not get the sample back.
  if ((await kbVersion(db)) > 0 || (await db.kbDocs.count()) > 0) return false;
  const docs = await loadSample();
  await upsertDocs(db, docs, 'sample');
  return true;
}

/**
 * Load the retriever: chunks from Dexie, and the index from its snapshot when the snapshot is of
 * the current KB version, else rebuilt and saved — so a waking worker is ready without re-tokenizing.
 */
export async function loadKb(db: CopilotDb): Promise<LoadedKb> {
  const [version, chunks, docs, snapshotRow] = await Promise.all([
    kbVersion(db),
    db.kbChunks.toArray(),
    db.kbDocs.count(),
    db.meta.get(INDEX_KEY),
  ]);
  let index: LexicalIndex;
  let fromSnapshot = false;
  const snapshot = snapshotRow?.value;
  if (isSnapshot(snapshot) && snapshot.kbVersion === version && snapshot.index.chunkIds.length === chunks.length) {
    index = LexicalIndex.fromJSON(snapshot.index);
    fromSnapshot = true;
  } else {
    index = new LexicalIndex();
    for (const chunk of chunks) index.add(chunk);
    const fresh: IndexSnapshot = { kbVersion: version, index: index.toJSON() };
    await db.meta.put({ key: INDEX_KEY, value: fresh });
  }
  const retriever = new Retriever(new Map(chunks.map((c) => [c.chunkId, c])), index);
  return { retriever, kbVersion: version, docs, chunks: chunks.length, fromSnapshot };
}

/**
 * Remove documents and their chunks, and bump the KB version when anything was removed. Returns
 * the KB version after the change.
 */
export async function deleteDocs(db: CopilotDb, ids: readonly string[]): Promise<number> {
  return db.transaction('rw', db.kbDocs, db.kbChunks, db.meta, async () => {
    const unique = [...new Set(ids)];
    const existing = (await db.kbDocs.bulkGet(unique)).filter((d) => d !== undefined).map((d) => d.id);
    if (existing.length === 0) return kbVersion(db);
    await db.kbChunks.where('docId').anyOf(existing).delete();
    await db.kbDocs.bulkDelete(existing);
    const version = (await kbVersion(db)) + 1;
    await db.meta.put({ key: KB_VERSION_KEY, value: version });
    return version;
  });
}

/** One row of the KB list: a document without its body. */
export interface KbEntrySummary {
  id: string;
  title: string;
  kind: KbDoc['kind'];
  language: string;
  tags: string[];
  url?: string;
  source: string;
  updatedAt: number;
  /** Length of the body in characters. */
  size: number;
}

export interface ListDocsOptions {
  /** Case-insensitive substring of the title, id or a tag. */
  query?: string;
  kind?: KbDoc['kind'];
  offset: number;
  limit: number;
}

export interface KbDocPage {
  entries: KbEntrySummary[];
  /** How many documents match, over all pages. */
  total: number;
}

function summarise(doc: KbDocRecord): KbEntrySummary {
  return {
    id: doc.id,
    title: doc.title,
    kind: doc.kind,
    language: doc.language,
    tags: doc.tags ?? [],
    ...(doc.url ? { url: doc.url } : {}),
    source: doc.source,
    updatedAt: doc.updatedAt,
    size: doc.body.length,
  };
}

/** A page of KB documents, newest first (then by title), filtered by a search text and a kind. */
export async function listDocs(db: CopilotDb, options: ListDocsOptions): Promise<KbDocPage> {
  const needle = options.query?.trim().toLowerCase() ?? '';
  const base = options.kind ? db.kbDocs.where('kind').equals(options.kind) : db.kbDocs.toCollection();
  const matching: KbEntrySummary[] = [];
  await base.each((doc) => {
    if (
      needle &&
      !doc.title.toLowerCase().includes(needle) &&
      !doc.id.toLowerCase().includes(needle) &&
      !(doc.tags ?? []).some((t) => t.toLowerCase().includes(needle))
    ) {
      return;
    }
    matching.push(summarise(doc));
  });
  matching.sort((a, b) => b.updatedAt - a.updatedAt || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  const offset = Math.max(0, Math.floor(options.offset));
  const limit = Math.max(0, Math.floor(options.limit));
  return { entries: matching.slice(offset, offset + limit), total: matching.length };
}

export interface KbStats {
  docs: number;
  articles: number;
  macros: number;
  chunks: number;
  version: number;
  /** Documents per language. */
  languages: Record<string, number>;
  /** Documents per source (`sample`, a file name, a web address …). */
  sources: Record<string, number>;
  /** When the newest document was written (ms since epoch), or null for an empty KB. */
  lastUpdated: number | null;
}

/** Counts for the options page: documents by kind, language and source, passages, version. */
export async function kbStats(db: CopilotDb): Promise<KbStats> {
  return db.transaction('r', db.kbDocs, db.kbChunks, db.meta, async () => {
    const stats: KbStats = { docs: 0, articles: 0, macros: 0, chunks: 0, version: 0, languages: {}, sources: {}, lastUpdated: null };
    await db.kbDocs.each((doc) => {
      stats.docs += 1;
      if (doc.kind === 'macro') stats.macros += 1;
      else stats.articles += 1;
      stats.languages[doc.language] = (stats.languages[doc.language] ?? 0) + 1;
      stats.sources[doc.source] = (stats.sources[doc.source] ?? 0) + 1;
      stats.lastUpdated = Math.max(stats.lastUpdated ?? 0, doc.updatedAt);
    });
    stats.chunks = await db.kbChunks.count();
    stats.version = await kbVersion(db);
    return stats;
  });
}

/** Entries per upsert: small enough that the progress bar moves, large enough to be quick. */
export const IMPORT_BATCH_SIZE = 200;

/**
 * Write imported entries in batches (each its own version bump), so a long import shows progress
 * and a failure part-way keeps what was saved. `beforeBatch` runs before each batch (to report
 * progress and let the page paint). Returns how many were written and the error that stopped it.
 */
export async function upsertInBatches(
  db: CopilotDb,
  groups: ReadonlyMap<string, readonly KbDoc[]>,
  beforeBatch: (written: number, total: number) => Promise<void> = async () => undefined,
  batchSize = IMPORT_BATCH_SIZE,
): Promise<{ written: number; total: number; error: unknown }> {
  const total = [...groups.values()].reduce((n, docs) => n + docs.length, 0);
  let written = 0;
  for (const [source, docs] of groups) {
    for (let i = 0; i < docs.length; i += batchSize) {
      const batch = docs.slice(i, i + batchSize);
      await beforeBatch(written, total);
      try {
        await upsertDocs(db, batch, source);
      } catch (error) {
        return { written, total, error };
      }
      written += batch.length;
    }
  }
  return { written, total, error: null };
}
