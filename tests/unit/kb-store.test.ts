import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { importCsv } from '../../lib/kb/import/csv';
import { importMarkdown } from '../../lib/kb/import/markdown';
import { parseKbJsonl } from '../../lib/kb/jsonl';
import { KbDocSchema, type KbDoc, type KbDocInput } from '../../lib/kb/schema';
import { deleteDocs, ensureSampleKb, kbStats, kbVersion, listDocs, loadKb, upsertDocs, upsertInBatches } from '../../lib/kb/store';
import { latestBySource } from '../../lib/kb/import/index';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = parseKbJsonl(readFileSync(resolve(ROOT, 'public/kb/sample-kb.jsonl'), 'utf8')).docs;

function doc(input: KbDocInput): KbDoc {
  return KbDocSchema.parse(input);
}

let db: CopilotDb;

beforeEach(() => {
  db = new CopilotDb(`kb-store-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

describe('upsertDocs', () => {
  it('updates an entry imported again with the same id, re-chunking it', async () => {
    await upsertDocs(db, [doc({ id: 'a', title: 'Old title', body: 'Old body about oak boards.' })], 'first.md');
    await upsertDocs(db, [doc({ id: 'a', title: 'New title', body: 'New body about walnut boards.' })], 'second.md');
    expect(await db.kbDocs.count()).toBe(1);
    const stored = await db.kbDocs.get('a');
    expect(stored).toMatchObject({ title: 'New title', source: 'second.md' });
    const chunks = await db.kbChunks.where('docId').equals('a').toArray();
    expect(chunks.map((c) => c.text).join(' ')).toContain('walnut');
    expect(chunks.map((c) => c.text).join(' ')).not.toContain('oak');
  });
});

describe('deleteDocs', () => {
  it('removes the documents and their chunks, and leaves the others', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `## Part ${i}\n\n${'Word '.repeat(160)}`).join('\n\n');
    await upsertDocs(db, [doc({ id: 'big', title: 'Big', body: long }), doc({ id: 'keep', title: 'Keep', body: 'Stays.' })], 'x');
    expect(await db.kbChunks.where('docId').equals('big').count()).toBeGreaterThan(1);
    await deleteDocs(db, ['big']);
    expect(await db.kbDocs.get('big')).toBeUndefined();
    expect(await db.kbChunks.where('docId').equals('big').count()).toBe(0);
    expect(await db.kbDocs.get('keep')).toBeDefined();
    expect(await db.kbChunks.where('docId').equals('keep').count()).toBe(1);
  });

  it('bumps the version only when something was removed', async () => {
    await upsertDocs(db, [doc({ id: 'a', title: 'A', body: 'a' })], 'x');
    const before = await kbVersion(db);
    expect(await deleteDocs(db, ['missing'])).toBe(before);
    expect(await kbVersion(db)).toBe(before);
    expect(await deleteDocs(db, ['a', 'a'])).toBe(before + 1);
  });
});

describe('the KB version', () => {
  it('goes up on every edit: import, update, delete', async () => {
    const versions = [await kbVersion(db)];
    versions.push(await upsertDocs(db, [doc({ id: 'a', title: 'A', body: 'a' })], 'x'));
    versions.push(await upsertDocs(db, [doc({ id: 'a', title: 'A2', body: 'a2' })], 'x'));
    versions.push(await upsertDocs(db, [doc({ id: 'b', title: 'B', body: 'b' })], 'x'));
    versions.push(await deleteDocs(db, ['a']));
    expect(versions).toEqual([0, 1, 2, 3, 4]);
    expect(await kbVersion(db)).toBe(4);
    expect((await kbStats(db)).version).toBe(4);
  });
});

describe('listDocs', () => {
  beforeEach(async () => {
    await upsertDocs(db, [doc({ id: 'art-oak', title: 'Oak board care', body: 'Oil it.', tags: ['Care'] })], 'a.md', 1000);
    await upsertDocs(
      db,
      [
        doc({ id: 'macro-engraving-too-long', title: 'Engraving – message too long', body: 'Up to 40.', kind: 'macro', tags: ['engraving'] }),
        doc({ id: 'macro-gift-box', title: 'Gift box', body: 'Kraft box.', kind: 'macro', tags: ['gifts', 'packaging'] }),
      ],
      'macros.csv',
      2000,
    );
    await upsertDocs(db, [doc({ id: 'art-walnut', title: 'Walnut boards', body: 'Darker wood.', language: 'en' })], 'b.md', 3000);
  });

  it('lists newest first, then by title, with the total', async () => {
    const page = await listDocs(db, { offset: 0, limit: 10 });
    expect(page.total).toBe(4);
    expect(page.entries.map((e) => e.id)).toEqual(['art-walnut', 'macro-engraving-too-long', 'macro-gift-box', 'art-oak']);
    expect(page.entries[0]).toMatchObject({ title: 'Walnut boards', kind: 'article', language: 'en', source: 'b.md', updatedAt: 3000, size: 12 });
    expect(page.entries[0]).not.toHaveProperty('body');
  });

  it('searches title, id and tags case-insensitively', async () => {
    const ids = async (query: string) => (await listDocs(db, { query, offset: 0, limit: 10 })).entries.map((e) => e.id);
    expect(await ids('ENGRAV')).toEqual(['macro-engraving-too-long']);
    expect(await ids('art-')).toEqual(['art-walnut', 'art-oak']);
    expect(await ids('packag')).toEqual(['macro-gift-box']);
    expect(await ids('care')).toEqual(['art-oak']);
    expect(await ids('  ')).toHaveLength(4);
    expect(await ids('nothing like this')).toEqual([]);
  });

  it('filters by kind and pages', async () => {
    const macros = await listDocs(db, { kind: 'macro', offset: 0, limit: 10 });
    expect(macros.total).toBe(2);
    expect(macros.entries.every((e) => e.kind === 'macro')).toBe(true);
    const first = await listDocs(db, { offset: 0, limit: 3 });
    const second = await listDocs(db, { offset: 3, limit: 3 });
    expect(first.entries).toHaveLength(3);
    expect(second.entries.map((e) => e.id)).toEqual(['art-oak']);
    expect(second.total).toBe(4);
    expect((await listDocs(db, { offset: 10, limit: 3 })).entries).toEqual([]);
  });
});

describe('kbStats', () => {
  it('counts documents by kind, language and source, and passages', async () => {
    expect(await kbStats(db)).toEqual({ docs: 0, articles: 0, macros: 0, chunks: 0, version: 0, languages: {}, sources: {}, lastUpdated: null });
    await upsertDocs(db, [doc({ id: 'a', title: 'A', body: 'Hello there, this is an English article.' }), doc({ id: 'm', title: 'M', body: 'Hallo und danke für die Nachricht.', kind: 'macro', language: 'de' })], 'f.csv', 5);
    const stats = await kbStats(db);
    expect(stats).toMatchObject({ docs: 2, articles: 1, macros: 1, chunks: 2, version: 1, sources: { 'f.csv': 2 }, lastUpdated: 5 });
    expect(stats.languages).toEqual({ en: 1, de: 1 });
  });
});

describe('an import reaches retrieval', () => {
  it('loadKb after an import retrieves the new article, and after a delete no longer does', async () => {
    await ensureSampleKb(db, () => Promise.resolve(SAMPLE));
    const query = { text: 'Can you engrave a gift message on the chopping board I ordered? How many characters fit?', language: 'en' };
    const before = await loadKb(db);
    expect(before.retriever.retrieve(query, 5).some((c) => c.docId === 'engraving-gift-messages')).toBe(false);

    const article = importMarkdown({
      name: 'engraving-gift-messages.md',
      text: '# Engraving a gift message on a chopping board\n\nWe engrave a gift message on the back of any chopping board. A message fits up to 40 characters, in serif or script lettering. Engraving adds two working days.\n',
    });
    const macros = importCsv({ name: 'macros.csv', text: 'title,body,tags\nEngraving – message confirmed,"We will engrave your gift message on the chopping board.",engraving\n' });
    expect([...article.errors, ...macros.errors]).toEqual([]);
    await upsertDocs(db, [...article.docs, ...macros.docs], 'import');

    const after = await loadKb(db);
    expect(after.kbVersion).toBe(before.kbVersion + 1);
    expect(after.fromSnapshot).toBe(false);
    const hits = after.retriever.retrieve(query, 5);
    expect(hits[0]?.docId).toBe('engraving-gift-messages');
    expect(hits.some((h) => h.docId === 'macro-engraving-message-confirmed')).toBe(true);
    expect(hits[0]?.title).toBe('Engraving a gift message on a chopping board');

    await deleteDocs(db, ['engraving-gift-messages']);
    const gone = await loadKb(db);
    expect(gone.retriever.retrieve(query, 5).some((c) => c.docId === 'engraving-gift-messages')).toBe(false);
  });
});

describe('batched imports', () => {
  it('writes every entry in batches, keeps what was saved when a batch fails, and lets later files win', async () => {
    const db = new CopilotDb(`batches-${crypto.randomUUID()}`);
    const doc = (id: string, title: string) => ({ id, title, body: `${title} body`, kind: 'article' as const });
    const groups = latestBySource([
      { source: 'a.md', docs: [doc('x', 'first x'), doc('y', 'y')] },
      { source: 'b.md', docs: [doc('x', 'second x'), doc('z', 'z')] },
    ]);
    expect([...groups.entries()].map(([source, docs]) => [source, docs.map((d) => d.title)])).toEqual([
      ['a.md', ['y']],
      ['b.md', ['second x', 'z']],
    ]);
    const seen: number[] = [];
    const result = await upsertInBatches(db, groups, async (written) => void seen.push(written), 1);
    expect(result).toEqual({ written: 3, total: 3, error: null });
    expect(seen).toEqual([0, 1, 2]);
    expect((await db.kbDocs.get('x'))?.title).toBe('second x');
  });
});
