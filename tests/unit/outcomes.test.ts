import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CopilotEventSchema, type CopilotEvent } from '../../lib/feedback/events';
import {
  AS_IS_MAX_EDIT_RATIO,
  EDITED_MAX_EDIT_RATIO,
  OUTCOMES,
  isAccepted,
  outcomeForEditRatio,
  sortEvents,
  summarizeAll,
  summarizeDrafts,
  type Outcome,
} from '../../lib/feedback/outcomes';
import { computeStats, formatRate, percentile, statsFromDrafts, type CopilotStats } from '../../lib/feedback/stats';
import { wilsonRate, type Rate } from '../../lib/feedback/wilson';
import { seededRandom as prng } from '../../scripts/bench-corpus';

// ── the shared fixture ───────────────────────────────────────────────────────────────────────────

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/events/sequences.json');

const CountSchema = z.object({ numerator: z.number().int(), denominator: z.number().int() });
const SequenceSchema = z.object({
  name: z.string(),
  description: z.string(),
  events: z.array(CopilotEventSchema),
  expected: z.object({
    outcomes: z.record(z.string(), z.enum(OUTCOMES)),
    shown: z.number().int(),
    accepted: z.number().int(),
    acceptance: CountSchema,
    asIs: CountSchema,
    override: CountSchema,
    ignored: CountSchema,
    abandoned: CountSchema,
    thumbsUp: CountSchema,
    ticketAcceptance: CountSchema,
    reasonCounts: z.record(z.string(), z.number().int()),
    latencyP50: z.number().nullable().optional(),
    latencyP95: z.number().nullable().optional(),
    totalCostUsd: z.number().optional(),
    costPerAcceptedUsd: z.number().nullable().optional(),
    totalTokens: z.number().optional(),
    tokensPerAccepted: z.number().nullable().optional(),
    cacheHit: CountSchema.optional(),
  }),
});
type Sequence = z.infer<typeof SequenceSchema>;

const sequences: Sequence[] = z.array(SequenceSchema).parse(JSON.parse(readFileSync(FIXTURE, 'utf8')));
const named: [string, Sequence][] = sequences.map((s) => [s.name, s]);

function sequence(name: string): Sequence {
  const found = sequences.find((s) => s.name === name);
  if (!found) throw new Error(`No fixture sequence named ${name}`);
  return found;
}


function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) throw new Error('shuffle out of range');
    out[i] = b;
    out[j] = a;
  }
  return out;
}

function counts(rate: Rate): { numerator: number; denominator: number } {
  return { numerator: rate.numerator, denominator: rate.denominator };
}

function outcomeMap(events: readonly CopilotEvent[]): Record<string, Outcome> {
  return Object.fromEntries([...summarizeDrafts(events).values()].map((d) => [d.draftId, d.outcome]));
}

// ── fixture sanity: the fixture itself must be what it claims ────────────────────────────────────

describe('the shared event-sequence fixture', () => {
  it('has unique sequence names', () => {
    expect(new Set(sequences.map((s) => s.name)).size).toBe(sequences.length);
  });

  it.each(named)('%s: (agentId, seq) is unique and gap-free from 0 per agent, event ids unique', (_name, s) => {
    const byAgent = new Map<string, number[]>();
    for (const e of s.events) byAgent.set(e.agentId, [...(byAgent.get(e.agentId) ?? []), e.seq]);
    for (const seqs of byAgent.values()) {
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i));
    }
    expect(new Set(s.events.map((e) => e.id)).size).toBe(s.events.length);
  });

  it('covers every outcome at least once', () => {
    const seen = new Set(sequences.flatMap((s) => Object.values(s.expected.outcomes)));
    expect([...seen].sort()).toEqual([...OUTCOMES].sort());
  });

  it('includes a sequence whose events are not in (agentId, seq) order', () => {
    const unordered = sequences.filter((s) => JSON.stringify(sortEvents(s.events)) !== JSON.stringify(s.events));
    expect(unordered.map((s) => s.name)).toEqual(expect.arrayContaining(['out-of-order', 'two-agents-interleaved']));
  });

  it('includes shadow drafts that are never shown', () => {
    const s = sequence('shadow');
    const shadowIds = new Set(s.events.filter((e) => e.type === 'shadow').map((e) => e.draftId));
    expect(shadowIds.size).toBeGreaterThan(0);
    for (const id of shadowIds) expect(s.events.some((e) => e.type === 'shown' && e.draftId === id)).toBe(false);
  });
});

// ── outcomes.ts ──────────────────────────────────────────────────────────────────────────────────

describe('outcomeForEditRatio', () => {
  it.each<[number, Outcome]>([
    [0, 'as-is'],
    [0.02, 'as-is'],
    [AS_IS_MAX_EDIT_RATIO, 'as-is'],
    [0.0500001, 'edited'],
    [0.3, 'edited'],
    [EDITED_MAX_EDIT_RATIO, 'edited'],
    [0.5000001, 'rewritten'],
    [0.8, 'rewritten'],
    [1, 'rewritten'],
  ])('editRatio %s → %s', (ratio, outcome) => {
    expect(outcomeForEditRatio(ratio)).toBe(outcome);
  });

  it('uses the thresholds of the design (0.05 and 0.5)', () => {
    expect(AS_IS_MAX_EDIT_RATIO).toBe(0.05);
    expect(EDITED_MAX_EDIT_RATIO).toBe(0.5);
  });
});

describe('isAccepted', () => {
  it.each<[Outcome, boolean]>([
    ['as-is', true],
    ['edited', true],
    ['rewritten', true],
    ['ignored', false],
    ['dismissed', false],
    ['abandoned', false],
    ['pending', false],
  ])('%s → %s', (outcome, accepted) => {
    expect(isAccepted(outcome)).toBe(accepted);
  });
});

describe('sortEvents', () => {
  it('orders by agentId, then numerically by seq, without touching the input', () => {
    const input = [
      { agentId: 'b', seq: 0 },
      { agentId: 'a', seq: 10 },
      { agentId: 'a', seq: 9 },
      { agentId: 'a', seq: 2 },
      { agentId: 'B', seq: 1 },
    ];
    const copy = JSON.stringify(input);
    expect(sortEvents(input)).toEqual([
      { agentId: 'B', seq: 1 },
      { agentId: 'a', seq: 2 },
      { agentId: 'a', seq: 9 },
      { agentId: 'a', seq: 10 },
      { agentId: 'b', seq: 0 },
    ]);
    expect(JSON.stringify(input)).toBe(copy);
  });
});

describe('summarizeDrafts over the fixture', () => {
  it.each(named)('%s: the outcome of every shown draft', (_name, s) => {
    expect(outcomeMap(s.events)).toEqual(s.expected.outcomes);
  });

  it.each(named)('%s: the same outcomes whatever order the events arrive in', (_name, s) => {
    expect(outcomeMap([...s.events].reverse())).toEqual(s.expected.outcomes);
    for (const seed of [1, 2, 3]) expect(outcomeMap(shuffled(s.events, seed))).toEqual(s.expected.outcomes);
  });

  it('keeps what the shown event said and what the send said', () => {
    const s = sequence('edited');
    const shown = s.events.find((e) => e.type === 'shown');
    const draft = summarizeDrafts(s.events).get('d-1');
    expect(draft).toMatchObject({
      draftId: 'd-1',
      agentId: 'agent-a',
      ticketKey: 'tidydesk:1001',
      helpdesk: 'tidydesk',
      shownAt: shown?.at,
      latencyMs: 800,
      used: true,
      editRatio: 0.3,
      outcome: 'edited',
      thumb: null,
      reasons: [],
    });
  });

  it('records the used flag for a copied draft and no edit ratio for an ignored one', () => {
    expect(summarizeDrafts(sequence('regenerated-then-accepted').events).get('d-second')?.used).toBe(true);
    const ignored = summarizeDrafts(sequence('ignored').events).get('d-1');
    expect(ignored?.used).toBe(false);
    expect(ignored?.editRatio).toBeNull();
  });

  it('takes the latest rating of a draft, reasons included', () => {
    const drafts = summarizeDrafts(sequence('re-rated').events);
    expect(drafts.get('d-1')).toMatchObject({ thumb: 'down', reasons: ['tone', 'wrong-facts'] });
    expect(drafts.get('d-2')).toMatchObject({ thumb: 'up', reasons: [] });
  });

  it('gives shadow drafts no summary at all', () => {
    const drafts = summarizeDrafts(sequence('shadow').events);
    expect([...drafts.keys()]).toEqual(['d-live']);
  });

  it('keeps shadow drafts apart, with the spend of their first costed event and the latest similarity', () => {
    const s = sequence('shadow');
    const { drafts, shadows } = summarizeAll(s.events);
    expect([...drafts.keys()]).toEqual(['d-live']);
    const shadowIds = [...new Set(s.events.filter((e) => e.type === 'shadow').map((e) => e.draftId))];
    expect([...shadows.keys()].sort()).toEqual(shadowIds.sort());
    expect(shadows.get('d-shadow')).toMatchObject({ costUsd: 0.004, tokensIn: 1200, tokensOut: 180, costed: true, similarity: 0.71 });
  });

  it('ignores payload fields it does not know', () => {
    const s = sequence('as-is');
    const extended = s.events.map((e) => CopilotEventSchema.parse({ ...e, payload: { ...e.payload, addedLater: 'x' } }));
    expect(outcomeMap(extended)).toEqual(s.expected.outcomes);
  });

  it('keeps drafts of different agents apart even when their seqs collide', () => {
    const drafts = summarizeDrafts(sequence('two-agents-interleaved').events);
    expect(drafts.get('d-a1')?.agentId).toBe('agent-a');
    expect(drafts.get('d-b1')?.agentId).toBe('agent-b');
    expect(drafts.get('d-b2')?.agentId).toBe('agent-b');
  });

  it('returns nothing for no events', () => {
    expect(summarizeDrafts([]).size).toBe(0);
  });

  // Dismiss-then-write-your-own is the usual way to reject a draft: it must stay in the override rate.
  it('keeps a dismissed draft dismissed when a reply is then sent without it', () => {
    const s = sequence('dismissed');
    const dismissed = s.events.at(-1);
    if (!dismissed) throw new Error('fixture is empty');
    const sent = CopilotEventSchema.parse({
      ...dismissed,
      id: 'later-send',
      seq: dismissed.seq + 1,
      type: 'sent',
      payload: { used: false, editRatio: null },
    });
    expect(outcomeMap([...s.events, sent])).toEqual({ 'd-1': 'dismissed' });
  });
});

// ── stats.ts ─────────────────────────────────────────────────────────────────────────────────────

function expectStats(stats: CopilotStats, s: Sequence): void {
  const x = s.expected;
  expect(stats.shownDrafts).toBe(x.shown);
  expect(stats.outcomes['as-is'] + stats.outcomes.edited + stats.outcomes.rewritten).toBe(x.accepted);
  expect(counts(stats.acceptanceRate)).toEqual(x.acceptance);
  expect(counts(stats.asIsRate)).toEqual(x.asIs);
  expect(counts(stats.overrideRate)).toEqual(x.override);
  expect(counts(stats.ignoredRate)).toEqual(x.ignored);
  expect(counts(stats.abandonedRate)).toEqual(x.abandoned);
  expect(counts(stats.thumbsUpRate)).toEqual(x.thumbsUp);
  expect(counts(stats.ticketAcceptanceRate)).toEqual(x.ticketAcceptance);
  expect(stats.ticketsWithShownDraft).toBe(x.ticketAcceptance.denominator);
  expect(stats.reasonCounts).toEqual(x.reasonCounts);
  if (x.latencyP50 !== undefined) expect(stats.latencyMs.p50).toBe(x.latencyP50);
  if (x.latencyP95 !== undefined) expect(stats.latencyMs.p95).toBe(x.latencyP95);
  if (x.totalCostUsd !== undefined) expect(stats.totalCostUsd).toBeCloseTo(x.totalCostUsd, 10);
  if (x.costPerAcceptedUsd !== undefined) {
    if (x.costPerAcceptedUsd === null) expect(stats.costPerAcceptedDraftUsd).toBeNull();
    else expect(stats.costPerAcceptedDraftUsd).toBeCloseTo(x.costPerAcceptedUsd, 10);
  }
  if (x.totalTokens !== undefined) expect(stats.totalTokens).toBe(x.totalTokens);
  if (x.tokensPerAccepted !== undefined) {
    if (x.tokensPerAccepted === null) expect(stats.tokensPerAcceptedDraft).toBeNull();
    else expect(stats.tokensPerAcceptedDraft).toBeCloseTo(x.tokensPerAccepted, 10);
  }
  if (x.cacheHit !== undefined) expect(counts(stats.cacheHitRate)).toEqual(x.cacheHit);
  expect(stats.acceptedDrafts).toBe(x.accepted);
}

describe('computeStats over the fixture', () => {
  it.each(named)('%s: the expected numbers', (_name, s) => {
    expectStats(computeStats(s.events), s);
  });

  it.each(named)('%s: the same numbers from shuffled events', (_name, s) => {
    expectStats(computeStats(shuffled(s.events, 42)), s);
    expectStats(computeStats([...s.events].reverse()), s);
  });

  it.each(named)('%s: outcome counts add up to the shown drafts, and each count matches the outcomes', (_name, s) => {
    const stats = computeStats(s.events);
    const total = OUTCOMES.reduce((sum, o) => sum + stats.outcomes[o], 0);
    expect(total).toBe(stats.shownDrafts);
    for (const o of OUTCOMES) {
      expect(stats.outcomes[o]).toBe(Object.values(s.expected.outcomes).filter((v) => v === o).length);
    }
    expect(stats.latencyMs.count).toBe(stats.shownDrafts);
  });

  it.each(named)('%s: every rate carries its Wilson interval', (_name, s) => {
    const stats = computeStats(s.events);
    for (const rate of [stats.acceptanceRate, stats.asIsRate, stats.overrideRate, stats.thumbsUpRate, stats.ticketAcceptanceRate]) {
      const expected = wilsonRate(rate.numerator, rate.denominator);
      expect(rate).toEqual(expected);
      if (rate.denominator > 0) expect(rate.rate).toBeCloseTo(rate.numerator / rate.denominator, 12);
    }
  });

  it('counts ignored and abandoned beside the override rate, not in it', () => {
    const stats = computeStats(sequence('mixed-day').events);
    expect(stats.overrideRate.numerator).toBe(stats.outcomes.rewritten + stats.outcomes.dismissed);
    expect(stats.overrideRate.rate).toBeCloseTo(0.2, 12);
    expect(stats.ignoredRate.rate).toBeCloseTo(0.1, 12);
    expect(stats.abandonedRate.rate).toBeCloseTo(0.1, 12);
    expect(stats.acceptanceRate.rate).toBeCloseTo(0.6, 12);
    expect(stats.ticketAcceptanceRate.rate).toBeCloseTo(6 / 9, 12);
  });

  it('adds model spend of shadow drafts to the cost, once per shadow draft', () => {
    const stats = computeStats(sequence('shadow').events);
    expect(stats.totalCostUsd).toBeCloseTo(0.006, 12);
    expect(stats.costPerAcceptedDraftUsd).toBeCloseTo(0.006, 12);
  });

  it('counts the spend of regenerated and rewritten drafts and a cache hit, per accepted draft', () => {
    const stats = computeStats(sequence('model-spend-regenerate-rewrite').events);
    expect(stats.totalCostUsd).toBeCloseTo(0.009, 12);
    expect(stats.costPerAcceptedDraftUsd).toBeCloseTo(0.009, 12);
    expect(stats.tokensPerAcceptedDraft).toBe(2550);
    expect(stats.cacheHitRate.rate).toBeCloseTo(1 / 3, 12);
  });

  it('statsFromDrafts (the side-panel footer) agrees with computeStats, shadow spend included', () => {
    for (const s of sequences) {
      const drafts = [...summarizeDrafts(s.events).values()];
      expect(statsFromDrafts(drafts, s.events), s.name).toEqual(computeStats(s.events));
    }
  });

  it('has no cost per accepted draft when nothing was accepted', () => {
    expect(computeStats(sequence('pending').events).costPerAcceptedDraftUsd).toBeNull();
  });

  it('has empty numbers for no events', () => {
    const stats = computeStats([]);
    expect(stats.shownDrafts).toBe(0);
    expect(stats.acceptanceRate).toEqual({ numerator: 0, denominator: 0, rate: null, low: null, high: null });
    expect(stats.latencyMs).toEqual({ p50: null, p95: null, count: 0 });
    expect(stats.totalCostUsd).toBe(0);
    expect(formatRate(stats.acceptanceRate)).toBe('– (0 of 0)');
  });

  it('computes the same numbers over every fixture event at once, sequence by sequence', () => {
    // Prefix agent ids so the sequences do not collide, then check the pooled acceptance.
    const pooled = sequences.flatMap((s) => s.events.map((e) => ({ ...e, agentId: `${s.name}/${e.agentId}`, draftId: `${s.name}/${e.draftId}` })));
    const stats = computeStats(pooled);
    const shown = sequences.reduce((sum, s) => sum + s.expected.shown, 0);
    const accepted = sequences.reduce((sum, s) => sum + s.expected.accepted, 0);
    const tickets = sequences.reduce((sum, s) => sum + s.expected.ticketAcceptance.denominator, 0);
    const acceptedTickets = sequences.reduce((sum, s) => sum + s.expected.ticketAcceptance.numerator, 0);
    expect(counts(stats.acceptanceRate)).toEqual({ numerator: accepted, denominator: shown });
    expect(counts(stats.ticketAcceptanceRate)).toEqual({ numerator: acceptedTickets, denominator: tickets });
  });
});

describe('percentile (nearest rank)', () => {
  const values = [35, 15, 50, 40, 20];
  it.each([
    [0, 15],
    [5, 15],
    [20, 15],
    [30, 20],
    [40, 20],
    [50, 35],
    [80, 40],
    [81, 50],
    [95, 50],
    [100, 50],
  ])('P%s of [15, 20, 35, 40, 50] is %s', (p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it.each([
    [[], 50, null],
    [[7], 50, 7],
    [[7], 95, 7],
    [[3, 1, 2, 4], 50, 2],
    [[3, 1, 2, 4], 75, 3],
    [[3, 1, 2, 4], 76, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95, 19],
  ])('%j at P%s → %s', (list, p, expected) => {
    expect(percentile(list, p)).toBe(expected);
  });

  it('does not sort the caller’s array', () => {
    const list = [3, 1, 2];
    percentile(list, 50);
    expect(list).toEqual([3, 1, 2]);
  });

  it('sorts numerically, not as strings', () => {
    expect(percentile([100, 9, 20], 50)).toBe(20);
  });
});

describe('formatRate', () => {
  it.each<[number, number, string]>([
    [5, 12, '42% (5 of 12)'],
    [1, 3, '33% (1 of 3)'],
    [2, 3, '67% (2 of 3)'],
    [0, 4, '0% (0 of 4)'],
    [4, 4, '100% (4 of 4)'],
    [1, 200, '1% (1 of 200)'],
    [0, 0, '– (0 of 0)'],
  ])('%s of %s → %s', (n, d, text) => {
    expect(formatRate(wilsonRate(n, d))).toBe(text);
  });
});

// ── wilson.ts ────────────────────────────────────────────────────────────────────────────────────

const Z = 1.959963984540054;

describe('wilsonRate', () => {
  it('has no rate or interval when there is nothing to divide by', () => {
    expect(wilsonRate(0, 0)).toEqual({ numerator: 0, denominator: 0, rate: null, low: null, high: null });
  });

  it.each<[number, number, number, number]>([
    [5, 10, 0.2366, 0.7634],
    [1, 10, 0.0179, 0.4042],
    [9, 10, 0.5958, 0.9821],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [50, 100, 0.4038, 0.5962],
    [0, 1, 0, 0.7935],
    [1, 1, 0.20655, 1],
    [81, 263, 0.2553, 0.3662],
  ])('%s of %s → [%s, %s] to 4 dp', (x, n, low, high) => {
    const rate = wilsonRate(x, n);
    expect(rate.numerator).toBe(x);
    expect(rate.denominator).toBe(n);
    expect(rate.rate).toBeCloseTo(x / n, 12);
    expect(rate.low).toBeCloseTo(low, 4);
    expect(rate.high).toBeCloseTo(high, 4);
  });

  it('has a lower bound of 0 when nothing succeeded and an upper bound of 1 when everything did (within rounding)', () => {
    for (let n = 1; n <= 200; n++) {
      expect(wilsonRate(0, n).low).toBeCloseTo(0, 12);
      expect(wilsonRate(n, n).high).toBeCloseTo(1, 12);
    }
  });

  // The interval of 0 of n starts at exactly 0 and that of n of n ends at exactly 1 (no float residue).
  it('gives exactly 0 and exactly 1 at the ends (0 of n and n of n)', () => {
    for (let n = 1; n <= 200; n++) {
      expect(wilsonRate(0, n).low).toBe(0);
      expect(wilsonRate(n, n).high).toBe(1);
    }
  });

  it('inverts the score test: each interior bound b satisfies (p̂ − b)² = z²·b(1 − b)/n', () => {
    const random = prng(7);
    for (let i = 0; i < 200; i++) {
      const n = 1 + Math.floor(random() * 500);
      const x = Math.floor(random() * (n + 1));
      const rate = wilsonRate(x, n);
      const p = x / n;
      const { low, high } = rate;
      if (low === null || high === null) throw new Error('bounds expected');
      // Published values are rounded to 4 decimals.
      expect(low).toBeLessThanOrEqual(p + 1e-12);
      expect(high).toBeGreaterThanOrEqual(p - 1e-12);
      for (const b of [low, high]) {
        if (b <= 1e-12 || b >= 1 - 1e-12) continue;
        expect((p - b) ** 2).toBeCloseTo((Z * Z * b * (1 - b)) / n, 10);
      }
    }
  });

  it('narrows as the count grows at the same rate', () => {
    const widths = [10, 100, 1000].map((n) => {
      const r = wilsonRate(n * 0.3, n);
      return (r.high ?? 0) - (r.low ?? 0);
    });
    expect(widths[0]).toBeGreaterThan(widths[1] ?? Infinity);
    expect(widths[1]).toBeGreaterThan(widths[2] ?? Infinity);
  });

  it('is symmetric: x of n mirrors n − x of n', () => {
    const cases: [number, number][] = [
      [3, 17],
      [0, 5],
      [12, 40],
    ];
    for (const [x, n] of cases) {
      const a = wilsonRate(x, n);
      const b = wilsonRate(n - x, n);
      expect(a.low).toBeCloseTo(1 - (b.high ?? NaN), 12);
      expect(a.high).toBeCloseTo(1 - (b.low ?? NaN), 12);
    }
  });

  it('collapses to the point estimate with z = 0 and widens with a larger z', () => {
    const point = wilsonRate(3, 12, 0);
    expect(point.low).toBeCloseTo(0.25, 12);
    expect(point.high).toBeCloseTo(0.25, 12);
    const wide = wilsonRate(3, 12, 2.576);
    const normal = wilsonRate(3, 12);
    expect(wide.low ?? 1).toBeLessThan(normal.low ?? 0);
    expect(wide.high ?? 0).toBeGreaterThan(normal.high ?? 1);
  });
});
