import type { CopilotEvent } from './events';
import { isAccepted, summarizeDrafts, type DraftSummary, type Outcome } from './outcomes';
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
  totalCostUsd: number;
  costPerAcceptedDraftUsd: number | null;
  cacheHitRate: Rate;
}

/** Nearest-rank percentile of an unsorted list (null when empty). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export function computeStats(events: readonly CopilotEvent[]): CopilotStats {
  const drafts = [...summarizeDrafts(events).values()];
  return statsFromDrafts(drafts, events);
}

export function statsFromDrafts(drafts: readonly DraftSummary[], events: readonly CopilotEvent[]): CopilotStats {
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
  for (const d of drafts) {
    outcomes[d.outcome] += 1;
    const ticket = `${d.agentId}\u0000${d.ticketKey}`;
    tickets.set(ticket, (tickets.get(ticket) ?? false) || isAccepted(d.outcome));
    if (d.thumb === 'up') up += 1;
    if (d.thumb === 'down') down += 1;
    for (const r of d.reasons) reasonCounts[r] = (reasonCounts[r] ?? 0) + 1;
    if (d.cacheHit) cacheHits += 1;
  }
  const shown = drafts.length;
  const accepted = outcomes['as-is'] + outcomes.edited + outcomes.rewritten;
  const acceptedTickets = [...tickets.values()].filter(Boolean).length;
  // Cost counts all model spend: shown drafts, and shadow drafts that were never shown.
  let totalCostUsd = drafts.reduce((sum, d) => sum + d.costUsd, 0);
  const shownIds = new Set(drafts.map((d) => d.draftId));
  const shadowCosted = new Set<string>();
  for (const e of events) {
    if (e.type === 'shadow' && !shownIds.has(e.draftId) && !shadowCosted.has(e.draftId) && e.payload.costUsd !== undefined) {
      shadowCosted.add(e.draftId);
      totalCostUsd += e.payload.costUsd;
    }
  }
  const latencies = drafts.map((d) => d.latencyMs);
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
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), count: latencies.length },
    totalCostUsd,
    costPerAcceptedDraftUsd: accepted > 0 ? totalCostUsd / accepted : null,
    cacheHitRate: wilsonRate(cacheHits, shown),
  };
}

/** "42% (5 of 12)" — a rate as a person reads it, with its count. */
export function formatRate(rate: Rate): string {
  if (rate.rate === null) return `– (0 of 0)`;
  return `${Math.round(rate.rate * 100)}% (${rate.numerator} of ${rate.denominator})`;
}
