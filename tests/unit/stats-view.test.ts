import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CopilotEventSchema, type CopilotEvent } from '../../lib/feedback/events';
import { summarizeAll, type DraftSummary } from '../../lib/feedback/outcomes';
import { computeStats } from '../../lib/feedback/stats';
import { acceptanceOverTime, bucketStart, buildStatsView, editRatioHistogram } from '../../lib/feedback/stats-view';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/events/sequences.json');
const sequences = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { name: string; events: unknown[] }[]).map((s) => ({
  name: s.name,
  events: s.events.map((e) => CopilotEventSchema.parse(e)),
}));
const pooled: CopilotEvent[] = sequences.flatMap((s) =>
  s.events.map((e) => ({ ...e, id: `${s.name}/${e.id}`, agentId: `${s.name}/${e.agentId}`, draftId: `${s.name}/${e.draftId}` })),
);
const { drafts, shadows } = summarizeAll(pooled);
const rows = { drafts: [...drafts.values()], shadows: [...shadows.values()] };

function draft(over: Partial<DraftSummary>): DraftSummary {
  const base = rows.drafts[0];
  if (!base) throw new Error('fixture empty');
  return { ...base, ...over };
}

describe('buildStatsView', () => {
  it('gives the numbers of the one stats module for the whole range', () => {
    expect(buildStatsView(rows).stats).toEqual(computeStats(pooled));
  });

  it('filters by variant, cohort and agent while the facets keep every alternative', () => {
    const view = buildStatsView(rows, { variants: ['model'] });
    expect(view.stats.shownDrafts).toBe(3);
    expect(view.stats).toEqual(computeStats(pooled.filter((e) => e.variant === 'model')));
    expect(view.facets.variants).toEqual(['model', null]);
    expect(view.facets.cohorts).toEqual(['cohort-b', null]);
    expect(view.facets.helpdesks).toEqual(['tidydesk']);
    expect(view.facets.agents).toContain('mixed-day/agent-a');
    const noVariant = buildStatsView(rows, { variants: [null] });
    expect(noVariant.stats.shownDrafts).toBe(rows.drafts.length - 3);
  });

  it('lists reason codes by count and computes drafts per ticket', () => {
    const view = buildStatsView(rows);
    const expected = Object.entries(computeStats(pooled).reasonCounts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(view.reasons.map((r) => [r.code, r.count])).toEqual(expected);
    expect(view.draftsPerTicket).toBeCloseTo(view.stats.shownDrafts / view.stats.ticketsWithShownDraft, 12);
  });
});

describe('editRatioHistogram', () => {
  it('puts accepted drafts in 20 bins of 0.05, (from, to], with 0 and 0.05 in the first', () => {
    const bins = editRatioHistogram([
      draft({ outcome: 'as-is', editRatio: 0 }),
      draft({ outcome: 'as-is', editRatio: 0.05 }),
      draft({ outcome: 'edited', editRatio: 0.0501 }),
      draft({ outcome: 'edited', editRatio: 0.5 }),
      draft({ outcome: 'rewritten', editRatio: 0.5001 }),
      draft({ outcome: 'rewritten', editRatio: 1 }),
      draft({ outcome: 'ignored', editRatio: null }),
      draft({ outcome: 'dismissed', editRatio: null }),
    ]);
    expect(bins).toHaveLength(20);
    expect(bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bins[0]).toMatchObject({ from: 0, to: 0.05 });
    expect(bins[19]).toMatchObject({ from: 0.95, to: 1 });
  });
});

describe('acceptanceOverTime', () => {
  it('counts accepted of shown per local day and variant, with Wilson intervals', () => {
    const day = (d: number, h: number) => new Date(2025, 2, d, h).toISOString();
    const series = acceptanceOverTime(
      [
        draft({ variant: 'a', shownAt: day(3, 9), outcome: 'as-is' }),
        draft({ variant: 'a', shownAt: day(3, 23), outcome: 'ignored' }),
        draft({ variant: 'a', shownAt: day(5, 1), outcome: 'edited' }),
        draft({ variant: null, shownAt: day(3, 10), outcome: 'pending' }),
      ],
      'day',
    );
    expect(series.map((s) => s.variant)).toEqual(['a', null]);
    expect(series[0]?.points.map((p) => [p.label, p.rate.numerator, p.rate.denominator])).toEqual([
      ['2025-03-03', 1, 2],
      ['2025-03-05', 1, 1],
    ]);
    expect(series[0]?.points[0]?.rate.low).toBeCloseTo(0.0945, 4);
    expect(series[1]?.points.map((p) => p.rate.numerator)).toEqual([0]);
  });

  it('starts weeks on Monday, local time', () => {
    const wednesday = new Date(2025, 2, 5, 15).getTime();
    expect(new Date(bucketStart(wednesday, 'week'))).toEqual(new Date(2025, 2, 3));
    expect(new Date(bucketStart(new Date(2025, 2, 9, 23).getTime(), 'week'))).toEqual(new Date(2025, 2, 3));
  });
});
