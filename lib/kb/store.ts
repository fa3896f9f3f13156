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
  if ((await db.kbDocs.count()) > 0) return false;
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
