import { describe, expect, it } from 'vitest';
import { LexicalIndex, type Bm25Params, type IndexableChunk } from '../../lib/retrieval/lexical-index';
import { tokenize } from '../../lib/text/tokenize';

/** A straightforward BM25 over two fields, computed from scratch for every query: the reference. */
function bruteForce(chunks: readonly IndexableChunk[], query: string, params: Bm25Params): Map<string, number> {
  const docs = chunks.map((c) => ({
    id: c.chunkId,
    title: tokenize(`${c.title} ${c.heading ?? ''}`, c.language),
    body: tokenize(c.text, c.language),
  }));
  const n = docs.length;
  const avgTitle = docs.reduce((s, d) => s + d.title.length, 0) / n || 1;
  const avgBody = docs.reduce((s, d) => s + d.body.length, 0) / n || 1;
  const counts = new Map<string, number>();
  for (const t of tokenize(query, 'en')) counts.set(t, (counts.get(t) ?? 0) + 1);
  const scores = new Map<string, number>();
  for (const d of docs) {
    let score = 0;
    for (const [term, qtf] of counts) {
      const df = docs.filter((x) => x.title.includes(term) || x.body.includes(term)).length;
      if (df === 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const tfT = d.title.filter((t) => t === term).length;
      const tfB = d.body.filter((t) => t === term).length;
      if (tfT === 0 && tfB === 0) continue;
      let s = params.delta;
      if (tfT > 0) s += (params.titleWeight * tfT * (params.k1 + 1)) / (tfT + params.k1 * (1 - params.bTitle + (params.bTitle * d.title.length) / avgTitle));
      if (tfB > 0) s += (tfB * (params.k1 + 1)) / (tfB + params.k1 * (1 - params.b + (params.b * d.body.length) / avgBody));
      score += idf * (1 + Math.log(qtf)) * s;
    }
    if (score > 0) scores.set(d.id, score);
  }
  return scores;
}

function chunk(id: string, title: string, text: string, language = 'en'): IndexableChunk {
  return { chunkId: `${id}#0`, docId: id, title, text, language };
}

const CORPUS: IndexableChunk[] = [
  chunk('refunds', 'Refunds and returns', 'Refunds are paid to the original card within five working days. Returns are free within 30 days.'),
  chunk('parcel', 'My parcel has not arrived', 'If the tracking says delivered but the parcel is missing, ask your neighbours and check safe places.'),
  chunk('password', 'Reset your password', 'Use the reset link on the login page. The email with the link can take ten minutes to arrive.'),
  chunk('charges', 'Charged twice', 'A second charge is usually a pending authorisation. It drops off in three to five working days; a real duplicate is refunded.'),
  chunk('address', 'Change the delivery address', 'You can change the address until the parcel is dispatched. After dispatch, ask the carrier to redirect it.'),
  chunk('gift', 'Gift cards', 'Gift cards never expire and can pay for part of an order. A refund for a gift card order goes back to the gift card.'),
];

const PARAMS: Bm25Params[] = [
  { k1: 1.2, b: 0.75, bTitle: 0.5, titleWeight: 2, delta: 0 },
  { k1: 2, b: 0.3, bTitle: 0.9, titleWeight: 1, delta: 0.5 },
];

describe('BM25 against a brute-force reference', () => {
  const queries = [
    'refund for a charge that came twice',
    'parcel never arrived, tracking says delivered',
    'how do I reset my password, the email never arrives',
    'change delivery address after dispatch',
    'gift card refund refund',
    'nothing matches zebra',
  ];
  it.each(PARAMS.flatMap((p) => queries.map((q) => [JSON.stringify(p), q, p] as const)))('%s · %s', (_label, query, params) => {
    const index = new LexicalIndex(params);
    for (const c of CORPUS) index.add(c);
    const want = bruteForce(CORPUS, query, params);
    const got = index.search(query, 'en', 100);
    expect(got.map((h) => h.chunkId).sort()).toEqual([...want.keys()].sort());
    for (const hit of got) expect(hit.score).toBeCloseTo(want.get(hit.chunkId) ?? NaN, 10);
    // Ranked best first.
    for (let i = 1; i < got.length; i++) expect(got[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(got[i]?.score ?? 0);
  });
});

describe('a hand-computed example', () => {
  it('scores one term in a three-document corpus as the formula says', () => {
    const params: Bm25Params = { k1: 1.2, b: 0.75, bTitle: 0.5, titleWeight: 2, delta: 0 };
    const index = new LexicalIndex(params);
    // Terms after stop words and stemming: a = [parcel] / [parcel, lost]; b = [box] / [parcel, box, box]; c = [card] / [card].
    index.add(chunk('a', 'Parcel', 'parcel lost'));
    index.add(chunk('b', 'Box', 'parcel box box'));
    index.add(chunk('c', 'Card', 'card'));
    // N = 3, df(parcel) = 2 → idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1.6)
    const idf = Math.log(1.6);
    // Title lengths 1, 1, 1 (avg 1); body lengths 2, 3, 1 (avg 2).
    // a: title tf 1 → 2 · (1 · 2.2) / (1 + 1.2 · (0.5 + 0.5 · 1/1)) = 4.4 / 2.2 = 2
    //    body tf 1 → (1 · 2.2) / (1 + 1.2 · (0.25 + 0.75 · 2/2)) = 2.2 / 2.2 = 1
    // b: body tf 1 → 2.2 / (1 + 1.2 · (0.25 + 0.75 · 3/2)) = 2.2 / 2.65
    const hits = index.search('parcel', 'en', 10);
    expect(hits.map((h) => h.docId)).toEqual(['a', 'b']);
    expect(hits[0]?.score).toBeCloseTo(idf * (2 + 1), 12);
    expect(hits[1]?.score).toBeCloseTo(idf * (2.2 / 2.65), 12);
  });
});

describe('incremental changes and persistence', () => {
  it('deleting a document gives the same scores as never adding it', () => {
    const withAll = new LexicalIndex();
    for (const c of CORPUS) withAll.add(c);
    withAll.removeDocument('charges');
    const without = new LexicalIndex();
    for (const c of CORPUS.filter((c) => c.docId !== 'charges')) without.add(c);
    for (const q of ['refund twice', 'parcel address', 'card']) {
      const a = withAll.search(q, 'en', 10);
      const b = without.search(q, 'en', 10);
      expect(a.map((h) => h.chunkId)).toEqual(b.map((h) => h.chunkId));
      a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]?.score ?? NaN, 12));
    }
    expect(withAll.documentFrequency('refund')).toBe(without.documentFrequency('refund'));
    expect(withAll.size).toBe(CORPUS.length - 1);
  });

  it('adding after a build equals building with everything', () => {
    const later = new LexicalIndex();
    for (const c of CORPUS.slice(0, 3)) later.add(c);
    later.search('refund', 'en', 5);
    for (const c of CORPUS.slice(3)) later.add(c);
    const once = new LexicalIndex();
    for (const c of CORPUS) once.add(c);
    expect(later.search('refund gift card', 'en', 10)).toEqual(once.search('refund gift card', 'en', 10));
  });

  it('round-trips through its stored form (with deletions dropped)', () => {
    const index = new LexicalIndex();
    for (const c of CORPUS) index.add(c);
    index.removeDocument('gift');
    const stored = index.toJSON();
    expect(stored.chunkIds).not.toContain('gift#0');
    const restored = LexicalIndex.fromJSON(structuredClone(stored));
    for (const q of ['refund', 'parcel delivered', 'password email']) {
      expect(restored.search(q, 'en', 10)).toEqual(index.search(q, 'en', 10));
    }
    restored.add(chunk('new', 'Engraving', 'We engrave chopping boards.'));
    expect(restored.search('engraving', 'en', 1)[0]?.docId).toBe('new');
  });

  it('refuses to index the same chunk twice', () => {
    const index = new LexicalIndex();
    index.add(CORPUS[0] ?? chunk('x', 'x', 'x'));
    expect(() => index.add(CORPUS[0] ?? chunk('x', 'x', 'x'))).toThrow(/already indexed/);
  });
});

describe('stemming and stop words', () => {
  it.each([
    ['en', 'Refunds refunded refunding', ['refund', 'refund', 'refund']],
    ['en', 'The parcel was delivered to my neighbours', ['parcel', 'deliv', 'neighbour']],
    ['de', 'Die Rückerstattungen für Pakete', ['ruckerstatt', 'paket']],
    ['fr', 'Les livraisons sont en retard', ['livraison', 'retard']],
    ['en', 'Hi {{customer.first_name}}, thanks!', []],
  ])('%s: %s', (language, text, terms) => {
    expect(tokenize(text, language)).toEqual(terms);
  });
});
