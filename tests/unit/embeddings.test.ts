import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { ProviderSettingsSchema, type ProviderSettingsInput } from '../../lib/drafting/provider-settings';
import { dropOtherModels, embeddingKey, embeddingStatus, embeddingText, loadVectorIndex, syncEmbeddings, textHash, type EmbedProgress } from '../../lib/kb/embedding-store';
import { KbDocSchema, type KbDocInput } from '../../lib/kb/schema';
import { deleteDocs, upsertDocs } from '../../lib/kb/store';
import { buildRetriever } from '../../lib/kb/build';
import { batchesOf, createEmbedder, decodeEmbedding, embedQuery, embeddingSettings, EmbeddingError, type Embedder } from '../../lib/retrieval/embeddings';
import { fuseHybrid, RRF_K, type RankedItem } from '../../lib/retrieval/fusion';
import { normalized, VectorIndex } from '../../lib/retrieval/vector-index';
import { hashEmbedding, startOpenAIServer, type OpenAIServer } from '../support/openai-server';

const KEY = 'sk-embed-secret-7';

let server: OpenAIServer;

beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: KEY, embeddingModels: ['emb-small', 'emb-large'], embeddingDims: 32 });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  server.requests.length = 0;
  server.options.embeddingBase64 = 'honour';
  server.options.embeddingDims = 32;
  delete server.options.maxEmbeddingInputs;
});

function settings(overrides: Partial<ProviderSettingsInput> = {}) {
  return ProviderSettingsSchema.parse({ preset: 'custom', baseUrl: server.baseUrl, model: 'chat-model', apiKey: KEY, embeddingsEnabled: true, embeddingModel: 'emb-small', ...overrides });
}

const embeddingRequests = () => server.requests.filter((r) => r.path.endsWith('/embeddings'));

function base64Of(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

describe('decodeEmbedding', () => {
  it('decodes base64 little-endian float32 and plain number lists to the same vector', () => {
    const values = [0.25, -1.5, 3.0000001, 1e-7];
    const fromBase64 = decodeEmbedding(base64Of(values));
    expect(fromBase64).toBeInstanceOf(Float32Array);
    expect([...fromBase64]).toEqual([...Float32Array.from(values)]);
    expect([...decodeEmbedding(values)]).toEqual([...Float32Array.from(values)]);
  });

  it('refuses what is not a vector, with a sentence', () => {
    expect(() => decodeEmbedding(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/not a whole number of float32/);
    expect(() => decodeEmbedding('@@not base64@@')).toThrow(/not valid base64/);
    expect(() => decodeEmbedding([])).toThrow(/empty embedding/);
    expect(() => decodeEmbedding([1, 'two'])).toThrow(/neither a list of numbers nor base64/);
    expect(() => decodeEmbedding({ values: [1] })).toThrow(EmbeddingError);
    expect(() => decodeEmbedding(base64Of([1, Number.NaN]))).toThrow(/not numbers/);
  });
});

describe('batchesOf', () => {
  it('cuts by count and by characters, and never drops a text', () => {
    const texts = Array.from({ length: 10 }, (_, i) => `t${i}`);
    expect(batchesOf(texts, 4).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batchesOf(['aaaa', 'bbbb', 'cccc', 'dddddddddddd'], 10, 9)).toEqual([['aaaa', 'bbbb'], ['cccc'], ['dddddddddddd']]);
    expect(batchesOf([])).toEqual([]);
  });
});

describe('createEmbedder against an OpenAI-compatible server (the real SDK)', () => {
  it('asks for base64, decodes it, and returns one vector per input in order', async () => {
    const embedder = createEmbedder(settings());
    const vectors = await embedder.embed(['reset my password', 'export invoices as CSV']);
    expect(vectors).toHaveLength(2);
    expect([...(vectors[0] ?? [])]).toEqual([...Float32Array.from(hashEmbedding('reset my password', 32))]);
    expect([...(vectors[1] ?? [])]).toEqual([...Float32Array.from(hashEmbedding('export invoices as CSV', 32))]);
    const [request] = embeddingRequests();
    expect(request?.body).toMatchObject({ model: 'emb-small', input: ['reset my password', 'export invoices as CSV'], encoding_format: 'base64' });
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('decodes floats from a server that ignores encoding_format', async () => {
    server.options.embeddingBase64 = 'ignore';
    const vectors = await createEmbedder(settings()).embed(['hello world']);
    expect([...(vectors[0] ?? [])]).toEqual([...Float32Array.from(hashEmbedding('hello world', 32))]);
  });

  it('asks again with float when a server refuses base64, and keeps asking for float', async () => {
    server.options.embeddingBase64 = 'refuse';
    const embedder = createEmbedder(settings());
    const [first] = await embedder.embed(['one']);
    await embedder.embed(['two']);
    expect([...(first ?? [])]).toEqual([...Float32Array.from(hashEmbedding('one', 32))]);
    expect(embeddingRequests().map((r) => (r.body as { encoding_format?: string }).encoding_format)).toEqual(['base64', 'float', 'float']);
  });

  it('sends large inputs in batches', async () => {
    server.options.maxEmbeddingInputs = 64;
    const texts = Array.from({ length: 150 }, (_, i) => `passage number ${i}`);
    const vectors = await createEmbedder(settings()).embed(texts);
    expect(vectors).toHaveLength(150);
    expect([...(vectors[149] ?? [])]).toEqual([...Float32Array.from(hashEmbedding('passage number 149', 32))]);
    expect(embeddingRequests().map((r) => ((r.body as { input: unknown[] }).input).length)).toEqual([64, 64, 22]);
  });

  it('sends no auth header to a keyless local server', async () => {
    const open = await startOpenAIServer({ embeddingDims: 8 });
    try {
      await createEmbedder(settings({ baseUrl: open.baseUrl, apiKey: undefined })).embed(['x']);
      expect(open.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('reaches the embedding deployment on Azure, with the key as api-key', async () => {
    const azure = settings({ preset: 'azure', baseUrl: `${server.origin}/openai/deployments/chat-deploy`, embeddingModel: 'emb-small', apiVersion: '2024-10-21' });
    expect(embeddingSettings(azure).baseUrl).toBe(`${server.origin}/openai/deployments/emb-small`);
    await createEmbedder(azure).embed(['hello']);
    const [request] = embeddingRequests();
    expect(request?.path).toBe('/openai/deployments/emb-small/embeddings');
    expect(request?.url).toContain('api-version=2024-10-21');
    expect(request?.headers['api-key']).toBe(KEY);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('says clearly what went wrong: no model, wrong key, unknown model, malformed answer, cancelled', async () => {
    expect(() => createEmbedder(settings({ embeddingModel: ' ' }))).toThrow(/No embedding model is set/);
    await expect(createEmbedder(settings({ apiKey: 'sk-wrong' })).embed(['x'])).rejects.toMatchObject({ kind: 'auth', status: 401 });
    await expect(createEmbedder(settings({ embeddingModel: 'nope' })).embed(['x'])).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining('"nope"') });
    server.scriptEmbeddings({ rawBody: JSON.stringify({ object: 'list', data: [{ index: 0, embedding: [1, 0] }] }) });
    await expect(createEmbedder(settings()).embed(['a', 'b'])).rejects.toMatchObject({ kind: 'bad-response', message: 'The server sent 1 embeddings for 2 inputs.' });
    server.scriptEmbeddings({ delayMs: 2_000 });
    const controller = new AbortController();
    const pending = createEmbedder(settings()).embed(['slow'], controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('retries a 500 through the SDK and succeeds', async () => {
    server.scriptEmbeddings({ status: 500 });
    const vectors = await createEmbedder(settings(), { maxRetries: 1 }).embed(['again']);
    expect(vectors).toHaveLength(1);
    expect(embeddingRequests()).toHaveLength(2);
  });

  it('embeds a query, and refuses an empty one', async () => {
    const embedder = createEmbedder(settings());
    expect((await embedQuery(embedder, 'where is my invoice')).length).toBe(32);
    await expect(embedQuery(embedder, '   ')).rejects.toThrow(/no text to embed/);
  });
});

describe('VectorIndex', () => {
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
      return a / 4294967296 - 0.5;
    };
  }

  it('finds the same top k as a brute-force cosine, scores included', () => {
    const rnd = random(7);
    const entries = Array.from({ length: 500 }, (_, i) => ({ chunkId: `c${i}`, vector: Array.from({ length: 37 }, () => rnd() * 10) }));
    const index = VectorIndex.build(entries);
    expect(index.size).toBe(500);
    expect(index.dims).toBe(37);
    for (let q = 0; q < 5; q++) {
      const query = Array.from({ length: 37 }, () => rnd());
      const unitQ = normalized(query) ?? new Float32Array(0);
      const expected = entries
        .map((e) => {
          const unit = normalized(e.vector) ?? new Float32Array(0);
          return { chunkId: e.chunkId, score: unit.reduce((s, x, i) => s + x * (unitQ[i] ?? 0), 0) };
        })
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const got = index.search(query, 10);
      expect(got.map((g) => g.chunkId)).toEqual(expected.map((e) => e.chunkId));
      got.forEach((g, i) => expect(g.score).toBeCloseTo(expected[i]?.score ?? NaN, 5));
    }
  });

  it('is scale-invariant, and skips zero vectors, other dimensions and repeated ids', () => {
    const index = VectorIndex.build([
      { chunkId: 'a', vector: [1, 0, 0] },
      { chunkId: 'b', vector: [0, 5, 0] },
      { chunkId: 'c', vector: [0, 0, 0] },
      { chunkId: 'd', vector: [1, 1] },
      { chunkId: 'a', vector: [0, 0, 1] },
    ]);
    expect(index.size).toBe(2);
    expect(index.skipped).toBe(3);
    expect(index.search([0, 100, 1], 5).map((h) => h.chunkId)).toEqual(['b', 'a']);
    expect(index.search([0, 1, 0], 1)).toEqual([{ chunkId: 'b', score: 1 }]);
    expect(index.search([1, 1], 5)).toEqual([]);
    expect(index.search([0, 0, 0], 5)).toEqual([]);
    expect(index.search([1, 0, 0], 0)).toEqual([]);
    expect(VectorIndex.empty().search([1], 3)).toEqual([]);
  });
});

describe('fuseHybrid', () => {
  const lexical: RankedItem[] = [
    { chunkId: 'a', score: 12 },
    { chunkId: 'b', score: 6 },
    { chunkId: 'c', score: 3 },
  ];
  const semantic: RankedItem[] = [
    { chunkId: 'c', score: 0.9 },
    { chunkId: 'd', score: 0.8 },
    { chunkId: 'a', score: 0.2 },
  ];

  it('rrf: equal weights give the plain reciprocal rank sum, and keep each side’s scores', () => {
    const fused = fuseHybrid(lexical, semantic, 10, { method: 'rrf' });
    const expected = new Map([
      ['a', 1 / (RRF_K + 1) + 1 / (RRF_K + 3)],
      ['c', 1 / (RRF_K + 3) + 1 / (RRF_K + 1)],
      ['b', 1 / (RRF_K + 2)],
      ['d', 1 / (RRF_K + 2)],
    ]);
    expect(fused.map((f) => f.chunkId)).toEqual(['a', 'c', 'b', 'd']);
    for (const f of fused) expect(f.score).toBeCloseTo(expected.get(f.chunkId) ?? NaN, 15);
    expect(fused[0]).toMatchObject({ lexicalScore: 12, similarity: 0.2 });
    expect(fused.find((f) => f.chunkId === 'd')).toEqual({ chunkId: 'd', score: expect.any(Number), similarity: 0.8 });
  });

  it('convex (the default): min–max normalised scores, weighted equally unless told', () => {
    const fused = fuseHybrid(lexical, semantic, 10);
    const byId = new Map(fused.map((f) => [f.chunkId, f.score]));
    expect(byId.get('a')).toBeCloseTo(0.5 * 1 + 0.5 * 0, 10);
    expect(byId.get('c')).toBeCloseTo(0.5 * 0 + 0.5 * 1, 10);
    expect(byId.get('b')).toBeCloseTo(0.5 * (3 / 9), 10);
    expect(byId.get('d')).toBeCloseTo(0.5 * (0.6 / 0.7), 10);
    expect(fuseHybrid(lexical, semantic, 10, { method: 'convex', semanticWeight: 1 })[0]?.chunkId).toBe('c');
    expect(fuseHybrid(lexical, semantic, 10, { method: 'convex', semanticWeight: 0 })[0]?.chunkId).toBe('a');
  });

  it('passes one side through when the other found nothing, cut to k', () => {
    expect(fuseHybrid(lexical, [], 2)).toEqual([
      { chunkId: 'a', score: 12, lexicalScore: 12 },
      { chunkId: 'b', score: 6, lexicalScore: 6 },
    ]);
    expect(fuseHybrid([], semantic, 1)).toEqual([{ chunkId: 'c', score: 0.9, similarity: 0.9 }]);
    expect(fuseHybrid([], [], 5)).toEqual([]);
  });
});

describe('Retriever.retrieveHybrid', () => {
  const docs = [
    { id: 'refund', title: 'Refunds', body: 'We refund the full price within 30 days of purchase. Refunds reach the card in five days.' },
    { id: 'password', title: 'Reset your password', body: 'Use the reset link on the sign-in page to choose a new password.' },
    { id: 'shipping', title: 'Shipping times', body: 'Parcels leave our warehouse within two working days.' },
  ].map((d) => KbDocSchema.parse(d));
  const { retriever, chunks } = buildRetriever(docs);
  const chunkOf = (docId: string) => chunks.find((c) => c.docId === docId)?.chunkId ?? '';
  // Hand-made "meanings": the query below shares no word with the shipping passage, but its vector points there.
  const index = VectorIndex.build([
    { chunkId: chunkOf('refund'), vector: [1, 0, 0] },
    { chunkId: chunkOf('password'), vector: [0, 1, 0] },
    { chunkId: chunkOf('shipping'), vector: [0, 0, 1] },
  ]);
  const query = { text: 'when does my parcel arrive', language: 'en' };

  it('is exactly the lexical retrieval without a semantic side, or with a vector of another model', () => {
    expect(retriever.retrieveHybrid(query, 5, null)).toEqual(retriever.retrieve(query, 5));
    expect(retriever.retrieveHybrid(query, 5, { index, vector: new Float32Array([1, 0]) })).toEqual(retriever.retrieve(query, 5));
    expect(retriever.retrieveHybrid(query, 5, { index: VectorIndex.empty(), vector: new Float32Array([1, 0, 0]) })).toEqual(retriever.retrieve(query, 5));
  });

  it('finds a passage by meaning that shares no word with the query, keeping BM25 as score', () => {
    const pwQuery = { text: 'password reset link', language: 'en' };
    const hits = retriever.retrieveHybrid(pwQuery, 3, { index, vector: new Float32Array([0.1, 0.2, 0.97]) }, { method: 'rrf' });
    // password: lexical #1 + semantic #2; shipping: semantic #1 only; refund: semantic #3 only.
    expect(hits.map((h) => h.docId)).toEqual(['password', 'shipping', 'refund']);
    const password = hits.find((h) => h.docId === 'password');
    const shipping = hits.find((h) => h.docId === 'shipping');
    expect(password?.score).toBeGreaterThan(0);
    expect(password?.coverage).toBeGreaterThan(0.5);
    expect(shipping).toMatchObject({ score: 0, coverage: 0 });
    expect(shipping?.similarity).toBeCloseTo(0.97 / Math.hypot(0.1, 0.2, 0.97), 5);
    expect(hits.every((h, i) => i === 0 || (hits[i - 1]?.fusedScore ?? 0) >= (h.fusedScore ?? 0))).toBe(true);
    const convex = retriever.retrieveHybrid(pwQuery, 3, { index, vector: new Float32Array([0.1, 0.2, 0.97]) });
    expect(convex.map((h) => h.docId)).toEqual(['password', 'shipping', 'refund']);
    // The lexical side alone never offers the shipping passage for this query.
    expect(retriever.retrieve(pwQuery, 3).map((h) => h.docId)).not.toContain('shipping');
  });
});

describe('syncEmbeddings and the vector cache', () => {
  let db: CopilotDb;
  beforeEach(() => {
    db = new CopilotDb(`embed-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    await db.delete();
  });

  const doc = (input: KbDocInput) => KbDocSchema.parse(input);
  const kb = Array.from({ length: 10 }, (_, i) => doc({ id: `doc-${i}`, title: `Topic ${i}`, body: `How to handle case ${i}: open settings, pick option ${i}, and save.` }));

  async function run(embedder: Embedder, batchSize = 4) {
    const seen: EmbedProgress[] = [];
    const result = await syncEmbeddings(db, embedder, { batchSize, onProgress: (p) => void seen.push(p) });
    return { result, seen };
  }

  it('embeds every passage in batches with progress, then reuses them all on the next run', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    const total = await db.kbChunks.count();
    const { result, seen } = await run(createEmbedder(settings()));
    expect(result).toMatchObject({ total, done: total, embedded: total, reused: 0, removed: 0, error: null });
    expect(seen[0]).toMatchObject({ done: 0, total });
    expect(seen.at(-1)).toMatchObject({ done: total, total });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(embeddingRequests()).toHaveLength(Math.ceil(total / 4));
    const rows = await db.embeddings.toArray();
    expect(rows).toHaveLength(total);
    const first = await db.kbChunks.toCollection().first();
    const row = first ? await db.embeddings.get(embeddingKey('emb-small', first.chunkId)) : undefined;
    expect(row?.textHash).toBe(first ? textHash(embeddingText(first)) : '');
    expect(row?.vector).toBeInstanceOf(Float32Array);
    expect([...(row?.vector ?? [])]).toEqual([...Float32Array.from(hashEmbedding(first ? embeddingText(first) : '', 32))]);

    server.requests.length = 0;
    const again = await run(createEmbedder(settings()));
    expect(again.result).toMatchObject({ done: total, embedded: 0, reused: total, error: null });
    expect(embeddingRequests()).toHaveLength(0);
    expect(await embeddingStatus(db, 'emb-small')).toEqual({ model: 'emb-small', total, current: total });
  });

  it('embeds only changed passages, drops deleted ones, and reuses a vector for the same text under a new id', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    await run(createEmbedder(settings()));
    server.requests.length = 0;
    await upsertDocs(db, [doc({ id: 'doc-3', title: 'Topic 3', body: 'Completely rewritten: call support.' })], 'kb.jsonl');
    await deleteDocs(db, ['doc-7']);
    await upsertDocs(db, [doc({ id: 'copy-of-5', title: 'Topic 5', body: 'How to handle case 5: open settings, pick option 5, and save.' })], 'kb.jsonl');
    const { result } = await run(createEmbedder(settings()));
    expect(result).toMatchObject({ embedded: 1, removed: 1, error: null });
    expect(embeddingRequests().flatMap((r) => (r.body as { input: string[] }).input)).toEqual(['Topic 3\n\nCompletely rewritten: call support.']);
    expect(await db.embeddings.where('chunkId').startsWith('doc-7').count()).toBe(0);
    const copies = await db.embeddings.filter((r) => r.chunkId.startsWith('copy-of-5')).toArray();
    const original = await db.embeddings.filter((r) => r.chunkId.startsWith('doc-5')).first();
    expect(copies).toHaveLength(1);
    expect([...(copies[0]?.vector ?? [])]).toEqual([...(original?.vector ?? [])]);
  });

  it('keeps vectors per model, and drops the other models on request', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    await run(createEmbedder(settings()));
    server.options.embeddingDims = 16;
    const large = await run(createEmbedder(settings({ embeddingModel: 'emb-large' })));
    expect(large.result.embedded).toBe(large.result.total);
    expect(await db.embeddings.where('model').equals('emb-small').count()).toBe(large.result.total);
    expect((await db.embeddings.where('model').equals('emb-large').first())?.vector.length).toBe(16);
    expect(await dropOtherModels(db, 'emb-large')).toBe(large.result.total);
    expect(await db.embeddings.where('model').equals('emb-small').count()).toBe(0);
  });

  it('keeps what was saved when the server fails part-way, and the next run finishes the rest', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    const total = await db.kbChunks.count();
    server.scriptEmbeddings({}, { status: 401, errorMessage: 'bad key' });
    const failed = await run(createEmbedder(settings(), { maxRetries: 0 }));
    expect(failed.result).toMatchObject({ done: 4, embedded: 4, total });
    expect(failed.result.error).toMatchObject({ kind: 'auth', message: expect.stringContaining('401') });
    expect(await db.embeddings.count()).toBe(4);
    server.requests.length = 0;
    const resumed = await run(createEmbedder(settings()));
    expect(resumed.result).toMatchObject({ done: total, embedded: total - 4, reused: 4, error: null });
  });

  it('stops when cancelled, keeping the batches already saved', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    const controller = new AbortController();
    const result = await syncEmbeddings(db, createEmbedder(settings()), {
      batchSize: 3,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.embedded >= 3) controller.abort();
      },
    });
    expect(result.error?.kind).toBe('aborted');
    expect(result.embedded).toBe(3);
    expect(await db.embeddings.count()).toBe(3);
  });

  it('embeds everything again when the model starts answering with another dimension', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    await run(createEmbedder(settings()));
    await upsertDocs(db, [doc({ id: 'doc-0', title: 'Topic 0', body: 'Changed.' })], 'kb.jsonl');
    server.options.embeddingDims = 24;
    const { result } = await run(createEmbedder(settings()));
    expect(result).toMatchObject({ done: result.total, embedded: result.total, error: null });
    const lengths = new Set((await db.embeddings.toArray()).map((r) => r.vector.length));
    expect([...lengths]).toEqual([24]);
  });

  it('loads an index of current vectors only: an edited passage is not found by its old text', async () => {
    await upsertDocs(db, kb, 'kb.jsonl');
    await run(createEmbedder(settings()));
    await upsertDocs(db, [doc({ id: 'doc-2', title: 'Topic 2', body: 'New text.' })], 'kb.jsonl');
    const chunks = await db.kbChunks.toArray();
    const loaded = await loadVectorIndex(db, 'emb-small', chunks);
    expect(loaded.missing).toBe(1);
    expect(loaded.index.size).toBe(chunks.length - 1);
    const status = await embeddingStatus(db, 'emb-small');
    expect(status).toEqual({ model: 'emb-small', total: chunks.length, current: chunks.length - 1 });
    const hits = loaded.index.search(Float32Array.from(hashEmbedding('Topic 4\n\nHow to handle case 4: open settings, pick option 4, and save.', 32)), 1);
    expect(hits[0]?.chunkId.startsWith('doc-4')).toBe(true);
    expect(hits[0]?.score).toBeCloseTo(1, 5);
  });
});
