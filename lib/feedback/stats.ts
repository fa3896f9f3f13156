import type { CopilotEvent } from './events';
import { isAccepted, summarizeAll, type DraftSummary, type Outcome, type ShadowSummary } from './outcomes';
import { wilsonRate, type Rate } from './wilson';

/**
 * The numbers of design §"Events and the numbers built on them". The side-panel footer, the stats
 * page and the report CLI all call `computeStats`, so they can never disagree.
 */
export interface CopilotStats {
  shownDrafts: number;
  ticketsWithShownDraft: number;
  outcomes: Record<Outcome, number>;
  acceptanceRate: Rate;
  ticketAcceptanceRate: Rate;
  asIsRate: Rate;
  overrideRate: Rate;
  ignoredRate: Rate;
  abandonedRate: Rate;
  thumbsUpRate: Rate;
  reasonCounts: Record<string, number>;
  latencyMs: { p50: number | null; p95: number | null; count: number };
  /** Accepted drafts: as-is + edited + rewritten. */
  acceptedDrafts: number;
  /** All model spend: shown drafts (regenerations and rewrites are drafts too) and shadow drafts. */
  totalCostUsd: number;
  costPerAcceptedDraftUsd: number | null;
  totalTokens: number;
  tokensPerAcceptedDraft: number | null;
  cacheHitRate: Rate;
}

/**
 * The sum of floating-point amounts, independent of their order (sorted, then compensated), so the
 * same drafts read in another order (from per-draft rows, after a merge) give the same total.
 */
export function orderFreeSum(values: Float64Array): number {
  values.sort();
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Nearest-rank percentile of an unsorted list (null when empty). */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** Nearest-rank percentile of an ascending list (null when empty). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export function computeStats(events: readonly CopilotEvent[]): CopilotStats {
  const { drafts, shadows } = summarizeAll(events);
  return statsFromSummaries([...drafts.values()], [...shadows.values()]);
}

/** Stats of already summarized drafts; `events` only supply the spend of shadow drafts. */
export function statsFromDrafts(drafts: readonly DraftSummary[], events: readonly CopilotEvent[]): CopilotStats {
  const shown = new Set(drafts.map((d) => d.draftId));
  const shadows = [...summarizeAll(events.filter((e) => e.type === 'shadow')).shadows.values()].filter((s) => !shown.has(s.draftId));
  return statsFromSummaries(drafts, shadows);
}

/** The numbers of shown drafts, plus the spend of shadow drafts (which have no outcome). */
export function statsFromSummaries(drafts: readonly DraftSummary[], shadows: readonly ShadowSummary[] = []): CopilotStats {
  const outcomes: Record<Outcome, number> = {
    'as-is': 0,
    edited: 0,
    rewritten: 0,
    ignored: 0,
    dismissed: 0,
    abandoned: 0,
    pending: 0,
  };
  const tickets = new Map<string, boolean>();
  const reasonCounts: Record<string, number> = {};
  let up = 0;
  let down = 0;
  let cacheHits = 0;
  let totalTokens = 0;
  const costs = new Float64Array(drafts.length + shadows.length);
  const latencies: number[] = new Array<number>(drafts.length);
  let i = 0;
  for (const d of drafts) {
    outcomes[d.outcome] += 1;
    const ticket = `${d.agentId}\u0000${d.ticketKey}`;
    const accepted = isAccepted(d.outcome);
    if (accepted) tickets.set(ticket, true);
    else if (!tickets.has(ticket)) tickets.set(ticket, false);
    if (d.thumb === 'up') up += 1;
    if (d.thumb === 'down') down += 1;
    for (const r of d.reasons) reasonCounts[r] = (reasonCounts[r] ?? 0) + 1;
    if (d.cacheHit) cacheHits += 1;
    totalTokens += d.tokensIn + d.tokensOut;
    costs[i] = d.costUsd;
    latencies[i++] = d.latencyMs;
  }
  // Cost counts all model spend: shown drafts, and shadow drafts that were never shown.
  for (const s of shadows) {
    totalTokens += s.tokensIn + s.tokensOut;
    costs[i++] = s.costUsd;
  }
  const totalCostUsd = orderFreeSum(costs);
  const shown = drafts.length;
  const accepted = outcomes['as-is'] + outcomes.edited + outcomes.rewritten;
  let acceptedTickets = 0;
  for (const v of tickets.values()) if (v) acceptedTickets += 1;
  const sorted = Float64Array.from(latencies).sort();
  return {
    shownDrafts: shown,
    ticketsWithShownDraft: tickets.size,
    outcomes,
    acceptanceRate: wilsonRate(accepted, shown),
    ticketAcceptanceRate: wilsonRate(acceptedTickets, tickets.size),
    asIsRate: wilsonRate(outcomes['as-is'], shown),
    overrideRate: wilsonRate(outcomes.rewritten + outcomes.dismissed, shown),
    ignoredRate: wilsonRate(outcomes.ignored, shown),
    abandonedRate: wilsonRate(outcomes.abandoned, shown),
    thumbsUpRate: wilsonRate(up, up + down),
    reasonCounts,
    latencyMs: { p50: percentileOfSorted(sorted, 50), p95: percentileOfSorted(sorted, 95), count: sorted.length },
    acceptedDrafts: accepted,
    totalCostUsd,
    costPerAcceptedDraftUsd: accepted > 0 ? totalCostUsd / accepted : null,
    totalTokens,
    tokensPerAcceptedDraft: accepted > 0 ? totalTokens / accepted : null,
    cacheHitRate: wilsonRate(cacheHits, shown),
  };
}

/** "42% (5 of 12)" — a rate as a person reads it, with its count. */
export function formatRate(rate: Rate): string {
  if (rate.rate === null) return `– (0 of 0)`;
  return `${Math.round(rate.rate * 100)}% (${rate.numerator} of ${rate.denominator})`;
}
