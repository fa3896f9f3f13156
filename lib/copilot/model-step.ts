import { APIError } from 'openai';
import { checkCitations } from '../drafting/citations';
import { draftSourceOf } from '../drafting/template-drafter';
import { scoreModelConfidence } from '../drafting/confidence';
import { describeProviderError, repairJson, streamDraft, type ModelClient, type ProviderError } from '../drafting/model-client';
import { groundedness, parseModelOutput, type ParsedModelOutput } from '../drafting/model-output';
import { buildPrompt, estimateTokens, rewriteInstruction, type BuiltPrompt, type PromptSource, type RewriteKind } from '../drafting/prompt';
import { costUsd, outputModeOf, type OutputMode, type ProviderSettings } from '../drafting/provider-settings';
import type { Citation, Confidence, DraftSource } from '../drafting/schema';
import type { EntityType } from '../guard/entities';
import { guardTicket, type GuardedTicket } from '../guard/guard-ticket';
import { SECRET_PLACEHOLDER, type MaskSession } from '../guard/mask';
import { checkOutput } from '../guard/output-check';
import type { RetrievedChunk } from '../retrieval/retriever';
import type { Ticket } from '../ticket/schema';

/** How many retrieved chunks the model sees (before the budget trims them). */
export const MODEL_SOURCES = 6;
/** Prompt budget (system + user), in estimated tokens: fits every current chat model with room to answer. */
export const PROMPT_BUDGET_TOKENS = 6000;
/** The placeholder of a removed secret as the agent sees it in a draft. */
const SECRET_IN_DRAFT = '[removed]';

/** What the cache keeps of an answer: the parsed output still masked, so no personal data is stored twice. */
export interface CachedAnswer {
  parsed: ParsedModelOutput;
  model: string | null;
  truncated: boolean;
}

export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  put(key: string, value: CachedAnswer): Promise<void>;
}

export interface ModelStepInput {
  ticket: Ticket;
  language: string;
  retrieved: readonly RetrievedChunk[];
  kbVersion: number;
  settings: ProviderSettings;
  client: ModelClient;
  disabledPii: readonly EntityType[];
  injectionSuspected: boolean;
  signal?: AbortSignal;
  /** The whole visible (unmasked) text so far, each time more arrives. */
  onText?: (text: string) => void;
  /** Rewrite this (unmasked) draft text instead of drafting from scratch. */
  rewrite?: { kind: RewriteKind; text: string };
  cache?: AnswerCache;
  /** Regenerate asks for a new answer: do not read the cache (the new answer replaces the entry). */
  skipCacheRead?: boolean;
  /** The guard's result for this ticket when the caller already has it (its session fills placeholders back). */
  guarded?: GuardedTicket;
  /** Output modes this server turned down, remembered across calls (`baseUrl model` → mode to use). */
  modeMemo?: Map<string, OutputMode>;
}

export interface ModelDraft {
  text: string;
  citations: Citation[];
  sources: DraftSource[];
  confidence: Confidence;
  needsHuman: boolean;
  groundedness: number;
  model: string;
  promptVersion: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  cacheHit: boolean;
  outputMode: OutputMode;
  /** Exactly what left the browser (system prompt excluded): the sources and the masked ticket. */
  outbound: string;
}

export type ModelFailureKind = ProviderError['kind'] | 'malformed';

export type ModelStepResult =
  | { ok: true; draft: ModelDraft }
  | {
      ok: false;
      error: { kind: ModelFailureKind; message: string; status?: number };
      /** Spend of a call that was made but could not be used (malformed output): it still costs. */
      usage: { tokensIn: number; tokensOut: number; costUsd: number };
      /** Whether anything was sent to the model. */
      sent: boolean;
    };

const NO_USAGE = { tokensIn: 0, tokensOut: 0, costUsd: 0 };
const DOWNGRADE: Record<OutputMode, OutputMode | null> = { 'json-schema': 'json', json: 'plain', plain: null };

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The cache key: the exact masked prompt (ticket content, sources, rules), the KB version and every
 * setting that changes the answer. The key is a hash, so it holds no ticket text.
 */
export async function answerCacheKey(prompt: BuiltPrompt, settings: ProviderSettings, mode: OutputMode, kbVersion: number): Promise<string> {
  return sha256(
    JSON.stringify([prompt.promptVersion, prompt.system, prompt.user, kbVersion, settings.baseUrl, settings.model, settings.temperature, settings.maxTokens, mode]),
  );
}

function unmaskForAgent(session: MaskSession, text: string): string {
  return session.unmask(text).split(SECRET_PLACEHOLDER).join(SECRET_IN_DRAFT);
}

/** Text the agent wrote or saw, masked with the ticket's session so a rewrite sends no raw value. */
function maskDraftText(session: MaskSession, text: string, ticket: Ticket): string {
  // Values the session knows (from the ticket) are replaced by their placeholders, longest first.
  let out = text;
  const known = session.toJSON().entries.sort((a, b) => b.value.length - a.value.length);
  for (const entry of known) if (entry.value) out = out.split(entry.value).join(`⟦${entry.name}⟧`);
  // Then anything else the detectors find (the agent may have typed a new value into the draft).
  const guarded = guardTicket({ ...ticket, subject: '', messages: [{ role: 'agent', text: out }], tags: [], signals: {} }, { session });
  return guarded.ticket.messages[0]?.text ?? out;
}

/**
 * The model drafter, from a retrieved set to a checked draft: mask the ticket (guard), build the
 * prompt within its budget, stream the answer (placeholders filled back as it streams), parse it in
 * the output mode the server supports (stepping down json-schema → json → plain on a 400 before
 * any text), check citations and links, measure groundedness and score confidence. It never throws
 * for a provider problem: a failure comes back as `{ok: false}` with the error class, so the caller
 * can show the template draft with a banner.
 */
export async function draftWithModel(input: ModelStepInput): Promise<ModelStepResult> {
  const { ticket, settings, client, language } = input;
  const guarded = input.guarded ?? guardTicket(ticket, { disabled: [...input.disabledPii] });
  const session = guarded.session;
  const masked = guarded.ticket;

  const offered = input.retrieved.slice(0, MODEL_SOURCES);
  const promptSources: PromptSource[] = offered.map((c, i) => ({
    marker: i + 1,
    title: c.heading && c.heading !== c.title ? `${c.title} — ${c.heading}` : c.title,
    text: c.text,
  }));
  const memoKey = `${settings.baseUrl} ${settings.model}`;
  let mode = input.modeMemo?.get(memoKey) ?? outputModeOf(settings);
  const build = (m: OutputMode) =>
    buildPrompt({
      ticket: { subject: masked.subject, messages: masked.messages.map((msg) => ({ role: msg.role, text: msg.text, ...(msg.author ? { author: msg.author } : {}) })), language },
      sources: promptSources,
      language,
      tone: settings.tone,
      length: settings.replyLength,
      budgetTokens: PROMPT_BUDGET_TOKENS,
      outputMode: m,
      ...(input.rewrite ? { rewrite: { instruction: rewriteInstruction(input.rewrite.kind, language), draft: maskDraftText(session, input.rewrite.text, ticket) } } : {}),
    });
  let prompt = build(mode);

  let answer: CachedAnswer | undefined;
  let usage = NO_USAGE;
  let cacheHit = false;
  const key = input.cache ? await answerCacheKey(prompt, settings, mode, input.kbVersion) : null;
  if (key && input.cache && !input.skipCacheRead) {
    answer = await input.cache.get(key).catch(() => undefined);
    if (answer) {
      cacheHit = true;
      input.onText?.(unmaskForAgent(session, answer.parsed.text));
    }
  }

  if (!answer) {
    let streamed = '';
    const unmasker = session.streamUnmasker();
    const onText = (delta: string) => {
      const visible = unmasker.push(delta);
      if (!visible) return;
      streamed += visible;
      input.onText?.(streamed.split(SECRET_PLACEHOLDER).join(SECRET_IN_DRAFT));
    };
    let result;
    for (;;) {
      try {
        result = await streamDraft(client, prompt, { mode, onText, ...(input.signal ? { signal: input.signal } : {}) });
        break;
      } catch (error) {
        // A server that rejects the response format (400 before any text): step down and remember it.
        const next = DOWNGRADE[mode];
        if (error instanceof APIError && error.status === 400 && next && streamed === '' && !input.signal?.aborted) {
          mode = next;
          input.modeMemo?.set(memoKey, mode);
          prompt = build(mode);
          continue;
        }
        const described = describeProviderError(error, settings);
        return { ok: false, error: described, usage: NO_USAGE, sent: true };
      }
    }
    usage = { tokensIn: result.usage.tokensIn, tokensOut: result.usage.tokensOut, costUsd: result.usage.costUsd };
    if (!result.complete) {
      return {
        ok: false,
        error: { kind: 'interrupted', message: 'The model stopped answering halfway (the stream ended without finishing). Try again.' },
        usage,
        sent: true,
      };
    }
    const repair = async (raw: string, error: string) => {
      const fixed = await repairJson(client, prompt, raw, error, input.signal);
      // The repair call is a call too; its tokens are estimated (the non-streamed usage is not surfaced here).
      usage = {
        tokensIn: usage.tokensIn + prompt.estimatedTokens + estimateTokens(raw),
        tokensOut: usage.tokensOut + estimateTokens(fixed),
        costUsd: costUsd(settings, usage.tokensIn + prompt.estimatedTokens + estimateTokens(raw), usage.tokensOut + estimateTokens(fixed)),
      };
      return fixed;
    };
    let parsed;
    try {
      parsed = await parseModelOutput(result.raw, mode, repair);
    } catch (error) {
      return { ok: false, error: describeProviderError(error, settings), usage, sent: true };
    }
    if (!parsed.ok) {
      return {
        ok: false,
        error: { kind: 'malformed', message: `The model's answer could not be read (${parsed.error.slice(0, 160)}).` },
        usage,
        sent: true,
      };
    }
    answer = { parsed: parsed.value, model: result.model ?? settings.model, truncated: result.finishReason === 'length' };
    // Keyed by the prompt actually sent (the output mode may have stepped down since the lookup).
    if (input.cache) await input.cache.put(await answerCacheKey(prompt, settings, mode, input.kbVersion), answer).catch(() => undefined);
  }

  // Fill placeholders back, then check what the draft cites and what it claims.
  const text = unmaskForAgent(session, answer.parsed.text);
  const byMarker = new Map(offered.map((c, i) => [i + 1, c]));
  const citations: Citation[] = [];
  for (const marker of answer.parsed.citations) {
    const chunk = byMarker.get(marker);
    if (chunk && !prompt.trimmed.droppedSources.includes(marker)) citations.push({ marker, chunkId: chunk.chunkId });
  }
  const check = checkCitations(text, citations, new Set(input.retrieved.map((c) => c.chunkId)));
  const cited = check.validCitations.map((c) => byMarker.get(c.marker)).filter((c): c is RetrievedChunk => Boolean(c));
  const out = checkOutput(check.repairedText, {
    sources: cited.concat(offered).map((c) => `${c.title}\n${c.text}${c.url ? `\n${c.url}` : ''}`),
    ticket: [ticket.subject, ...ticket.messages.map((m) => m.text), ticket.requester.email ?? '', ticket.requester.name ?? ''],
    systemPrompt: prompt.system,
  });
  const ground = groundedness(
    out.text,
    check.validCitations.map((c) => ({ marker: c.marker, text: byMarker.get(c.marker)?.text ?? '' })),
    language,
  );
  const citedClaims = ground.sentences.filter((s) => s.markers.some((m) => check.validCitations.some((c) => c.marker === m))).length;
  const best = cited.reduce<RetrievedChunk | undefined>((a, c) => (!a || c.coverage > a.coverage ? c : a), undefined);
  const confidence = scoreModelConfidence({
    citedSources: cited.length,
    bestCoverage: best?.coverage ?? 0,
    bestScore: Math.max(0, ...cited.map((c) => c.score)),
    claims: ground.claims,
    citedClaims,
    groundedness: ground.score,
    selfRated: answer.parsed.confidence,
    needsHuman: answer.parsed.needsHuman,
    invalidCitations: check.invalidMarkers.length,
    removedByOutputCheck: out.removed.length,
    languageMatch: cited.length === 0 || cited.some((c) => c.language === language),
    truncated: answer.truncated,
    injectionSuspected: input.injectionSuspected,
  });
  const sources = check.validCitations.map((c) => {
    const chunk = byMarker.get(c.marker);
    return chunk ? draftSourceOf(chunk, c.marker) : null;
  });
  return {
    ok: true,
    draft: {
      text: out.text,
      citations: check.validCitations,
      sources: sources.filter((s): s is DraftSource => s !== null),
      confidence,
      needsHuman: answer.parsed.needsHuman || confidence.level === 'low' || input.injectionSuspected,
      groundedness: Math.round(ground.score * 1000) / 1000,
      model: answer.model ?? settings.model,
      promptVersion: prompt.promptVersion,
      tokensIn: cacheHit ? 0 : usage.tokensIn,
      tokensOut: cacheHit ? 0 : usage.tokensOut,
      costUsd: cacheHit ? 0 : usage.costUsd,
      cacheHit,
      outputMode: mode,
      outbound: prompt.user,
    },
  };
}
