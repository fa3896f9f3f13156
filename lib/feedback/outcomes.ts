import type { CopilotEvent } from './events';

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

/**
 * The outcome of every shown draft (design §"Outcome of a shown draft"). Shadow drafts are never
 * shown, so they have no outcome. The first `sent` on a draft decides it; a later discard does not
 * undo a send. A discard by the agent is `dismissed`; one caused by a ticket change or a newer draft
 * is `abandoned`. A send that used the draft makes it accepted even after a discard (the agent
 * inserted it, then moved on, then came back and sent it); a send without it only turns a pending
 * draft into `ignored`.
 */
export function summarizeDrafts(events: readonly CopilotEvent[]): Map<string, DraftSummary> {
  const drafts = new Map<string, DraftSummary>();
  for (const event of sortEvents(events)) {
    if (event.type === 'shown') {
      if (drafts.has(event.draftId)) continue;
      drafts.set(event.draftId, {
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
      });
      continue;
    }
    const draft = drafts.get(event.draftId);
    if (!draft) continue;
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
        draft.thumb = event.payload.thumb;
        draft.reasons = [...event.payload.reasons];
        break;
      case 'regenerated':
      case 'shadow':
        break;
    }
  }
  return drafts;
}
