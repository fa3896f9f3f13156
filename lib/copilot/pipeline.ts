import { draftFromTemplate, type TemplateDraft } from '../drafting/template-drafter';
import { ticketLanguage, ticketQueryText } from '../drafting/ticket-query';
import type { EntityType } from '../guard/entities';
import type { PolicyDecision, PolicyFile } from '../guard/policy';
import type { RetrievedChunk, Retriever, SemanticQuery } from '../retrieval/retriever';
import type { Ticket } from '../ticket/schema';
import { checkOutput } from '../guard/output-check';
import { assessTicket, capForInjection, type TicketAssessment } from './guard-step';

/** How many chunks the drafter sees. */
export const RETRIEVAL_K = 12;

export interface PipelineInput {
  ticket: Ticket;
  retriever: Retriever;
  policy: PolicyFile;
  disabledPii: readonly EntityType[];
  agentName: string;
  /** Documents used by earlier drafts for this ticket: Regenerate offers something else. */
  excludeDocIds?: ReadonlySet<string>;
  /** A model is configured and may be used (changes only what "What leaves this browser" says). */
  modelConfigured?: boolean;
  /** The ticket's query vector and the KB's vectors: hybrid retrieval (absent or null: lexical only). */
  semantic?: SemanticQuery | null;
  /** How many chunks to retrieve (a pilot arm may set it); default RETRIEVAL_K. */
  k?: number;
  /** The policy decision and the guard's masked ticket, when the caller already has them. */
  decision?: PolicyDecision;
  masked?: Ticket;
}

export interface PipelineResult {
  language: string;
  assessment: TicketAssessment;
  /** Null when a no-AI policy applies: no draft at all. */
  draft: TemplateDraft | null;
  /** Whether anything about this ticket was sent to a model (never here: the model step is separate). */
  sentToModel: boolean;
  /** The chunks retrieved for this ticket, best first (empty under a no-AI policy). */
  retrieved: RetrievedChunk[];
}

/**
 * The copilot's pipeline, the same in the extension and in the eval CLIs: guard (policy,
 * injection, masking) → retrieve → draft → citation check and confidence (capped on injection).
 */
export function runPipeline(input: PipelineInput): PipelineResult {
  const { ticket } = input;
  const language = ticketLanguage(ticket);
  const assessment = assessTicket(ticket, {
    policy: input.policy,
    language,
    disabledPii: input.disabledPii,
    modelConfigured: input.modelConfigured ?? false,
    ...(input.decision ? { decision: input.decision } : {}),
    ...(input.masked ? { masked: input.masked } : {}),
  });
  if (assessment.policy.mode === 'no-ai') return { language, assessment, draft: null, sentToModel: false, retrieved: [] };
  const query = { text: ticketQueryText(ticket), language };
  const retrieved = input.semantic ? input.retriever.retrieveHybrid(query, input.k ?? RETRIEVAL_K, input.semantic) : input.retriever.retrieve(query, input.k ?? RETRIEVAL_K);
  const draft = draftFromTemplate({
    ticket,
    retrieved,
    agentName: input.agentName,
    ...(input.excludeDocIds ? { excludeDocIds: input.excludeDocIds } : {}),
  });
  // Links, addresses and numbers must come from the sources or the ticket, never from nowhere.
  const checked = checkOutput(draft.text, {
    sources: retrieved.map((c) => `${c.title}\n${c.text}${c.url ? `\n${c.url}` : ''}`),
    ticket: [ticket.subject, ...ticket.messages.map((m) => m.text), ticket.requester.email ?? ''],
  });
  const capped = capForInjection(draft.confidence, assessment.injection);
  const confidence =
    checked.removed.length > 0
      ? { ...capped, reasons: [...capped.reasons, `${checked.removed.length} link(s), address(es) or number(s) found in no source were removed.`] }
      : capped;
  return {
    language,
    assessment,
    draft: { ...draft, text: checked.text, confidence, needsHuman: draft.needsHuman || assessment.injection.suspected },
    sentToModel: false,
    retrieved,
  };
}
