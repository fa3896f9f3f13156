import { describe, expect, it } from 'vitest';
import { checkCitations, citationMarkers } from '../../lib/drafting/citations';
import { HIGH_CONFIDENCE, MEDIUM_CONFIDENCE, scoreConfidence, type ConfidenceSignals } from '../../lib/drafting/confidence';
import { insertableText } from '../../lib/drafting/insertable';
import { fillPlaceholders, firstNameOf, type PlaceholderValues } from '../../lib/drafting/placeholders';
import { DraftSchema, type Citation } from '../../lib/drafting/schema';
import { bestSentences, draftFromTemplate, type TemplateDraft } from '../../lib/drafting/template-drafter';
import { ticketLanguage, ticketQueryText } from '../../lib/drafting/ticket-query';
import { buildRetriever } from '../../lib/kb/build';
import { KbDocSchema, type KbDocInput } from '../../lib/kb/schema';
import type { Retriever, RetrievedChunk } from '../../lib/retrieval/retriever';
import { tokenize } from '../../lib/text/tokenize';
import type { Ticket } from '../../lib/ticket/schema';

// ── placeholders.ts ──────────────────────────────────────────────────────────────────────────────

describe('fillPlaceholders', () => {
  const values: PlaceholderValues = {
    'customer.first_name': 'Dana',
    'customer.name': 'Dana Whitfield',
    'customer.email': 'dana@example.com',
    'ticket.id': '1042',
    'ticket.subject': 'Broken vase',
    'agent.name': 'Sam Rivera',
    'agent.first_name': 'Sam',
  };

  it.each([
    ['Hi {{customer.first_name}},', 'Hi Dana,'],
    ['Dear {{customer.name}}', 'Dear Dana Whitfield'],
    ['We wrote to {{customer.email}}.', 'We wrote to dana@example.com.'],
    ['Ticket #{{ticket.id}}: {{ticket.subject}}', 'Ticket #1042: Broken vase'],
    ['{{agent.name}} ({{agent.first_name}})', 'Sam Rivera (Sam)'],
    ['Hi {{ customer.first_name }}!', 'Hi Dana!'],
    ['Hi {{\tcustomer.first_name\n}}', 'Hi Dana'],
    ['Hi {{Customer.First_Name}}', 'Hi Dana'],
    ['No placeholders at all.', 'No placeholders at all.'],
  ])('%j → %j', (template, expected) => {
    expect(fillPlaceholders(template, values)).toEqual({ text: expected, unfilled: [] });
  });

  it.each<[string, string, string]>([
    ['en', 'Hi {{customer.first_name}},', 'Hi there,'],
    ['en', 'Dear {{customer.name}},', 'Dear there,'],
    ['de', 'Hallo {{customer.first_name}},', 'Hallo,'],
    ['de', 'Hallo {{customer.first_name}} !', 'Hallo!'],
    ['fr', 'Bonjour {{customer.first_name}},', 'Bonjour,'],
  ])('without a first name (%s): %j → %j, nothing reported', (language, template, expected) => {
    expect(fillPlaceholders(template, {}, language)).toEqual({ text: expected, unfilled: [] });
  });

  it('treats a blank value as missing', () => {
    expect(fillPlaceholders('Hi {{customer.first_name}},', { 'customer.first_name': '   ' }).text).toBe('Hi there,');
    expect(fillPlaceholders('Ref {{ticket.id}}', { 'ticket.id': ' ' })).toEqual({ text: 'Ref [ticket.id]', unfilled: ['ticket.id'] });
  });

  it('trims values', () => {
    expect(fillPlaceholders('Hi {{customer.first_name}},', { 'customer.first_name': '  Dana ' }).text).toBe('Hi Dana,');
  });

  it('leaves unknown placeholders visible as [name] and reports each once, in order of first appearance', () => {
    const filled = fillPlaceholders(
      'Order {{order.id}} ships to {{ shipping.address }}. Again: {{order.id}}; from {{agent.name}}; email {{customer.email}}.',
      { 'agent.name': 'Sam' },
    );
    expect(filled.text).toBe('Order [order.id] ships to [shipping.address]. Again: [order.id]; from Sam; email [customer.email].');
    expect(filled.unfilled).toEqual(['order.id', 'shipping.address', 'customer.email']);
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(fillPlaceholders('Use {single} or {{ }} or {{1abc}}', values)).toEqual({ text: 'Use {single} or {{ }} or {{1abc}}', unfilled: [] });
  });
});

describe('firstNameOf', () => {
  it.each<[string | undefined, string | undefined]>([
    ['Dana K. Whitfield', 'Dana'],
    ['Whitfield, Dana', 'Dana'],
    ['Whitfield, Dana Kay', 'Dana'],
    ['  Dana  ', 'Dana'],
    ['Jörg Müller', 'Jörg'],
    ['Zoë', 'Zoë'],
    ['dana@example.com', undefined],
    ['', undefined],
    ['   ', undefined],
    [undefined, undefined],
    ['12345', undefined],
    ['Whitfield,', undefined],
  ])('%j → %j', (name, expected) => {
    expect(firstNameOf(name)).toBe(expected);
  });
});

// ── citations.ts ─────────────────────────────────────────────────────────────────────────────────

describe('citationMarkers', () => {
  it.each<[string, number[]]>([
    ['No markers.', []],
    ['One [1].', [1]],
    ['First [2], then [1], then [2] again and [10].', [2, 1, 10]],
    ['Not a marker: [1234], [a], [ 1 ], (1).', []],
    ['Adjacent [1][2]', [1, 2]],
  ])('%j → %j', (text, markers) => {
    expect(citationMarkers(text)).toEqual(markers);
  });
});

describe('checkCitations', () => {
  const retrieved = new Set(['a#0', 'b#0', 'c#1']);
  const cite = (marker: number, chunkId: string): Citation => ({ marker, chunkId });

  it('accepts markers that all point at retrieved chunks', () => {
    const text = 'Refunds take five days [1]. Labels are free [2].';
    const check = checkCitations(text, [cite(1, 'a#0'), cite(2, 'c#1')], retrieved);
    expect(check).toEqual({ ok: true, markers: [1, 2], invalidMarkers: [], repairedText: text, validCitations: [cite(1, 'a#0'), cite(2, 'c#1')] });
  });

  it('removes and reports a marker that has no citation', () => {
    const check = checkCitations('Refunds take five days [1]. Labels are free [3].', [cite(1, 'a#0')], retrieved);
    expect(check.ok).toBe(false);
    expect(check.invalidMarkers).toEqual([3]);
    expect(check.repairedText).toBe('Refunds take five days [1]. Labels are free.');
    expect(check.validCitations).toEqual([cite(1, 'a#0')]);
  });

  it('removes and reports a citation to a chunk that was not retrieved, every occurrence', () => {
    const check = checkCitations('A [1], B [2], and again [2].', [cite(1, 'a#0'), cite(2, 'invented#9')], retrieved);
    expect(check.ok).toBe(false);
    expect(check.invalidMarkers).toEqual([2]);
    expect(check.repairedText).toBe('A [1], B, and again.');
    expect(check.validCitations).toEqual([cite(1, 'a#0')]);
    expect(check.repairedText).not.toContain('[2]');
  });

  it('lists markers in order of first appearance, and keeps only citations that appear in the text', () => {
    const check = checkCitations('See [2] and [1], also [2].', [cite(1, 'a#0'), cite(2, 'b#0'), cite(3, 'c#1')], retrieved);
    expect(check.markers).toEqual([2, 1]);
    expect(check.ok).toBe(true);
    expect(check.validCitations.map((c) => c.marker)).toEqual([1, 2]);
  });

  it('has nothing to check in a text without markers', () => {
    expect(checkCitations('Plain reply.', [], retrieved)).toEqual({ ok: true, markers: [], invalidMarkers: [], repairedText: 'Plain reply.', validCitations: [] });
  });

  it('keeps line breaks when repairing', () => {
    const check = checkCitations('Line one [9].\n\nLine two [1].', [cite(1, 'a#0')], retrieved);
    expect(check.repairedText).toBe('Line one.\n\nLine two [1].');
  });
});

// ── confidence.ts ────────────────────────────────────────────────────────────────────────────────

const STRONG: ConfidenceSignals = {
  citedSources: 2,
  bestCoverage: 0.6,
  bestScore: 20,
  macroUsed: true,
  macroMargin: 0.5,
  languageMatch: true,
  unfilledPlaceholders: [],
  invalidCitations: 0,
};

describe('scoreConfidence', () => {
  it('is low with no sources, whatever else is true', () => {
    const c = scoreConfidence({ ...STRONG, citedSources: 0 });
    expect(c.level).toBe('low');
    expect(c.score).toBeLessThan(MEDIUM_CONFIDENCE);
    expect(c.reasons.join(' ')).toMatch(/cites nothing/);
  });

  it('is high for a strong, well-covered macro match in the right language', () => {
    const c = scoreConfidence(STRONG);
    expect(c.level).toBe('high');
    expect(c.score).toBeGreaterThanOrEqual(HIGH_CONFIDENCE);
    expect(c.score).toBeLessThanOrEqual(1);
    expect(c.reasons).toEqual(['The best source covers most of what the customer asked.', 'A canned response clearly matched the topic.']);
  });

  it.each<[string, Partial<ConfidenceSignals>, RegExp]>([
    ['a wrong-language source', { languageMatch: false }, /customer's language/],
    ['invalid citations', { invalidCitations: 2 }, /2 citation\(s\)/],
  ])('caps %s below the medium threshold', (_label, change, reason) => {
    const c = scoreConfidence({ ...STRONG, ...change });
    expect(c.score).toBeLessThan(MEDIUM_CONFIDENCE);
    expect(c.level).toBe('low');
    expect(c.reasons.join(' ')).toMatch(reason);
  });

  it('lowers the score for unfilled placeholders and names them', () => {
    const base = scoreConfidence({ ...STRONG, citedSources: 1, bestScore: 6, macroMargin: 0.1 });
    const unfilled = scoreConfidence({ ...STRONG, citedSources: 1, bestScore: 6, macroMargin: 0.1, unfilledPlaceholders: ['order.id', 'tracking.url'] });
    expect(unfilled.score).toBeCloseTo(base.score - 0.1, 2);
    expect(unfilled.reasons.at(-1)).toBe('Fill in [order.id], [tracking.url] before sending.');
  });

  it.each<[string, Partial<ConfidenceSignals>, 'high' | 'medium' | 'low']>([
    ['strong', {}, 'high'],
    ['articles only, good coverage, one source', { macroUsed: false, macroMargin: 0, citedSources: 1, bestScore: 10 }, 'medium'],
    ['articles only, thin coverage', { macroUsed: false, macroMargin: 0, citedSources: 1, bestCoverage: 0.05, bestScore: 2 }, 'low'],
    ['a close second macro', { macroMargin: 0, bestCoverage: 0.2, bestScore: 4, citedSources: 1 }, 'medium'],
  ])('%s → %s', (_label, change, level) => {
    const c = scoreConfidence({ ...STRONG, ...change });
    expect(c.level).toBe(level);
    const expectedLevel = c.score >= HIGH_CONFIDENCE ? 'high' : c.score >= MEDIUM_CONFIDENCE ? 'medium' : 'low';
    expect(c.level).toBe(expectedLevel);
  });

  it('says why in words a person can check', () => {
    expect(scoreConfidence({ ...STRONG, macroUsed: false }).reasons).toContain('No canned response matched; the draft is built from help articles.');
    expect(scoreConfidence({ ...STRONG, macroMargin: 0.05 }).reasons).toContain(
      'A canned response matched, but another was nearly as close: check it is the right one.',
    );
    expect(scoreConfidence({ ...STRONG, bestCoverage: 0.2 }).reasons[0]).toBe('The sources cover part of what the customer asked.');
    expect(scoreConfidence({ ...STRONG, bestCoverage: 0.05 }).reasons[0]).toBe('The sources only touch on what the customer asked.');
  });

  it('stays within 0..1, rounded to two decimals, and grows with coverage and score', () => {
    let previous = -1;
    for (const coverage of [0, 0.05, 0.1, 0.2, 0.3, 0.9]) {
      const c = scoreConfidence({ ...STRONG, macroUsed: false, bestCoverage: coverage, unfilledPlaceholders: ['a', 'b', 'c'] });
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(Math.round(c.score * 100) / 100).toBe(c.score);
      expect(c.score).toBeGreaterThanOrEqual(previous);
      previous = c.score;
    }
    expect(scoreConfidence({ ...STRONG, bestScore: 30 }).score).toBeGreaterThan(scoreConfidence({ ...STRONG, bestScore: 3 }).score);
  });
});

// ── insertable.ts ────────────────────────────────────────────────────────────────────────────────

describe('insertableText', () => {
  it.each([
    ['Refunds take five days [1].', 'Refunds take five days.'],
    ['See [1] and [2].', 'See and.'],
    ['Hi Dana,\n\nRefund issued. [1]\n\nFrom our article: labels are free. [2]\n\nBest,\nSam', 'Hi Dana,\n\nRefund issued.\n\nFrom our article: labels are free.\n\nBest,\nSam'],
    ['Adjacent markers [1][2][3] end here', 'Adjacent markers end here'],
    ['  [1] leading marker', 'leading marker'],
    ['Trailing spaces   \nnext line', 'Trailing spaces\nnext line'],
    ['Keep [1234] and [a] and [note]', 'Keep [1234] and [a] and [note]'],
    ['No markers at all.', 'No markers at all.'],
  ])('%j → %j', (draft, expected) => {
    expect(insertableText(draft)).toBe(expected);
  });
});

// ── template-drafter.ts with a small knowledge base ──────────────────────────────────────────────

const KB_INPUT: KbDocInput[] = [
  {
    id: 'mac-damaged-refund',
    kind: 'macro',
    language: 'en',
    title: 'Damaged item – refund issued',
    body: 'Hi {{customer.first_name}},\n\nI am sorry your item arrived damaged. I have issued a full refund to your original payment method; it shows within five working days.\n\nBest wishes,\n{{agent.name}}',
  },
  {
    id: 'mac-damaged-replacement',
    kind: 'macro',
    language: 'en',
    title: 'Damaged item – replacement sent',
    body: 'Hi {{customer.first_name}},\n\nSorry the item arrived damaged. We are sending a replacement today at no cost, and you do not need to return the broken one.\n\nKind regards,\n{{agent.name}}',
  },
  {
    id: 'mac-tracking',
    kind: 'macro',
    language: 'en',
    title: 'Where is my parcel – tracking link',
    body: 'Hi {{customer.first_name}},\n\nYour parcel is on its way. You can follow it with the tracking number {{tracking.number}} on the carrier website.\n\nBest wishes,\n{{agent.name}}',
  },
  {
    id: 'art-damaged',
    kind: 'article',
    language: 'en',
    title: 'Items that arrive damaged',
    body: 'If an item arrives damaged or broken, take a photo of the damage and the packaging. We offer a replacement or a full refund. You do not need to send damaged items back.\n\nRefunds reach your account within five working days.',
  },
  {
    id: 'art-tracking',
    kind: 'article',
    language: 'en',
    title: 'Tracking your parcel',
    body: 'Every dispatch email contains a tracking link. Tracking updates can take a day to appear after dispatch. If the tracking has not moved for five working days, contact us and we open an investigation.',
  },
  {
    id: 'mac-de-beschaedigt',
    kind: 'macro',
    language: 'de',
    title: 'Beschädigte Ware – Ersatz',
    body: 'Hallo {{customer.first_name}},\n\nes tut mir leid, dass die Ware beschädigt angekommen ist. Wir schicken Ihnen kostenlos Ersatz.\n\nViele Grüße\n{{agent.name}}',
  },
  {
    id: 'art-de-beschaedigt',
    kind: 'article',
    language: 'de',
    title: 'Beschädigte Ware',
    body: 'Wenn Ware beschädigt ankommt, machen Sie bitte ein Foto der Verpackung. Wir schicken Ersatz oder erstatten den Betrag.',
  },
];
const KB = KB_INPUT.map((d) => KbDocSchema.parse(d));

function ticket(subject: string, text: string, requesterName?: string, language?: string): Ticket {
  return {
    helpdesk: 'tidydesk',
    ticketId: '1042',
    url: 'https://desk.example/tickets/1042',
    subject,
    requester: { ...(requesterName ? { name: requesterName } : {}), email: 'customer@example.com' },
    messages: [{ role: 'customer', text }],
    tags: [],
    ...(language ? { language } : {}),
    signals: {},
  };
}

function retrieveFor(retriever: Retriever, t: Ticket): RetrievedChunk[] {
  return retriever.retrieve({ text: ticketQueryText(t), language: ticketLanguage(t) }, 12);
}

/** Every `[n]` in the text has a citation, and every citation points at a retrieved chunk and a source. */
function expectCitationsCheckOut(draft: TemplateDraft, retrieved: readonly RetrievedChunk[]): void {
  const ids = new Set(retrieved.map((c) => c.chunkId));
  const markers = citationMarkers(draft.text);
  expect(markers.sort()).toEqual(draft.citations.map((c) => c.marker).sort());
  for (const c of draft.citations) {
    expect(ids.has(c.chunkId), c.chunkId).toBe(true);
    expect(draft.sources.find((s) => s.marker === c.marker)?.chunkId).toBe(c.chunkId);
  }
  expect(checkCitations(draft.text, draft.citations, ids).ok).toBe(true);
}

describe('draftFromTemplate', () => {
  const { retriever } = buildRetriever(KB);
  const damaged = ticket('My vase arrived damaged', 'Hello, the vase I ordered arrived broken. Can I get a refund please?\n\nThanks, Dana', 'Dana K. Whitfield');

  it('answers an English ticket with an English macro [1] and an article passage [2], placeholders filled', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const draft = draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam Rivera' });
    expect(draft.language).toBe('en');
    expect(draft.sources.map((s) => [s.marker, s.kind])).toEqual([
      [1, 'macro'],
      [2, 'article'],
    ]);
    expect(draft.sources[0]?.docId).toMatch(/^mac-damaged-/);
    expect(draft.sources[1]?.docId).toBe('art-damaged');
    expect(draft.citations).toEqual([
      { marker: 1, chunkId: `${draft.sources[0]?.docId}#0` },
      { marker: 2, chunkId: 'art-damaged#0' },
    ]);
    expect(draft.text.startsWith('Hi Dana,')).toBe(true);
    expect(draft.text).toContain('Sam Rivera');
    expect(draft.text).not.toMatch(/\{\{|\}\}|\[customer|\[agent/);
    expect(draft.text).toContain('From our help article “Items that arrive damaged”:');
    // The article passage and its marker go before the sign-off.
    expect(draft.text.indexOf('[2]')).toBeLessThan(draft.text.lastIndexOf('Sam Rivera'));
    expect(draft.text.trimEnd().endsWith('Sam Rivera')).toBe(true);
    expect(draft.usedDocIds).toEqual(draft.sources.map((s) => s.docId));
    expect(draft.confidence.level).not.toBe('low');
    expect(draft.needsHuman).toBe(false);
    expectCitationsCheckOut(draft, retrieved);
  });

  it('gives sources a snippet without markdown or placeholders cut to length', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const draft = draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam Rivera' });
    for (const s of draft.sources) {
      expect(s.snippet.length).toBeLessThanOrEqual(220);
      expect(s.snippet).not.toMatch(/\n|^#/);
      expect(s.title.length).toBeGreaterThan(0);
    }
  });

  it('answers a German ticket with the German macro and German article', () => {
    const t = ticket('Ware beschädigt', 'Hallo, meine Bestellung ist leider beschädigt angekommen. Was kann ich jetzt tun?\n\nViele Grüße', 'Jonas Müller');
    const retrieved = retrieveFor(retriever, t);
    const draft = draftFromTemplate({ ticket: t, retrieved, agentName: 'Sam Rivera' });
    expect(draft.language).toBe('de');
    expect(draft.sources[0]?.docId).toBe('mac-de-beschaedigt');
    expect(draft.sources.every((s) => s.docId.includes('-de-'))).toBe(true);
    expect(draft.text.startsWith('Hallo Jonas,')).toBe(true);
    expect(draft.text).toContain('Aus unserem Hilfeartikel „Beschädigte Ware“:');
    expect(draft.text).toMatch(/Viele Grüße\nSam Rivera$/);
    expectCitationsCheckOut(draft, retrieved);
  });

  it('drafts a plain holding reply with low confidence and no markers when nothing matches', () => {
    const t = ticket('Zebra quantum', 'Flibber wobble jabberwock snorkel.');
    const retrieved = retrieveFor(retriever, t);
    expect(retrieved).toEqual([]);
    const draft = draftFromTemplate({ ticket: t, retrieved, agentName: 'Sam Rivera' });
    expect(draft.confidence.level).toBe('low');
    expect(draft.needsHuman).toBe(true);
    expect(citationMarkers(draft.text)).toEqual([]);
    expect(draft.citations).toEqual([]);
    expect(draft.sources).toEqual([]);
    expect(draft.usedDocIds).toEqual([]);
    expect(draft.text).toBe(
      "Hi there,\n\nThanks for getting in touch.\n\nI'm looking into this for you and will get back to you shortly with an answer.\n\nBest regards,\nSam Rivera",
    );
  });

  it('picks a different macro when the first one is excluded (Regenerate)', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const first = draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam Rivera' });
    const firstMacro = first.sources.find((s) => s.kind === 'macro')?.docId ?? '';
    const second = draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam Rivera', excludeDocIds: new Set([firstMacro]) });
    const secondMacro = second.sources.find((s) => s.kind === 'macro')?.docId;
    expect(secondMacro).toMatch(/^mac-damaged-/);
    expect(secondMacro).not.toBe(firstMacro);
    expect(second.text).not.toBe(first.text);
    expectCitationsCheckOut(second, retrieved);
  });

  it('falls back to a greeting and articles when every macro is excluded', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const draft = draftFromTemplate({
      ticket: damaged,
      retrieved,
      agentName: 'Sam Rivera',
      excludeDocIds: new Set(['mac-damaged-refund', 'mac-damaged-replacement', 'mac-tracking']),
    });
    expect(draft.sources.every((s) => s.kind === 'article')).toBe(true);
    expect(draft.sources[0]?.marker).toBe(1);
    expect(draft.text.startsWith('Hi Dana,\n\nThanks for getting in touch.')).toBe(true);
    expectCitationsCheckOut(draft, retrieved);
  });

  it('leaves an unknown placeholder for the agent and lowers confidence', () => {
    const t = ticket('Where is my parcel?', 'Hi, where is my parcel? I would like the tracking link please.', 'Ann Lee');
    const retrieved = retrieveFor(retriever, t);
    const draft = draftFromTemplate({ ticket: t, retrieved, agentName: 'Sam Rivera' });
    expect(draft.sources[0]?.docId).toBe('mac-tracking');
    expect(draft.text).toContain('[tracking.number]');
    expect(draft.confidence.reasons).toContain('Fill in [tracking.number] before sending.');
    expectCitationsCheckOut(draft, retrieved);
  });

  it('uses no macro and caps confidence when no source is in the customer’s language', () => {
    const englishOnly = buildRetriever(KB.filter((d) => d.language === 'en')).retriever;
    const t = ticket('Vase damaged', 'The vase arrived damaged and broken. Refund?', 'Jonas', 'de');
    const retrieved = retrieveFor(englishOnly, t);
    expect(retrieved.length).toBeGreaterThan(0);
    const draft = draftFromTemplate({ ticket: t, retrieved, agentName: 'Sam Rivera' });
    expect(draft.language).toBe('de');
    expect(draft.sources.every((s) => s.kind === 'article')).toBe(true);
    expect(draft.confidence.score).toBeLessThan(MEDIUM_CONFIDENCE);
    expect(draft.confidence.reasons).toContain("No source is in the customer's language.");
    expect(draft.text.startsWith('Hallo Jonas,')).toBe(true);
  });

  it('uses the requester’s first name from "Last, First" and "there" without a name', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const comma = draftFromTemplate({ ticket: { ...damaged, requester: { name: 'Whitfield, Dana' } }, retrieved, agentName: 'Sam' });
    expect(comma.text.startsWith('Hi Dana,')).toBe(true);
    const anonymous = draftFromTemplate({ ticket: { ...damaged, requester: { email: 'dana@example.com' } }, retrieved, agentName: 'Sam' });
    expect(anonymous.text.startsWith('Hi there,')).toBe(true);
  });

  it('produces parts that fit the Draft schema', () => {
    const retrieved = retrieveFor(retriever, damaged);
    const draft = draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam Rivera' });
    const record = {
      draftId: 'd-1',
      text: draft.text,
      citations: draft.citations,
      sources: draft.sources,
      confidence: draft.confidence,
      needsHuman: draft.needsHuman,
      policy: 'allow',
      variant: 'template',
      promptVersion: 'template-1',
      kbVersion: 1,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      latencyMs: 3,
      language: draft.language,
    };
    expect(DraftSchema.safeParse(record).success).toBe(true);
  });

  it('is deterministic', () => {
    const retrieved = retrieveFor(retriever, damaged);
    expect(draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam' })).toEqual(draftFromTemplate({ ticket: damaged, retrieved, agentName: 'Sam' }));
  });
});

describe('bestSentences', () => {
  const passage =
    '## Heading line\nGift cards never expire. Refunds reach your account within five working days. Labels are free.\n- Bullet about parcels.';

  it('picks the sentence that best matches the query, plus the next one when short enough', () => {
    const terms = new Set(tokenize('when will my refund reach my account', 'en'));
    expect(bestSentences(passage, terms, 'en')).toBe('Refunds reach your account within five working days. Labels are free.');
  });

  it('drops list markers and headings, and returns only one sentence when two are too long', () => {
    const terms = new Set(tokenize('parcels', 'en'));
    expect(bestSentences(passage, terms, 'en')).toBe('Bullet about parcels.');
    const labels = new Set(tokenize('labels free', 'en'));
    expect(bestSentences(passage, labels, 'en', 3)).toBe('Labels are free.');
  });

  it('returns an empty string for an empty passage', () => {
    expect(bestSentences('', new Set(['x']), 'en')).toBe('');
    expect(bestSentences('## Only a heading', new Set(['x']), 'en')).toBe('');
  });
});
