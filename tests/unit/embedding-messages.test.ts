import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { KbDocSchema } from '../../lib/kb/schema';
import { upsertDocs } from '../../lib/kb/store';
import { handleEmbeddingsSave, runEmbedding } from '../../lib/platform/embedding-messages';
import { handleProviderGet, handleProviderSave } from '../../lib/platform/provider-messages';
import { getProviderSettings } from '../../lib/platform/provider-store';
import type { EmbedProgress } from '../../lib/kb/embedding-store';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server';

const KEY = 'sk-embed-bg-99';
let server: OpenAIServer;
let db: CopilotDb;

beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: KEY, embeddingModels: ['emb'], embeddingDims: 16 });
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  db = new CopilotDb(`embed-bg-${crypto.randomUUID()}`);
  server.requests.length = 0;
});
afterEach(async () => {
  await db.delete();
});

const provider = (extra: Record<string, unknown> = {}) => ({ preset: 'custom', baseUrl: server.baseUrl, model: 'chat', apiKey: KEY, ...extra });

describe('embeddings/save', () => {
  it('needs the model provider first, and a model when switched on', async () => {
    expect(await handleEmbeddingsSave({ enabled: true, model: 'emb' })).toEqual({ ok: false, message: expect.stringContaining('Set up the model under Options → Model first') });
    await handleProviderSave(provider());
    expect(await handleEmbeddingsSave({ enabled: true, model: '  ' })).toEqual({ ok: false, message: expect.stringContaining('Enter the embedding model') });
    expect((await getProviderSettings())?.embeddingsEnabled).toBe(false);
  });

  it('stores the switch and the model beside the provider settings, which a later Model save keeps', async () => {
    await handleProviderSave(provider());
    expect(await handleEmbeddingsSave({ enabled: true, model: ' emb ' })).toMatchObject({ ok: true });
    expect(await getProviderSettings()).toMatchObject({ embeddingsEnabled: true, embeddingModel: 'emb', apiKey: KEY, model: 'chat' });
    await handleProviderSave(provider({ model: 'chat-2' }));
    expect(await getProviderSettings()).toMatchObject({ embeddingsEnabled: true, embeddingModel: 'emb', model: 'chat-2' });
    const seen = await handleProviderGet();
    expect(seen.settings).toMatchObject({ embeddingsEnabled: true, embeddingModel: 'emb' });
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect(await handleEmbeddingsSave({ enabled: false, model: '' })).toEqual({ ok: true, message: 'Saved. Retrieval uses words only.' });
  });
});

describe('runEmbedding', () => {
  const docs = Array.from({ length: 5 }, (_, i) => KbDocSchema.parse({ id: `d${i}`, title: `Entry ${i}`, body: `Body of entry ${i}.` }));

  it('embeds the KB with the stored settings, reports progress, and says what it did', async () => {
    await upsertDocs(db, docs, 'kb');
    await handleProviderSave(provider({ embeddingsEnabled: true, embeddingModel: 'emb' }));
    const progress: EmbedProgress[] = [];
    const result = await runEmbedding({ db, onProgress: (p) => void progress.push(p) });
    expect(result).toEqual({ ok: true, message: 'Done: all 5 passages have vectors from "emb" (5 passages embedded).', done: 5, total: 5, embedded: 5, reused: 0 });
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    const again = await runEmbedding({ db });
    expect(again.message).toBe('Done: all 5 passages have vectors from "emb" (0 passages embedded, 5 passages already up to date).');
  });

  it('drops the vectors of a model no longer used', async () => {
    await upsertDocs(db, docs, 'kb');
    await db.embeddings.put({ key: 'old\u0000x', chunkId: 'x', model: 'old', textHash: 'h', vector: new Float32Array([1]), createdAt: 0 });
    await handleProviderSave(provider({ embeddingsEnabled: true, embeddingModel: 'emb' }));
    await runEmbedding({ db });
    expect(await db.embeddings.where('model').equals('old').count()).toBe(0);
  });

  it('explains a failure and how much is kept', async () => {
    await upsertDocs(db, docs, 'kb');
    expect(await runEmbedding({ db })).toMatchObject({ ok: false, message: expect.stringContaining('Set up the model') });
    await handleProviderSave(provider({ embeddingModel: 'missing' }));
    const result = await runEmbedding({ db, client: { maxRetries: 0 } });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('The model "missing" was not found');
    expect(result.message).toContain('0 of 5 passages have vectors; embedding again continues from there.');
  });
});
