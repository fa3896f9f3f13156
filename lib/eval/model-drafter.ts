import { draftWithModel } from '../copilot/model-step';
import { runPipeline } from '../copilot/pipeline';
import { createClient, type ModelClient } from '../drafting/model-client';
import type { OutputMode, ProviderSettings } from '../drafting/provider-settings';
import { ticketLanguage, ticketQueryText } from '../drafting/ticket-query';
import { guardTicket } from '../guard/guard-ticket';
import { decidePolicy } from '../guard/policy';
import type { KbChunk } from '../kb/chunk';
import { embeddingText } from '../kb/embedding-store';
import { embedQuery, type Embedder } from '../retrieval/embeddings';
import { HYBRID_CANDIDATES, type SemanticQuery } from '../retrieval/retriever';
import { VectorIndex } from '../retrieval/vector-index';
import { citedOf, type EvalDraft, type EvalDrafter } from './eval-set';

/**
 * The model drafter of an eval set, combined exactly as the extension combines it: the pipeline
 * first (policy, guard, retrieval and the template draft), then — only where the policy lets a
 * model see the ticket — the model step on the same retrieved passages. When the model step fails
 * (server error, timeout, unreadable answer …) the template draft stands in and the failure class
 * is recorded, so a run's numbers say how often agents would have seen the fallback.
 */

export interface ModelEvalDrafterOptions {
  settings: ProviderSettings;
  /** The SDK client for `settings` (tests and the CLI pass one; default: a new one with the SDK's retries). */
  client?: ModelClient;
  /** Chunks to retrieve (a pilot variant's `retrieval.k`); default the pipeline's. */
  k?: number;
  /** Hybrid retrieval: the embedder and the KB's vectors, from `embedKb`. Absent: lexical. */
  hybrid?: { embedder: Embedder; index: VectorIndex };
}

/** The KB's passages embedded once for a run (the extension keeps the same vectors in Dexie). */
export async function embedKb(embedder: Embedder, chunks: readonly KbChunk[], signal?: AbortSignal): Promise<VectorIndex> {
  const vectors = await embedder.embed(chunks.map(embeddingText), signal);
  return VectorIndex.build(chunks.map((c, i) => ({ chunkId: c.chunkId, vector: vectors[i] ?? new Float32Array(0) })));
}

/** Document ids in the order of their first passage, at most `k`. */
function docsInOrder(hits: readonly { docId: string }[], k: number): string[] {
  const out: string[] = [];
  for (const hit of hits) {
    if (!out.includes(hit.docId)) out.push(hit.docId);
    if (out.length >= k) break;
  }
  return out;
}

export function makeModelDrafter(options: ModelEvalDrafterOptions): EvalDrafter {
  const { settings } = options;
  const client = options.client ?? createClient(settings);
  // Output modes the server turned down, remembered across tickets as the extension does.
  const modeMemo = new Map<string, OutputMode>();
  return {
    id: 'model',
    async draft(input): Promise<EvalDraft> {
      const { ticket } = input;
      const language = ticketLanguage(ticket);
      const decision = decidePolicy(ticket, input.policy, language);
      const modelAllowed = decision.mode === 'draft' || decision.mode === 'review';
      // The query vector, like every call that leaves the browser, is made from the masked ticket;
      // a failed embedding leaves this ticket on lexical retrieval (as in the extension).
      let semantic: SemanticQuery | null = null;
      if (options.hybrid && modelAllowed) {
        const masked = guardTicket(ticket, { disabled: [] }).ticket;
        const vector = await embedQuery(options.hybrid.embedder, ticketQueryText(masked)).catch(() => null);
        if (vector) semantic = { index: options.hybrid.index, vector };
      }
      const { assessment, draft: template, retrieved } = runPipeline({
        ticket,
        retriever: input.retriever,
        policy: input.policy,
        disabledPii: [],
        agentName: input.agentName,
        modelConfigured: true,
        semantic,
        ...(options.k !== undefined ? { k: options.k } : {}),
      });
      const retrieval = semantic ? 'hybrid' : 'lexical';
      const rankedDocIds = semantic
        ? docsInOrder(input.retriever.retrieveHybrid({ text: ticketQueryText(ticket), language }, HYBRID_CANDIDATES, semantic), 5)
        : undefined;
      const extra = { retrieval, ...(rankedDocIds ? { rankedDocIds } : {}) } as const;
      if (!template) return { text: null, citedDocIds: [], citedTexts: [], needsHuman: true, costUsd: 0, tokensIn: 0, tokensOut: 0, modelAttempted: false, ...extra };
      const fromTemplate = {
        text: template.text,
        ...citedOf(
          template.citations.map((c) => c.chunkId),
          input.chunks,
        ),
        needsHuman: template.needsHuman,
        source: 'template' as const,
        ...extra,
      };
      if (!modelAllowed || assessment.policy.mode === 'template-only') {
        return { ...fromTemplate, costUsd: 0, tokensIn: 0, tokensOut: 0, modelAttempted: false };
      }
      const result = await draftWithModel({
        ticket,
        language,
        retrieved,
        kbVersion: 0,
        settings,
        client,
        disabledPii: [],
        injectionSuspected: assessment.injection.suspected,
        modeMemo,
      });
      if (!result.ok) {
        // The template draft stands in; a call that was made still costs what it cost.
        return { ...fromTemplate, ...result.usage, modelAttempted: true, fallback: { kind: result.error.kind, message: result.error.message } };
      }
      const d = result.draft;
      return {
        text: d.text,
        ...citedOf(
          d.citations.map((c) => c.chunkId),
          input.chunks,
        ),
        needsHuman: d.needsHuman,
        costUsd: d.costUsd,
        tokensIn: d.tokensIn,
        tokensOut: d.tokensOut,
        source: 'model',
        modelAttempted: true,
        fallback: null,
        modelGroundedness: d.groundedness,
        ...extra,
      };
    },
  };
}
