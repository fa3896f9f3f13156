import type { CopilotDb } from '../db';
import { readOutcomeRows, rowMatches, type OutcomeFilter, type OutcomeRows } from './outcome-rows';
import { isAccepted, type DraftSummary } from './outcomes';
import { statsFromSummaries, type CopilotStats } from './stats';
import { wilsonRate, type Rate } from './wilson';

/**
 * Everything the stats page shows, computed from the per-draft outcome rows (never from a rescan of
 * the events): the numbers of the one stats module, the values each filter can take, and the data
 * behind each chart.
 */

export interface Facets {
  agents: string[];
  helpdesks: string[];
  cohorts: (string | null)[];
  variants: (string | null)[];
}

export interface TimePoint {
  /** Start of the bucket, ms since the epoch (local midnight). */
  startMs: number;
  label: string;
  rate: Rate;
}

export interface VariantSeries {
  variant: string | null;
  points: TimePoint[];
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface StatsView {
  stats: CopilotStats;
  facets: Facets;
  bucket: 'day' | 'week';
  acceptanceOverTime: VariantSeries[];
  reasons: { code: string; count: number }[];
  editRatioHistogram: HistogramBin[];
  /** Drafts per ticket with a shown draft (regenerations and rewrites make it above 1). */
  draftsPerTicket: number | null;
}

function sortedKeys<T extends string | null>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort((a, b) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
}

/** Local midnight of the day (or the Monday of the week) that `ms` falls in. */
export function bucketStart(ms: number, bucket: 'day' | 'week'): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  if (bucket === 'week') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

function bucketLabel(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const HISTOGRAM_BINS = 20;

export function editRatioHistogram(drafts: readonly DraftSummary[]): HistogramBin[] {
  const bins: HistogramBin[] = Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({ from: i / HISTOGRAM_BINS, to: (i + 1) / HISTOGRAM_BINS, count: 0 }));
  for (const d of drafts) {
    if (!isAccepted(d.outcome) || d.editRatio === null) continue;
    // Bins are (from, to], the first one [0, 0.05]: exactly the as-is threshold lands in the first bin.
    const i = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.ceil(d.editRatio * HISTOGRAM_BINS - 1e-9) - 1));
    const bin = bins[i];
    if (bin) bin.count += 1;
  }
  return bins;
}

export function acceptanceOverTime(drafts: readonly DraftSummary[], bucket: 'day' | 'week'): VariantSeries[] {
  const byVariant = new Map<string | null, Map<number, { accepted: number; shown: number }>>();
  // Every time zone's offset is a multiple of 15 minutes, so a quarter hour never straddles a local
  // midnight: one calendar computation per quarter hour instead of one per draft.
  const quarterStarts = new Map<number, number>();
  for (const d of drafts) {
    const ms = Date.parse(d.shownAt);
    const quarter = Math.floor(ms / 900_000);
    let start = quarterStarts.get(quarter);
    if (start === undefined) quarterStarts.set(quarter, (start = bucketStart(ms, bucket)));
    let series = byVariant.get(d.variant);
    if (!series) byVariant.set(d.variant, (series = new Map()));
    const point = series.get(start) ?? { accepted: 0, shown: 0 };
    point.shown += 1;
    if (isAccepted(d.outcome)) point.accepted += 1;
    series.set(start, point);
  }
  return sortedKeys(byVariant.keys()).map((variant) => ({
    variant,
    points: [...(byVariant.get(variant)?.entries() ?? [])]
      .sort(([a], [b]) => a - b)
      .map(([startMs, p]) => ({ startMs, label: bucketLabel(startMs), rate: wilsonRate(p.accepted, p.shown) })),
  }));
}

/**
 * The view of rows already read for a date range: the other filters apply here, the facets come
 * from the whole range so a filter never hides its own alternatives.
 */
export function buildStatsView(rows: OutcomeRows, filter: OutcomeFilter = {}): StatsView {
  const facets: Facets = {
    agents: sortedKeys(rows.drafts.map((d) => d.agentId)),
    helpdesks: sortedKeys(rows.drafts.map((d) => d.helpdesk)),
    cohorts: sortedKeys(rows.drafts.map((d) => d.cohort)),
    variants: sortedKeys(rows.drafts.map((d) => d.variant)),
  };
  const drafts = rows.drafts.filter((d) => rowMatches(d, d.shownAt, filter));
  const shadows = rows.shadows.filter((s) => rowMatches(s, s.madeAt, filter));
  const stats = statsFromSummaries(drafts, shadows);
  let first = Infinity;
  let last = -Infinity;
  for (const d of drafts) {
    const t = Date.parse(d.shownAt);
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const bucket = last - first > 60 * 86_400_000 ? 'week' : 'day';
  return {
    stats,
    facets,
    bucket,
    acceptanceOverTime: acceptanceOverTime(drafts, bucket),
    reasons: Object.entries(stats.reasonCounts)
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1)),
    editRatioHistogram: editRatioHistogram(drafts),
    draftsPerTicket: stats.ticketsWithShownDraft > 0 ? stats.shownDrafts / stats.ticketsWithShownDraft : null,
  };
}

/** Read the rows of a filter from the database and build its view (what the stats page and the benchmark time). */
export async function loadStatsView(db: CopilotDb, filter: OutcomeFilter = {}): Promise<StatsView> {
  const rows = await readOutcomeRows(db, { fromMs: filter.fromMs ?? null, toMs: filter.toMs ?? null });
  return buildStatsView(rows, filter);
}
