import { detectDrift, type DriftOptions, type DriftReport } from './drift';

export const DAY_MS = 86_400_000;

/** The recent window (last 7 days) against the reference before it (the 8th to the 60th day back). */
export const DRIFT_RECENT_DAYS = 7;
export const DRIFT_REFERENCE_DAYS = 53;

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
  const reference = { texts: [] as string[], scores: [] as number[] };
  const recent = { texts: [] as string[], scores: [] as number[] };
  for (const d of drafts) {
    if (!d.drift || d.parentDraftId || d.createdAt > now || d.createdAt < referenceFrom) continue;
    const into = d.createdAt >= recentFrom ? recent : reference;
    into.texts.push(d.drift.text);
    into.scores.push(d.drift.coverage);
  }
  return detectDrift(reference, recent, options);
}
