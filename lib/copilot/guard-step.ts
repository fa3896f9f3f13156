import type { Confidence } from '../drafting/schema';
import type { EntityType } from '../guard/entities';
import { guardTicket } from '../guard/guard-ticket';
import { detectInjection } from '../guard/injection';
import { ticketDataBlock } from '../guard/outbound';
import { decidePolicy, type PolicyDecision, type PolicyFile } from '../guard/policy';
import type { Ticket } from '../ticket/schema';

export interface TicketAssessment {
  policy: PolicyDecision;
  injection: { suspected: boolean; reasons: string[] };
  /** "What leaves this browser" for this ticket. */
  outbound: { text: string; sent: boolean; note: string };
}

export interface AssessOptions {
  policy: PolicyFile;
  language: string;
  disabledPii: readonly EntityType[];
  /** Whether a model is configured and allowed (until then drafts are made in the browser). */
  modelConfigured: boolean;
  /** Already computed by the caller for this ticket and these options: not computed again. */
  decision?: PolicyDecision;
  masked?: Ticket;
}

/**
 * The guard step of the pipeline, before any drafting: the topic policy, prompt-injection signals,
 * and the masked text a model would receive. Nothing here sends anything anywhere.
 */
export function assessTicket(ticket: Ticket, options: AssessOptions): TicketAssessment {
  const policy = options.decision ?? decidePolicy(ticket, options.policy, options.language);
  const customerTexts = [ticket.subject, ...ticket.messages.filter((m) => m.role === 'customer').map((m) => m.text)];
  const found = detectInjection({ texts: customerTexts, hiddenText: ticket.signals.hiddenText ?? [] });
  const injection = { suspected: found.suspected, reasons: found.reasons };
  if (policy.mode === 'no-ai') {
    return {
      policy,
      injection,
      outbound: { text: '', sent: false, note: 'Nothing about this ticket leaves this browser: a no-AI policy applies.' },
    };
  }
  const masked = options.masked ?? guardTicket(ticket, { disabled: [...options.disabledPii] }).ticket;
  const text = ticketDataBlock(masked);
  const note =
    policy.mode === 'template-only'
      ? 'A template-only policy keeps this ticket away from models: nothing is sent. Below is what a model would have received, masked.'
      : options.modelConfigured
        ? 'This masked text is what the model receives with the prompt. Personal data is replaced by placeholders and filled back only in this browser; secrets are removed for good.'
        : 'No model is configured, so nothing is sent: the draft is made in this browser. Below is what a model would receive, masked.';
  return { policy, injection, outbound: { text, sent: false, note } };
}

/** A suspected injection caps confidence at low, with the reasons. */
export function capForInjection(confidence: Confidence, injection: TicketAssessment['injection']): Confidence {
  if (!injection.suspected) return confidence;
  return {
    score: Math.min(confidence.score, 0.3),
    level: 'low',
    reasons: [...confidence.reasons, 'The ticket contains text that tries to instruct the copilot; confidence is capped at low.'],
  };
}
