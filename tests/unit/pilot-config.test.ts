import { describe, expect, it } from 'vitest';
import { assign, cohortOf, eventStamp, pickByWeight, stableUnit } from '../../lib/pilot/assign';
import { parsePilotConfig, pilotPhase, validatePilotConfig, type PilotConfig } from '../../lib/pilot/config';

const PILOT: PilotConfig = {
  id: 'pilot-2026-03',
  name: 'Model vs template, March',
  startsAt: '2026-03-01',
  endsAt: '2026-03-31',
  variants: [
    { id: 'baseline', drafter: 'template' },
    { id: 'challenger', drafter: 'model', model: 'gpt-4o-mini', promptVersion: 'p-2', retrieval: { k: 8, hybrid: true } },
    { id: 'wide', drafter: 'model', retrieval: { k: 20, hybrid: false } },
  ],
  cohorts: [
    { id: 'tier1-berlin', agents: ['ana', 'ben'], allocation: { challenger: 1 } },
    { id: 'everyone', agents: '*', allocation: { baseline: 60, challenger: 30, wide: 10 } },
  ],
  shadow: false,
  unit: 'agent',
};
const DURING = new Date('2026-03-15T12:00:00Z');

const DELETE = Symbol('delete');

/** A copy of the example with one field set (or deleted) by path. */
function withChange(path: (string | number)[], value: unknown): unknown {
  const copy: unknown = structuredClone(PILOT);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  const last = path[path.length - 1] ?? '';
  const target = node as Record<string | number, unknown>;
  if (value === DELETE) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return copy;
}

describe('pilot config', () => {
  it('accepts the example and reads date-only ends as the whole day', () => {
    expect(validatePilotConfig(PILOT).ok).toBe(true);
    expect(pilotPhase(PILOT, new Date('2026-02-28T23:59:59Z'))).toBe('scheduled');
    expect(pilotPhase(PILOT, new Date('2026-03-01T00:00:00Z'))).toBe('running');
    expect(pilotPhase(PILOT, new Date('2026-03-31T23:59:00Z'))).toBe('running');
    expect(pilotPhase(PILOT, new Date('2026-04-01T00:00:00Z'))).toBe('ended');
  });

  it.each([
    ['an allocation naming an unknown variant', ['cohorts', 1, 'allocation'], { baseline: 1, nope: 1 }, 'cohorts[1].allocation.nope', 'no variant "nope"'],
    ['a weight of zero', ['cohorts', 1, 'allocation'], { baseline: 0 }, 'cohorts[1].allocation.baseline', 'more than 0'],
    ['a negative weight', ['cohorts', 0, 'allocation'], { challenger: -1 }, 'cohorts[0].allocation.challenger', 'more than 0'],
    ['an end before the start', ['endsAt'], '2026-02-01', 'endsAt', 'before it starts'],
    ['a duplicate variant id', ['variants', 2, 'id'], 'baseline', 'variants[2].id', 'used twice'],
    ['a duplicate cohort id', ['cohorts', 1, 'id'], 'tier1-berlin', 'cohorts[1].id', 'used twice'],
    ['an unknown drafter', ['variants', 0, 'drafter'], 'gpt', 'variants[0].drafter', '"template" or "model"'],
    ['a fractional k', ['variants', 1, 'retrieval'], { k: 2.5, hybrid: true }, 'variants[1].retrieval.k', 'whole number'],
    ['a date that is not a date', ['startsAt'], 'next Monday', 'startsAt', '2026-03-01'],
    ['a bad unit', ['unit'], 'team', 'unit', '"agent" or "ticket"'],
    ['an agent in two cohorts', ['cohorts', 1, 'agents'], ['ben'], 'cohorts[1].agents', 'cohorts "tier1-berlin" and "everyone"'],
    ['a missing shadow flag', ['shadow'], DELETE, 'shadow', ''],
  ] as [string, (string | number)[], unknown, string, string][])('rejects %s, naming the field', (_name, path, value, field, words) => {
    const result = validatePilotConfig(withChange(path, value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.field).toBe(field);
    expect(result.message).toContain(field);
    expect(result.message).toContain(words);
  });

  it('explains JSON that does not parse', () => {
    const result = parsePilotConfig('{"id": "x",');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/not valid JSON/);
  });
});

describe('assignment', () => {
  it('is deterministic and null outside the dates', () => {
    const a = assign(PILOT, { agentId: 'agent-7f3a9c2e', now: DURING });
    expect(a).not.toBeNull();
    expect(assign(PILOT, { agentId: 'agent-7f3a9c2e', now: new Date('2026-03-30T08:00:00Z') })).toEqual(a);
    expect(assign(PILOT, { agentId: 'agent-7f3a9c2e', now: new Date('2026-04-02T00:00:00Z') })).toBeNull();
    expect(assign(PILOT, { agentId: 'agent-7f3a9c2e', now: new Date('2026-01-02T00:00:00Z') })).toBeNull();
    expect(eventStamp(null)).toEqual({ pilotId: null, cohort: null, variant: null });
  });

  it('puts listed agents in their cohort and nobody else when there is no "*" cohort', () => {
    expect(assign(PILOT, { agentId: 'ana', now: DURING })).toEqual({ pilotId: 'pilot-2026-03', cohort: 'tier1-berlin', variant: 'challenger' });
    const narrow: PilotConfig = { ...PILOT, cohorts: PILOT.cohorts.slice(0, 1) };
    expect(cohortOf(narrow, 'zoe')).toBeUndefined();
    expect(assign(narrow, { agentId: 'zoe', now: DURING })).toBeNull();
  });

  it('keeps a stable hash (a change would move agents mid-pilot)', () => {
    // Pinned values: if this fails, the hash changed, and running pilots would reshuffle.
    expect(stableUnit('pilot-2026-03\u0000agent-7f3a9c2e')).toBe(stableUnit('pilot-2026-03\u0000agent-7f3a9c2e'));
    expect(stableUnit('')).toBeGreaterThanOrEqual(0);
    const pinned = ['a', 'b', 'pilot\u0000agent-1', 'Zoë'].map((s) => stableUnit(s).toFixed(12));
    expect(pinned).toMatchInlineSnapshot(`
      [
        "0.103526211827",
        "0.510809069488",
        "0.152791065740",
        "0.300787036357",
      ]
    `);
  });

  it('matches the weights within sampling error over 100,000 agents', () => {
    const n = 100_000;
    const counts: Record<string, number> = { baseline: 0, challenger: 0, wide: 0 };
    for (let i = 0; i < n; i++) {
      const a = assign(PILOT, { agentId: `agent-${i.toString(16).padStart(8, '0')}`, now: DURING });
      if (!a) throw new Error('every agent has a cohort');
      counts[a.variant] = (counts[a.variant] ?? 0) + 1;
    }
    const expected = { baseline: 0.6, challenger: 0.3, wide: 0.1 };
    let chiSquare = 0;
    for (const [variant, p] of Object.entries(expected)) {
      const observed = counts[variant] ?? 0;
      const sd = Math.sqrt(n * p * (1 - p));
      // 4.5 standard deviations: fails by chance about once in 150,000 runs (and the hash is fixed, so never by chance).
      expect(Math.abs(observed - n * p)).toBeLessThan(4.5 * sd);
      chiSquare += (observed - n * p) ** 2 / (n * p);
    }
    // 2 degrees of freedom: P(χ² > 13.8) = 0.001.
    expect(chiSquare).toBeLessThan(13.8);
  });

  it('assigns tickets, not agents, when the unit is ticket', () => {
    const perTicket: PilotConfig = { ...PILOT, unit: 'ticket', cohorts: [{ id: 'all', agents: '*', allocation: { baseline: 1, challenger: 1 } }] };
    expect(assign(perTicket, { agentId: 'ana', now: DURING })).toBeNull();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const a = assign(perTicket, { agentId: 'ana', ticketKey: `zendesk:${i}`, now: DURING });
      seen.add(a?.variant ?? 'none');
      expect(assign(perTicket, { agentId: 'ben', ticketKey: `zendesk:${i}`, now: DURING })?.variant).toBe(a?.variant);
    }
    expect([...seen].sort()).toEqual(['baseline', 'challenger']);
  });

  it('picks by weight in config order', () => {
    expect(pickByWeight({ a: 1, b: 3 }, 0)).toBe('a');
    expect(pickByWeight({ a: 1, b: 3 }, 0.2499)).toBe('a');
    expect(pickByWeight({ a: 1, b: 3 }, 0.25)).toBe('b');
    expect(pickByWeight({ a: 1, b: 3 }, 0.999999)).toBe('b');
    expect(pickByWeight({}, 0.5)).toBeUndefined();
  });
});
