import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildIndex, buildRetriever, chunkAll, docLanguage } from '../../lib/kb/build';
import { CHUNK_MAX_WORDS, CHUNK_MIN_WORDS, chunkDocument } from '../../lib/kb/chunk';
import { parseKbJsonl } from '../../lib/kb/jsonl';
import { KbDocSchema, type KbDoc, type KbDocInput } from '../../lib/kb/schema';
import { RRF_K, fuseRankings, type RankedItem } from '../../lib/retrieval/fusion';
import { LexicalIndex, type IndexableChunk } from '../../lib/retrieval/lexical-index';
import { tokenize } from '../../lib/text/tokenize';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE_KB = resolve(ROOT, 'public/kb/sample-kb.jsonl');

function doc(input: KbDocInput): KbDoc {
  return KbDocSchema.parse(input);
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Deterministic filler prose: `n` words in sentences of eight, each word tagged so it can be traced. */
function prose(tag: string, n: number): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(`${tag}w${i}`);
  const sentences: string[] = [];
  for (let i = 0; i < words.length; i += 8) sentences.push(`${words.slice(i, i + 8).join(' ')}.`);
  return sentences.join(' ');
}

// ── chunk.ts ─────────────────────────────────────────────────────────────────────────────────────

describe('chunkDocument', () => {
  it('keeps a macro whole, as one chunk', () => {
    const macro = doc({
      id: 'mac-refund',
      title: 'Refund issued',
      kind: 'macro',
      url: 'https://help.example/macros/refund',
      body: `\n  Hi {{customer.first_name}},\n\n${prose('m', 600)}\n\nBest wishes,\n{{agent.name}}\n  `,
    });
    const chunks = chunkDocument(macro, 'en');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toEqual({
      chunkId: 'mac-refund#0',
      docId: 'mac-refund',
      ordinal: 0,
      title: 'Refund issued',
      kind: 'macro',
      language: 'en',
      url: 'https://help.example/macros/refund',
      text: macro.body.trim(),
    });
  });

  const HEADINGS = ['Before you start', 'Check your tracking', 'Open an investigation', 'Reship or refund', 'If it turns up later', 'Contact us'];
  const SECTION_PARAGRAPHS = HEADINGS.map((_, s) => [0, 1, 2].map((p) => prose(`s${s}p${p}`, 55)));
  const longArticle = doc({
    id: 'art-parcel',
    title: 'My parcel has not arrived',
    body: [prose('intro', 30), ...HEADINGS.flatMap((h, s) => [`## ${h}`, ...(SECTION_PARAGRAPHS[s] ?? [])]), '## Short tail', prose('tail', 20)].join('\n\n'),
  });
  const longChunks = chunkDocument(longArticle, 'en');

  it('splits a long article into chunks of roughly 150–400 words, except a short tail', () => {
    expect(longChunks.length).toBeGreaterThanOrEqual(3);
    longChunks.forEach((chunk, i) => {
      const words = wordCount(chunk.text);
      expect(words, `chunk ${i}`).toBeLessThanOrEqual(CHUNK_MAX_WORDS);
      if (i < longChunks.length - 1) expect(words, `chunk ${i}`).toBeGreaterThanOrEqual(CHUNK_MIN_WORDS);
    });
    expect(CHUNK_MIN_WORDS).toBe(150);
    expect(CHUNK_MAX_WORDS).toBe(400);
  });

  it('numbers chunks `${id}#n` in order and carries the title, kind and language', () => {
    longChunks.forEach((chunk, i) => {
      expect(chunk.chunkId).toBe(`art-parcel#${i}`);
      expect(chunk.ordinal).toBe(i);
      expect(chunk.docId).toBe('art-parcel');
      expect(chunk.title).toBe('My parcel has not arrived');
      expect(chunk.kind).toBe('article');
      expect(chunk.language).toBe('en');
      expect(chunk).not.toHaveProperty('url');
    });
  });

  it('keeps every paragraph, in order, in exactly one chunk', () => {
    const paragraphs = [prose('intro', 30), ...SECTION_PARAGRAPHS.flat(), prose('tail', 20)];
    let lastChunk = 0;
    for (const p of paragraphs) {
      const holders = longChunks.filter((c) => c.text.includes(p)).map((c) => c.ordinal);
      expect(holders).toHaveLength(1);
      const at = holders[0] ?? -1;
      expect(at).toBeGreaterThanOrEqual(lastChunk);
      lastChunk = at;
    }
  });

  it('sets the heading of a chunk that starts at a section', () => {
    const withHeading = longChunks.filter((c) => c.heading !== undefined);
    expect(withHeading.length).toBeGreaterThan(0);
    for (const chunk of withHeading) {
      if (chunk.heading === 'Short tail') {
        expect(chunk.text).toBe(prose('tail', 20));
        continue;
      }
      const h = HEADINGS.indexOf(chunk.heading ?? '');
      expect(h, chunk.heading).toBeGreaterThanOrEqual(0);
      // The chunk starts with that section's first paragraph.
      expect(chunk.text.startsWith(SECTION_PARAGRAPHS[h]?.[0] ?? '?')).toBe(true);
    }
    // No markdown heading markers leak into passage text.
    for (const chunk of longChunks) expect(chunk.text).not.toMatch(/^#{1,6}\s/m);
  });

  it('splits a 2,000-word single paragraph at sentence ends into pieces of at most 400 words', () => {
    const body = prose('long', 2000);
    const chunks = chunkDocument(doc({ id: 'art-long', title: 'One long paragraph', body }), 'en');
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const c of chunks) {
      expect(wordCount(c.text)).toBeLessThanOrEqual(CHUNK_MAX_WORDS);
      expect(c.text.trim().endsWith('.')).toBe(true);
    }
    expect(chunks.flatMap((c) => c.text.split(/\s+/).filter(Boolean))).toEqual(body.split(/\s+/));
  });

  it('cuts a 2,000-word paragraph without any sentence end by words', () => {
    const body = Array.from({ length: 2000 }, (_, i) => `x${i}`).join(' ');
    const chunks = chunkDocument(doc({ id: 'art-run-on', title: 'Run-on', body }), 'en');
    expect(chunks.map((c) => wordCount(c.text))).toEqual([400, 400, 400, 400, 400]);
    expect(chunks.flatMap((c) => c.text.split(' '))).toEqual(body.split(' '));
  });

  it.each([
    ['a short article', 'Gift cards never expire. You can use them on any order.', 1],
    ['CRLF line endings', `## One\r\n\r\n${prose('a', 200)}\r\n\r\n## Two\r\n\r\n${prose('b', 200)}`, 2],
    ['headings with closing hashes', `# Alpha #\n\n${prose('a', 160)}\n\n### Beta ###\n\n${prose('b', 160)}`, 2],
  ])('%s', (_label, body, expectedChunks) => {
    const chunks = chunkDocument(doc({ id: 'a', title: 'T', body }), 'en');
    expect(chunks).toHaveLength(expectedChunks);
    for (const c of chunks) expect(c.text).not.toMatch(/\r|#/);
  });

  it('strips closing hashes from headings', () => {
    const chunks = chunkDocument(doc({ id: 'a', title: 'T', body: `# Alpha #\n\n${prose('a', 160)}\n\n### Beta ###\n\n${prose('b', 160)}` }), 'en');
    expect(chunks.map((c) => c.heading)).toEqual(['Alpha', 'Beta']);
  });

  // A section longer than one chunk keeps its heading on every piece (BM25 title weight, "Why this?").
  it('gives every chunk of a long section that section’s heading', () => {
    const body = `## Refund timing\n\n${Array.from({ length: 12 }, (_, i) => prose(`r${i}`, 60)).join('\n\n')}`;
    const chunks = chunkDocument(doc({ id: 'art-refund-timing', title: 'Refunds', body }), 'en');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.heading)).toEqual(chunks.map(() => 'Refund timing'));
  });
});

// ── lexical-index.ts ─────────────────────────────────────────────────────────────────────────────

function chunk(chunkId: string, title: string, text: string, language = 'en', heading?: string): IndexableChunk {
  return { chunkId, docId: chunkId.split('#')[0] ?? chunkId, title, text, language, ...(heading ? { heading } : {}) };
}

const CORPUS: IndexableChunk[] = [
  chunk('refund-policy#0', 'Refund policy', 'Money goes back to the original payment method within five working days of the return reaching our warehouse.'),
  chunk('delivery-times#0', 'Delivery times', 'Orders ship within two working days. A refund is sent after the parcel comes back to our warehouse safely.'),
  chunk('order-refunded#0', 'Order status explained', 'When your order shows as refunded, the money has already left our account and is with your bank.'),
  chunk('password#0', 'Password reset', 'Choose forgot password on the sign-in page; the reset link expires after sixty minutes.'),
  chunk('password#1', 'Password reset', 'Locked accounts unlock by themselves after thirty minutes. Check spam for the reset email.', 'en', 'Locked account'),
  chunk('de-ruecksendung#0', 'Rücksendung und Erstattung', 'Erstattungen dauern nach Eingang der Ware fünf Werktage. Das Paket bitte gut verpacken.', 'de'),
  chunk('de-lieferadresse#0', 'Lieferadresse ändern', 'Solange die Bestellung nicht versendet wurde, können wir die Adresse ändern.', 'de'),
];

function corpusIndex(except: readonly string[] = []): LexicalIndex {
  const index = new LexicalIndex();
  for (const c of CORPUS) if (!except.includes(c.docId)) index.add(c);
  return index;
}

describe('LexicalIndex', () => {
  it('ranks a title match above a body-only match', () => {
    const hits = corpusIndex().search('refund', 'en', 10);
    expect(hits[0]?.chunkId).toBe('refund-policy#0');
    expect(hits.map((h) => h.chunkId)).toContain('delivery-times#0');
    const title = hits.find((h) => h.chunkId === 'refund-policy#0')?.score ?? 0;
    const body = hits.find((h) => h.chunkId === 'delivery-times#0')?.score ?? Infinity;
    expect(title).toBeGreaterThan(body);
  });

  it.each([
    ['refunds', 'order-refunded#0'],
    ['refunding', 'order-refunded#0'],
    ['passwords', 'password#0'],
    ['resetting', 'password#0'],
  ])('stems "%s" so that it finds %s', (query, chunkId) => {
    expect(corpusIndex().search(query, 'en', 10).map((h) => h.chunkId)).toContain(chunkId);
  });

  it('ignores stop words in the query', () => {
    const index = corpusIndex();
    expect(index.search('what is the refund and how do I get it', 'en', 10)).toEqual(index.search('refund', 'en', 10));
    expect(index.search('the and of to is', 'en', 10)).toEqual([]);
    expect(index.search('', 'en', 10)).toEqual([]);
  });

  it('ranks results best first with scores that only go down', () => {
    const hits = corpusIndex().search('password reset locked account', 'en', 10);
    expect(hits.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    expect(hits[0]?.chunkId).toBe('password#1');
  });

  it('returns at most k hits', () => {
    expect(corpusIndex().search('refund password order warehouse', 'en', 2)).toHaveLength(2);
    expect(corpusIndex().search('refund', 'en', 0)).toEqual([]);
  });

  it.each([
    ['Erstattung', 'de-ruecksendung#0'],
    ['Erstattungen', 'de-ruecksendung#0'],
    ['Pakete', 'de-ruecksendung#0'],
    ['Ich möchte meine Lieferadresse ändern', 'de-lieferadresse#0'],
    ['Rücksendungen', 'de-ruecksendung#0'],
  ])('stems German: "%s" finds %s', (query, chunkId) => {
    const hits = corpusIndex().search(query, 'de', 10);
    expect(hits[0]?.chunkId).toBe(chunkId);
  });

  it('ignores German stop words', () => {
    const index = corpusIndex();
    expect(index.search('ich habe eine Frage zur Erstattung', 'de', 10)).toEqual(index.search('Frage Erstattung', 'de', 10));
  });

  it('counts documents per term and gives rarer terms a higher idf', () => {
    const index = corpusIndex();
    const [refund] = tokenize('refund', 'en');
    const [warehouse] = tokenize('warehouse', 'en');
    const [sixty] = tokenize('sixty', 'en');
    expect(index.documentFrequency(refund ?? '')).toBe(3);
    expect(index.documentFrequency(warehouse ?? '')).toBe(2);
    expect(index.documentFrequency(sixty ?? '')).toBe(1);
    expect(index.documentFrequency('nonexistent')).toBe(0);
    expect(index.idf(sixty ?? '')).toBeGreaterThan(index.idf(warehouse ?? ''));
    expect(index.idf(warehouse ?? '')).toBeGreaterThan(index.idf(refund ?? ''));
    expect(index.size).toBe(CORPUS.length);
  });

  it('refuses to index the same chunk twice', () => {
    const index = corpusIndex();
    const first = CORPUS[0];
    if (!first) throw new Error('corpus is empty');
    expect(() => index.add(first)).toThrow(/already indexed/);
  });

  describe('removeDocument', () => {
    it('removes every chunk of the document from the hits and returns how many', () => {
      const index = corpusIndex();
      expect(index.removeDocument('password')).toBe(2);
      expect(index.size).toBe(CORPUS.length - 2);
      expect(index.search('password reset', 'en', 10)).toEqual([]);
      expect(index.removeDocument('password')).toBe(0);
      expect(index.removeDocument('never-indexed')).toBe(0);
    });

    it('adjusts document frequencies', () => {
      const index = corpusIndex();
      const [refund] = tokenize('refund', 'en');
      const [sixty] = tokenize('sixty', 'en');
      index.removeDocument('delivery-times');
      expect(index.documentFrequency(refund ?? '')).toBe(2);
      index.removeDocument('password');
      expect(index.documentFrequency(sixty ?? '')).toBe(0);
    });

    it('scores exactly like an index built without the document', () => {
      const index = corpusIndex();
      index.removeDocument('delivery-times');
      index.removeDocument('password');
      const fresh = corpusIndex(['delivery-times', 'password']);
      for (const [query, lang] of [
        ['refund warehouse', 'en'],
        ['order money bank', 'en'],
        ['Erstattung Paket', 'de'],
      ]) {
        const got = index.search(query ?? '', lang ?? 'en', 10);
        const want = fresh.search(query ?? '', lang ?? 'en', 10);
        expect(got.map((h) => h.chunkId)).toEqual(want.map((h) => h.chunkId));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]?.score ?? NaN, 12));
      }
    });

    it('lets a removed document be indexed again', () => {
      const index = corpusIndex();
      index.removeDocument('password');
      for (const c of CORPUS.filter((x) => x.docId === 'password')) index.add(c);
      expect(index.size).toBe(CORPUS.length);
      expect(index.search('password', 'en', 10).map((h) => h.docId)).toEqual(['password', 'password']);
    });
  });

  describe('toJSON / fromJSON', () => {
    const queries: [string, string][] = [
      ['refund', 'en'],
      ['password reset locked account', 'en'],
      ['order refunded bank', 'en'],
      ['Lieferadresse ändern', 'de'],
      ['nothing matches this', 'en'],
    ];

    it('round-trips to an index with identical results, through JSON text too', () => {
      const index = corpusIndex();
      const restored = LexicalIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
      expect(restored.size).toBe(index.size);
      expect(restored.params).toEqual(index.params);
      for (const [q, lang] of queries) expect(restored.search(q, lang, 10)).toEqual(index.search(q, lang, 10));
    });

    it('drops removed chunks from the snapshot and still matches a fresh index', () => {
      const index = corpusIndex();
      index.removeDocument('refund-policy');
      const json = index.toJSON();
      expect(json.chunkIds).not.toContain('refund-policy#0');
      expect(json.chunkIds).toHaveLength(CORPUS.length - 1);
      const restored = LexicalIndex.fromJSON(json);
      const fresh = corpusIndex(['refund-policy']);
      for (const [q, lang] of queries) {
        const got = restored.search(q, lang, 10);
        const want = fresh.search(q, lang, 10);
        expect(got.map((h) => h.chunkId)).toEqual(want.map((h) => h.chunkId));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]?.score ?? NaN, 12));
      }
    });

    it('keeps custom BM25 parameters', () => {
      const index = new LexicalIndex({ k1: 2, b: 0.3, bTitle: 0.2, titleWeight: 1, delta: 0.25 });
      for (const c of CORPUS) index.add(c);
      const restored = LexicalIndex.fromJSON(index.toJSON());
      expect(restored.params).toEqual({ k1: 2, b: 0.3, bTitle: 0.2, titleWeight: 1, delta: 0.25 });
      expect(restored.search('refund', 'en', 10)).toEqual(index.search('refund', 'en', 10));
    });
  });
});

// ── fusion.ts ────────────────────────────────────────────────────────────────────────────────────

describe('fuseRankings', () => {
  const lexical: RankedItem[] = [
    { chunkId: 'a', score: 9.5 },
    { chunkId: 'b', score: 4.2 },
    { chunkId: 'c', score: 1.1 },
  ];

  it('passes a single ranking through unchanged, scores and all, cut to k', () => {
    expect(fuseRankings([lexical], 10)).toEqual(lexical);
    expect(fuseRankings([lexical], 2)).toEqual(lexical.slice(0, 2));
    expect(fuseRankings([[], lexical, []], 10)).toEqual(lexical);
  });

  it('returns nothing for no rankings or only empty ones', () => {
    expect(fuseRankings([], 5)).toEqual([]);
    expect(fuseRankings([[], []], 5)).toEqual([]);
  });

  it('merges several rankings with reciprocal rank fusion (k = 60)', () => {
    const embeddings: RankedItem[] = [
      { chunkId: 'c', score: 0.91 },
      { chunkId: 'a', score: 0.9 },
      { chunkId: 'd', score: 0.5 },
    ];
    const fused = fuseRankings([lexical, embeddings], 10);
    expect(RRF_K).toBe(60);
    const expected = new Map([
      ['a', 1 / 61 + 1 / 62],
      ['c', 1 / 63 + 1 / 61],
      ['b', 1 / 62],
      ['d', 1 / 63],
    ]);
    expect(fused.map((f) => f.chunkId)).toEqual(['a', 'c', 'b', 'd']);
    for (const f of fused) expect(f.score).toBeCloseTo(expected.get(f.chunkId) ?? NaN, 15);
    expect(fuseRankings([lexical, embeddings], 2).map((f) => f.chunkId)).toEqual(['a', 'c']);
  });

  it('ignores the size of each method’s scores', () => {
    const huge: RankedItem[] = [
      { chunkId: 'x', score: 1e9 },
      { chunkId: 'y', score: 1 },
    ];
    const tiny: RankedItem[] = [
      { chunkId: 'y', score: 0.002 },
      { chunkId: 'x', score: 0.001 },
    ];
    const fused = fuseRankings([huge, tiny], 10);
    expect(fused[0]?.score).toBeCloseTo(fused[1]?.score ?? NaN, 15);
    // A tie is broken by chunk id, so the order is stable.
    expect(fused.map((f) => f.chunkId)).toEqual(['x', 'y']);
  });
});

// ── jsonl.ts ─────────────────────────────────────────────────────────────────────────────────────

describe('parseKbJsonl', () => {
  it('loads good lines, and reports a bad JSON line and an invalid field with their line numbers', () => {
    const text = [
      '{"id":"a","title":"Alpha","body":"First."}',
      '',
      '{"id":"b","title":"Beta", body: oops}',
      '{"id":"c","title":"Gamma","body":"Third.","kind":"macro","tags":["x"]}',
      '{"id":"d","title":"Delta","body":42}',
      '{"id":"","title":"Empty id","body":"x"}',
      '{"id":"e","title":"Epsilon","body":"Fifth.","kind":"faq"}',
      '   ',
      '{"id":"f","title":"Zeta","body":"Last.","language":"de"}',
    ].join('\n');
    const { docs, errors } = parseKbJsonl(text);
    expect(docs.map((d) => d.id)).toEqual(['a', 'c', 'f']);
    expect(errors.map((e) => e.line)).toEqual([3, 5, 6, 7]);
    expect(errors[0]?.message).toMatch(/not valid JSON/);
    expect(errors[1]?.message).toMatch(/"body"/);
    expect(errors[2]?.message).toMatch(/"id"/);
    expect(errors[3]?.message).toMatch(/"kind"/);
  });

  it('fills defaults and keeps optional fields', () => {
    const { docs } = parseKbJsonl('{"id":"a","title":"Alpha","body":"First.","url":"https://x.example/a","tags":["billing"],"language":"en"}\n');
    expect(docs[0]).toEqual({ id: 'a', title: 'Alpha', body: 'First.', url: 'https://x.example/a', tags: ['billing'], kind: 'article', language: 'en' });
  });

  it('counts lines across CRLF endings', () => {
    const { docs, errors } = parseKbJsonl('{"id":"a","title":"A","body":"x"}\r\nnot json\r\n{"id":"b","title":"B","body":"y"}\r\n');
    expect(docs.map((d) => d.id)).toEqual(['a', 'b']);
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/not valid JSON/) }]);
  });

  it('lets a later line with the same id win', () => {
    const { docs, errors } = parseKbJsonl(
      ['{"id":"a","title":"Old","body":"old"}', '{"id":"b","title":"B","body":"b"}', '{"id":"a","title":"New","body":"new"}'].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(docs).toHaveLength(2);
    expect(docs.find((d) => d.id === 'a')).toMatchObject({ title: 'New', body: 'new' });
  });

  it('reports a JSON value that is not an object', () => {
    const { docs, errors } = parseKbJsonl('[1,2]\n"text"\n');
    expect(docs).toEqual([]);
    expect(errors.map((e) => e.line)).toEqual([1, 2]);
  });

  it('returns nothing for an empty file', () => {
    expect(parseKbJsonl('')).toEqual({ docs: [], errors: [] });
  });
});

// ── build.ts and the Retriever ───────────────────────────────────────────────────────────────────

const KB: KbDoc[] = [
  doc({ id: 'art-refunds', title: 'Refunds and returns', body: `## How refunds work\n\nWe refund to the original payment method within five working days after the return arrives.\n\n## Return labels\n\nPrint the prepaid return label from your account and drop the parcel at any post office.`, language: 'en' }),
  doc({ id: 'mac-refund', title: 'Refund issued', kind: 'macro', body: 'Hi {{customer.first_name}},\n\nWe have issued your refund today.\n\nBest wishes,\n{{agent.name}}', tags: ['en'] }),
  doc({ id: 'art-password', title: 'Password reset', body: 'Use forgot password on the sign-in page. The reset link expires after sixty minutes.' }),
  doc({ id: 'art-de-adresse', title: 'Lieferadresse ändern', body: 'Sie können die Lieferadresse ändern, solange die Bestellung noch nicht versendet wurde. Danach ist das leider nicht mehr möglich.', tags: ['de'] }),
];

describe('docLanguage', () => {
  it.each<[string, KbDocInput, string]>([
    ['its own field, cut to two letters', { id: 'a', title: 'T', body: 'x', language: 'DE-at' }, 'de'],
    ['a language tag', { id: 'a', title: 'T', body: 'x', tags: ['billing', 'FR'] }, 'fr'],
    ['a guess from German text', { id: 'a', title: 'Rücksendung', body: 'Wir haben die Ware erhalten und die Erstattung ist unterwegs. Sie bekommen das Geld in fünf Tagen.' }, 'de'],
    ['English when nothing stands out', { id: 'a', title: 'X', body: '42' }, 'en'],
  ])('uses %s', (_label, input, expected) => {
    expect(docLanguage(doc(input))).toBe(expected);
  });
});

describe('buildRetriever', () => {
  const { retriever, chunks, index } = buildRetriever(KB);

  it('chunks every document in its language and indexes every chunk', () => {
    expect(chunks).toEqual(chunkAll(KB));
    expect(chunks.map((c) => c.chunkId)).toEqual(['art-refunds#0', 'mac-refund#0', 'art-password#0', 'art-de-adresse#0']);
    expect(chunks.find((c) => c.docId === 'art-de-adresse')?.language).toBe('de');
    expect(index.size).toBe(chunks.length);
    expect(retriever.chunkCount).toBe(chunks.length);
    expect(buildIndex(chunks).search('refund', 'en', 10)).toEqual(index.search('refund', 'en', 10));
  });

  it('retrieves chunks with their text, kind, language, score and coverage', () => {
    const hits = retriever.retrieve({ text: 'How do refunds work?', language: 'en' }, 5);
    expect(hits[0]).toMatchObject({ chunkId: 'art-refunds#0', docId: 'art-refunds', title: 'Refunds and returns', kind: 'article', language: 'en', heading: 'How refunds work' });
    expect(hits[0]?.text).toContain('original payment method');
    for (const h of hits) {
      expect(h.coverage).toBeGreaterThanOrEqual(0);
      expect(h.coverage).toBeLessThanOrEqual(1);
      expect(h.score).toBeGreaterThan(0);
    }
    expect(hits.map((h) => h.docId)).not.toContain('art-password');
  });

  it('reports full coverage when a chunk holds every query term, partial when it holds some', () => {
    const full = retriever.retrieve({ text: 'password reset link', language: 'en' }, 5);
    expect(full[0]?.docId).toBe('art-password');
    expect(full[0]?.coverage).toBeCloseTo(1, 12);
    const partial = retriever.retrieve({ text: 'refund password', language: 'en' }, 5);
    for (const h of partial) {
      expect(h.coverage).toBeGreaterThan(0);
      expect(h.coverage).toBeLessThan(1);
    }
  });

  it('finds nothing for a query with no known terms, and respects k', () => {
    expect(retriever.retrieve({ text: 'zebra quantum', language: 'en' }, 5)).toEqual([]);
    expect(retriever.retrieve({ text: 'refund return password', language: 'en' }, 1)).toHaveLength(1);
  });

  it('ranks documents by their best chunk, one entry per document', () => {
    const docs = retriever.rankDocuments({ text: 'refund return label', language: 'en' }, 5);
    expect(docs[0]?.docId).toBe('art-refunds');
    expect(new Set(docs.map((d) => d.docId)).size).toBe(docs.length);
    const best = retriever.retrieve({ text: 'refund return label', language: 'en' }, 10).find((h) => h.docId === 'art-refunds');
    expect(docs[0]?.bestChunkId).toBe(best?.chunkId);
    expect(docs[0]?.score).toBeCloseTo(best?.score ?? NaN, 12);
    expect(retriever.rankDocuments({ text: 'refund return label', language: 'en' }, 1)).toHaveLength(1);
  });

  it('ranks a multi-chunk document once, at its best chunk', () => {
    const long = doc({ id: 'art-long', title: 'Shipping', body: ['## Zones', prose('zone', 200), 'Tariff fees apply outside the EU.', '## Costs', prose('cost', 200), 'Tariff paperwork is printed for you.'].join('\n\n') });
    const built = buildRetriever([long, ...KB]);
    expect(built.chunks.filter((c) => c.docId === 'art-long').length).toBeGreaterThan(1);
    const docs = built.retriever.rankDocuments({ text: 'tariff', language: 'en' }, 5);
    expect(docs.map((d) => d.docId)).toEqual(['art-long']);
  });

  // Placeholder names ({{customer.first_name}}, {{agent.name}}) are not words of a macro.
  it('does not match a macro on the names of its placeholders', () => {
    const built = buildRetriever([
      doc({ id: 'mac-cancel', kind: 'macro', language: 'en', title: 'Order cancelled', body: 'Hi {{customer.first_name}},\n\nYour order is cancelled.\n\nBest wishes,\n{{agent.name}}' }),
    ]);
    expect(built.retriever.retrieve({ text: 'Can I speak to an agent? My first name is wrong on my customer account.', language: 'en' }, 5)).toEqual([]);
  });

  it('finds German passages with a German query', () => {
    const hits = retriever.retrieve({ text: 'Ich möchte meine Lieferadresse ändern', language: 'de' }, 3);
    expect(hits[0]?.docId).toBe('art-de-adresse');
  });
});

// ── the bundled sample knowledge base ────────────────────────────────────────────────────────────

describe.skipIf(!existsSync(SAMPLE_KB))('the bundled sample KB', () => {
  const text = existsSync(SAMPLE_KB) ? readFileSync(SAMPLE_KB, 'utf8') : '';
  const parsed = parseKbJsonl(text);
  const { retriever } = buildRetriever(parsed.docs);

  it('parses without errors and has English and German articles and macros', () => {
    expect(parsed.errors).toEqual([]);
    const kinds = new Set(parsed.docs.map((d) => `${d.kind}/${docLanguage(d)}`));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['article/de', 'article/en', 'macro/de', 'macro/en']));
  });

  it.each<[string, string, RegExp]>([
    ['my parcel never arrived', 'en', /parcel|missing/],
    ['Where is my package? It still has not been delivered', 'en', /parcel|missing/],
    ['I was charged twice for the same order', 'en', /duplicate-charge/],
    ['I forgot my password and the reset email never came', 'en', /password/],
    ['how do I return an item and get my money back', 'en', /return|refund/],
    ['the item arrived broken', 'en', /damaged/],
    ['my discount code does not work at checkout', 'en', /discount/],
    ['Ich möchte meine Lieferadresse ändern', 'de', /-de-.*lieferadresse/],
    ['Mein Paket ist nicht angekommen', 'de', /-de-paket/],
    ['Mir wurde der Betrag doppelt abgebucht', 'de', /-de-doppelt/],
  ])('"%s" (%s) lands the right family in the top 3', (query, language, family) => {
    const top = retriever.rankDocuments({ text: query, language }, 3).map((d) => d.docId);
    expect(top.some((id) => family.test(id)), top.join(', ')).toBe(true);
  });

  it('answers a German query with German documents first', () => {
    const top = retriever.retrieve({ text: 'Lieferadresse ändern', language: 'de' }, 3);
    expect(top[0]?.language).toBe('de');
    expect(top.every((h) => h.docId.includes('-de-'))).toBe(true);
  });
});
