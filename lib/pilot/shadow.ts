import { editRatio } from '../feedback/edit-ratio';
import { EDITED_MAX_EDIT_RATIO, outcomeForEditRatio, type Outcome } from '../feedback/outcomes';

const MARKERS = /\s?\[\d{1,3}\]/g;

/**
 * Similarity of a shadow draft to the reply the agent sent: 1 − editRatio (design §"Events"),
 * with the draft's citation markers removed first (an inserted draft would have lost them too).
 * 1 = the agent sent exactly the draft; 0 = nothing in common. On the same scale as `editRatio`,
 * so a shadow draft maps onto the outcome it would have had.
 */
export function shadowSimilarity(draftText: string, sentText: string): number {
  return 1 - editRatio(draftText.replace(MARKERS, ''), sentText);
}

/** The outcome a shadow draft would have had, had it been inserted and sent as the agent's reply. */
export function wouldHaveOutcome(similarity: number): Outcome {
  return outcomeForEditRatio(1 - similarity);
}

/** A shadow draft would have helped when the agent's reply is within "edited" distance of it. */
export function wouldHaveHelped(similarity: number): boolean {
  return 1 - similarity <= EDITED_MAX_EDIT_RATIO;
}
