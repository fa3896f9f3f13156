import type { CopilotEvent, DiscardReason } from './events';

export const OUTCOMES = ['as-is', 'edited', 'rewritten', 'ignored', 'dismissed', 'abandoned', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const AS_IS_MAX_EDIT_RATIO = 0.05;
export const EDITED_MAX_EDIT_RATIO = 0.5;

/** What we know of one shown draft after replaying its events in `(agentId, seq)` order. */
export interface DraftSummary {
  draftId: string;
  agentId: string;
  ticketKey: string;
  helpdesk: string;
  pilotId: string | null;
  cohort: string | null;
  variant: string | null;
  shownAt: string;
  latencyMs: number;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  cacheHit: boolean;
  used: boolean;
  editRatio: number | null;
  outcome: Outcome;
  thumb: 'up' | 'down' | null;
  reasons: string[];
}

/** Classify a used-and-sent draft by how much the agent changed it. */
export function outcomeForEditRatio(ratio: number): Outcome {
  if (ratio <= AS_IS_MAX_EDIT_RATIO) return 'as-is';
  if (ratio <= EDITED_MAX_EDIT_RATIO) return 'edited';
  return 'rewritten';
}

export function isAccepted(outcome: Outcome): boolean {
  return outcome === 'as-is' || outcome === 'edited' || outcome === 'rewritten';
}

/** Events in the design's canonical order: `(agentId, seq)`. */
export function sortEvents<E extends Pick<CopilotEvent, 'agentId' | 'seq'>>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.seq - b.seq));
}

/** A shadow draft (made for comparison, never shown): only its model spend counts in the numbers. */
export interface ShadowSummary {
  draftId: string;
  agentId: string;
  ticketKey: string;
  helpdesk: string;
  pilotId: string | null;
  cohort: string | null;
  variant: string | null;
  /** When the first `shadow` event for the draft was written. */
  madeAt: string;
  /** From the first `shadow` event that carried a cost (the later one at send time usually does not). */
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  costed: boolean;
  similarity: number | null;
}

type ShownEvent = Extract<CopilotEvent, { type: 'shown' }>;
type ShadowEvent = Extract<CopilotEvent, { type: 'shadow' }>;

/** The part of an event that a shown draft's outcome depends on (every `CopilotEvent` is one). */
export type DraftStep =
  | { type: 'shown' | 'inserted' | 'copied' | 'regenerated' | 'shadow' }
  | { type: 'sent'; payload: { used: boolean; editRatio: number | null } }
  | { type: 'discarded'; payload: { reason: DiscardReason } }
  | { type: 'rated'; payload: { thumb: 'up' | 'down'; reasons: readonly string[] } };

/** The part of a `shadow` event that a shadow draft's spend depends on. */
export interface ShadowStep {
  payload: { costUsd?: number; tokensIn?: number; tokensOut?: number; similarity?: number };
}

/** A fresh summary from a draft's first `shown` event. */
export function draftFromShown(event: ShownEvent): DraftSummary {
  return {
    draftId: event.draftId,
    agentId: event.agentId,
    ticketKey: event.ticketKey,
    helpdesk: event.helpdesk,
    pilotId: event.pilotId,
    cohort: event.cohort,
    variant: event.variant,
    shownAt: event.at,
    latencyMs: event.payload.latencyMs,
    costUsd: event.payload.costUsd,
    tokensIn: event.payload.tokensIn,
    tokensOut: event.payload.tokensOut,
    cacheHit: event.payload.cacheHit,
    used: false,
    editRatio: null,
    outcome: 'pending',
    thumb: null,
    reasons: [],
  };
}

/**
 * Apply one later event of a shown draft to its summary, in `(agentId, seq)` order. This is the one
 * definition of outcomes: the batch replay below, the per-draft rows the recorder keeps up to date
 * and the streaming report all go through it.
 *
 * The first `sent` on a draft decides it; a later discard does not undo a send. A discard by the
 * agent is `dismissed`; one caused by a ticket change or a newer draft is `abandoned`. A send that
 * used the draft makes it accepted even after a discard (the agent inserted it, then moved on, then
 * came back and sent it); a send without it only turns a pending draft into `ignored`.
 */
export function applyToDraft(draft: DraftSummary, event: DraftStep): void {
  switch (event.type) {
    case 'inserted':
    case 'copied':
      draft.used = true;
      break;
    case 'sent':
      if (event.payload.used && event.payload.editRatio !== null) {
        // A used draft that was sent counts as accepted, even after a discard; the first send decides.
        if (draft.outcome !== 'pending' && draft.outcome !== 'abandoned' && draft.outcome !== 'dismissed') break;
        draft.editRatio = event.payload.editRatio;
        draft.outcome = outcomeForEditRatio(event.payload.editRatio);
      } else if (draft.outcome === 'pending') {
        // A reply written without the draft: ignored. It does not undo a dismissal or an abandonment.
        draft.outcome = 'ignored';
      }
      break;
    case 'discarded':
      if (draft.outcome !== 'pending') break;
      draft.outcome = event.payload.reason === 'agent' ? 'dismissed' : 'abandoned';
      break;
    case 'rated':
      // A later rating of the same draft replaces the earlier one.
      draft.thumb = event.payload.thumb;
      draft.reasons = [...event.payload.reasons];
      break;
    case 'shown':
    case 'regenerated':
    case 'shadow':
      break;
  }
}

/** A fresh shadow summary from a draft's first `shadow` event. */
export function shadowFromEvent(event: ShadowEvent): ShadowSummary {
  const shadow: ShadowSummary = {
    draftId: event.draftId,
    agentId: event.agentId,
    ticketKey: event.ticketKey,
    helpdesk: event.helpdesk,
    pilotId: event.pilotId,
    cohort: event.cohort,
    variant: event.variant,
    madeAt: event.at,
    costUsd: 0,
    tokensIn: 0,
    tokensOut: 0,
    costed: false,
    similarity: null,
  };
  applyToShadow(shadow, event);
  return shadow;
}

/** Apply a later `shadow` event: the first one with a cost sets the spend, the latest similarity wins. */
export function applyToShadow(shadow: ShadowSummary, event: ShadowStep): void {
  if (!shadow.costed && event.payload.costUsd !== undefined) {
    shadow.costed = true;
    shadow.costUsd = event.payload.costUsd;
    shadow.tokensIn = event.payload.tokensIn ?? 0;
    shadow.tokensOut = event.payload.tokensOut ?? 0;
  }
  if (event.payload.similarity !== undefined) shadow.similarity = event.payload.similarity;
}

export interface Summaries {
  drafts: Map<string, DraftSummary>;
  /** Drafts seen only through `shadow` events (never shown). */
  shadows: Map<string, ShadowSummary>;
}

/**
 * Replay events that are already in `(agentId, seq)` order into per-draft summaries. Events of a
 * draft before its `shown` event have nothing to apply to and are skipped, as are events of drafts
 * never shown (except `shadow`, whose spend counts).
 */
export function summarizeOrdered(ordered: Iterable<CopilotEvent>, into?: Summaries): Summaries {
  const out: Summaries = into ?? { drafts: new Map(), shadows: new Map() };
  for (const event of ordered) {
    if (event.type === 'shown') {
      if (out.drafts.has(event.draftId)) continue;
      out.drafts.set(event.draftId, draftFromShown(event));
      out.shadows.delete(event.draftId);
      continue;
    }
    const draft = out.drafts.get(event.draftId);
    if (draft) {
      applyToDraft(draft, event);
      continue;
    }
    if (event.type === 'shadow') {
      const shadow = out.shadows.get(event.draftId);
      if (shadow) applyToShadow(shadow, event);
      else out.shadows.set(event.draftId, shadowFromEvent(event));
    }
  }
  return out;
}

/** Shown drafts and shadow drafts of any events, in whatever order they arrive. */
export function summarizeAll(events: readonly CopilotEvent[]): Summaries {
  return summarizeOrdered(sortEvents(events));
}

/**
 * The outcome of every shown draft (design §"Outcome of a shown draft"). Shadow drafts are never
 * shown, so they have no outcome.
 */
export function summarizeDrafts(events: readonly CopilotEvent[]): Map<string, DraftSummary> {
  return summarizeAll(events).drafts;
}
