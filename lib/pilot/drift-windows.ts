import { detectDrift, type DriftOptions, type DriftReport } from './drift';

export const DAY_MS = 86_400_000;

/** The recent window (last 7 days) against the reference before it (the 8th to the 60th day back). */
export const DRIFT_RECENT_DAYS = 7;
export const DRIFT_REFERENCE_DAYS = 53;

/** At most this many tickets per window (the most recent): the permutation test grows with them. */
export const DRIFT_MAX_PER_WINDOW = 1_000;

export interface DriftDraft {
  createdAt: number;
  shadow?: boolean;
  parentDraftId?: string;
  drift?: { text: string; coverage: number };
}

/**
 * Drift over the drafts this browser made: one entry per ticket read (regenerations and rewrites
 * left out, they repeat their ticket), split into the recent window and the reference window
 * before it. Drafts made before the drift fields existed are skipped.
 */
export function driftFromDrafts(drafts: readonly DriftDraft[], now: number, options: DriftOptions = {}): DriftReport {
  const recentFrom = now - DRIFT_RECENT_DAYS * DAY_MS;
  const referenceFrom = recentFrom - DRIFT_REFERENCE_DAYS * DAY_MS;
  const inWindow = drafts
    .filter((d): d is DriftDraft & { drift: { text: string; coverage: number } } => Boolean(d.drift) && !d.parentDraftId && d.createdAt <= now && d.createdAt >= referenceFrom)
    .sort((a, b) => b.createdAt - a.createdAt);
  const window = (list: typeof inWindow) => {
    const kept = list.slice(0, DRIFT_MAX_PER_WINDOW);
    return { texts: kept.map((d) => d.drift.text), scores: kept.map((d) => d.drift.coverage) };
  };
  const recent = window(inWindow.filter((d) => d.createdAt >= recentFrom));
  const reference = window(inWindow.filter((d) => d.createdAt < recentFrom));
  return detectDrift(reference, recent, options);
}
