import { z } from 'zod';
import { runPipeline } from '../copilot/pipeline';
import { percentile } from '../feedback/stats';
import { DEFAULT_POLICY, type PolicyFile } from '../guard/policy';
import type { KbChunk } from '../kb/chunk';
import type { Retriever } from '../retrieval/retriever';
import { parseJsonLines } from '../jsonl';
import { ticketLanguage, ticketQueryText } from '../drafting/ticket-query';
import type { Ticket } from '../ticket/schema';
import { groundedness, rougeL } from './text-metrics';
import { ticketFromLine, TicketLineSchema } from './ticket-lines';

/**
 * Locked evaluation sets (`evals/NAME.jsonl` + `evals/NAME.lock.json`): tickets in the eval
 * ticket format plus what a good draft cites, an optional reference reply and slice tags. The lock
 * holds the set's SHA-256, so a set that changed without anyone meaning to fails until the lock
 * is updated on purpose.
 */

export const EvalTicketSchema = TicketLineSchema.extend({
  /** KB document ids a good draft cites (retrieval should find them in its top 5). Empty: nothing in the KB answers this. */
  expectedDocIds: z.array(z.string().min(1)),
  /** A reply a good agent would send (for ROUGE-L). */
  reference: z.string().min(1).optional(),
  /** Slice tags: language, topic, channel, and any other the team wants to break results down by. */
  slices: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type EvalTicket = z.infer<typeof EvalTicketSchema>;

export const SLICE_KEYS = ['language', 'topic', 'channel'] as const;

export function parseEvalSet(text: string): { tickets: EvalTicket[]; errors: { line: number; message: string }[] } {
  const { rows, problems } = parseJsonLines(text, EvalTicketSchema);
  const errors = problems.map((p) => ({
    line: p.line,
    message: p.kind === 'json' ? 'not valid JSON' : `${p.issue?.path.join('.') || 'ticket'}: ${p.issue?.message ?? 'invalid'}`,
  }));
  const seen = new Set<string>();
  const tickets: EvalTicket[] = [];
  for (const { line, value } of rows) {
    if (seen.has(value.id)) errors.push({ line, message: `the id "${value.id}" is used twice` });
    else tickets.push(value);
    seen.add(value.id);
  }
  return { tickets, errors };
}

// ---------------------------------------------------------------------------------------------
// The lock
// ---------------------------------------------------------------------------------------------

export const EvalLockSchema = z.object({
  set: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tickets: z.number().int().nonnegative(),
  lockedAt: z.string(),
});
export type EvalLock = z.infer<typeof EvalLockSchema>;

/** SHA-256 (hex) of a set's content; line endings are normalised so a checkout on Windows matches. */
export async function setChecksum(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text.replace(/\r\n?/g, '\n'));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function makeLock(setName: string, text: string, now = new Date()): Promise<EvalLock> {
  return { set: setName, sha256: await setChecksum(text), tickets: parseEvalSet(text).tickets.length, lockedAt: now.toISOString() };
}

export type LockCheck = { ok: true; sha256: string } | { ok: false; sha256: string; message: string };

/** Does the set still match its lock? `lockText` null means there is no lock file. */
export async function checkLock(setPath: string, text: string, lockPath: string, lockText: string | null): Promise<LockCheck> {
  const sha256 = await setChecksum(text);
  const relock = `run \`npm run eval -- lock ${setPath}\` (or add --update-lock) once you mean to change the set`;
  if (lockText === null) return { ok: false, sha256, message: `${setPath} is not locked: there is no ${lockPath}. To lock it, ${relock}.` };
  let lock: EvalLock;
  try {
    lock = EvalLockSchema.parse(JSON.parse(lockText));
  } catch {
    return { ok: false, sha256, message: `${lockPath} is not a valid lock file. Restore it from version control, or ${relock}.` };
  }
  if (lock.sha256 !== sha256) {
    return {
      ok: false,
      sha256,
      message: `${setPath} no longer matches its lock (${lockPath}, locked ${lock.lockedAt}): SHA-256 ${sha256.slice(0, 12)}… is not the locked ${lock.sha256.slice(0, 12)}…. Results on a changed set cannot be compared with earlier ones. If the change is deliberate, ${relock}; if not, restore the set.`,
    };
  }
  return { ok: true, sha256 };
}

// ---------------------------------------------------------------------------------------------
// Drafters under evaluation
// ---------------------------------------------------------------------------------------------

export interface EvalDraftInput {
  ticket: Ticket;
  retriever: Retriever;
  /** Chunk texts by id, so a drafter can return the text of what it cited. */
  chunks: ReadonlyMap<string, KbChunk>;
  policy: PolicyFile;
  agentName: string;
}

export interface EvalDraft {
  /** Null when the policy allows no draft (a human answers). */
  text: string | null;
  citedDocIds: string[];
  /** Full texts of the cited passages (for groundedness). */
  citedTexts: string[];
  needsHuman: boolean;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  /** What made the text: the model, or the template pipeline (also the model's fallback). Absent: template. */
  source?: 'model' | 'template';
  /** Whether a model was asked for this ticket (a template-only or no-AI policy keeps it away). */
  modelAttempted?: boolean;
  /** Why the model's draft was not used and the template draft stood in (the model step's failure class). */
  fallback?: { kind: string; message: string } | null;
  /** The model step's own groundedness score (its citation-aware sentence check), for model drafts. */
  modelGroundedness?: number | null;
  /** How this draft's passages were retrieved. Absent: lexical. */
  retrieval?: 'lexical' | 'hybrid';
  /** Documents in the order this drafter's retrieval ranks them (absent: the lexical ranking is used for recall@5). */
  rankedDocIds?: string[];
}

/** Anything that drafts a reply for a ticket: the template pipeline, or a model variant (`model-drafter.ts`). */
export interface EvalDrafter {
  id: string;
  draft(input: EvalDraftInput): Promise<EvalDraft>;
}

/** Document ids and texts of the chunks a draft cites. */
export function citedOf(chunkIds: readonly string[], chunks: ReadonlyMap<string, KbChunk>): { citedDocIds: string[]; citedTexts: string[] } {
  const cited = chunkIds.map((id) => chunks.get(id)).filter((c): c is KbChunk => c !== undefined);
  return { citedDocIds: [...new Set(cited.map((c) => c.docId))], citedTexts: cited.map((c) => `${c.title}\n${c.text}`) };
}

export interface TemplateDrafterOptions {
  /** How many chunks to retrieve (a pilot variant's `retrieval.k`); default the pipeline's. */
  k?: number;
}

/** The embedded default: the same pipeline the extension runs (guard → retrieve → template draft → checks). */
export function makeTemplateDrafter(options: TemplateDrafterOptions = {}): EvalDrafter {
  return {
    id: 'template',
    async draft(input) {
      const result = runPipeline({
        ticket: input.ticket,
        retriever: input.retriever,
        policy: input.policy,
        disabledPii: [],
        agentName: input.agentName,
        ...(options.k !== undefined ? { k: options.k } : {}),
      });
      const draft = result.draft;
      if (!draft) return { text: null, citedDocIds: [], citedTexts: [], needsHuman: true, costUsd: 0, tokensIn: 0, tokensOut: 0 };
      return {
        text: draft.text,
        ...citedOf(
          draft.citations.map((c) => c.chunkId),
          input.chunks,
        ),
        needsHuman: draft.needsHuman,
        costUsd: 0,
        tokensIn: 0,
        tokensOut: 0,
        source: 'template',
      };
    },
  };
}

export const templateDrafter: EvalDrafter = makeTemplateDrafter();

// ---------------------------------------------------------------------------------------------
// Running a set
// ---------------------------------------------------------------------------------------------

export interface TicketScore {
  id: string;
  slices: Record<string, string>;
  /** Share of expected documents in retrieval's top 5; null when none is expected. */
  recallAt5: number | null;
  /** Share of cited documents that were expected; null when nothing was cited. */
  citationPrecision: number | null;
  groundedness: number | null;
  rougeL: number | null;
  needsHuman: boolean;
  /** Ticket in → checked draft out (retrieval, any embedding and model call, parsing and checks). */
  latencyMs: number;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  /** What made the scored text; null when the policy allows no draft. */
  drafter: 'model' | 'template' | null;
  /** Whether a model was asked for this ticket. */
  modelAttempted: boolean;
  /** The failure class when the model's draft was not used and the template draft stood in. */
  fallback: string | null;
  fallbackMessage?: string;
  /** The model step's own groundedness score (model drafts only). */
  modelGroundedness: number | null;
  retrieval: 'lexical' | 'hybrid';
  citedDocIds: string[];
  ungrounded: string[];
}

export interface SetMetrics {
  tickets: number;
  recallAt5: number | null;
  citationPrecision: number | null;
  groundedness: number | null;
  rougeL: number | null;
  needsHumanRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  costUsd: number;
  costPerTicketUsd: number | null;
  tokensIn: number;
  tokensOut: number;
  /** Tickets a model was asked to draft (the policy allowed it). */
  modelAttempts: number;
  /** Share of model attempts that fell back to the template draft; null when no model was asked. */
  fallbackRate: number | null;
  /** Fallbacks by failure class (`server`, `timeout`, `malformed` …). */
  fallbacks: Record<string, number>;
  /** How many tickets each averaged metric had (the others had nothing to measure). */
  counts: { recallAt5: number; citationPrecision: number; groundedness: number; rougeL: number };
}

/** How the run retrieved: the variant's k, and whether hybrid retrieval was asked for and applied. */
export interface RetrievalSetting {
  k: number;
  hybridRequested: boolean;
  /** True when KB passages and queries were embedded and fused with the lexical ranking. */
  hybrid: boolean;
  embeddingModel: string | null;
  /** Why hybrid was not applied (or anything else about retrieval a reader must know); null when nothing. */
  note: string | null;
}

/** The model a model variant drafted with (never the key). */
export interface ModelSetting {
  name: string;
  /** The server's host. */
  host: string;
  outputMode: string;
  priceInPerMillion: number;
  priceOutPerMillion: number;
}

export interface EvalSetResult {
  schema: 1;
  set: string;
  sha256: string;
  variant: string;
  kbDocs: number;
  /** Present for runs that say how they retrieved (the CLI always does). */
  retrieval?: RetrievalSetting;
  /** The model of a model variant; null for template variants. */
  model?: ModelSetting | null;
  overall: SetMetrics;
  /** slice key → slice value → metrics, e.g. `slices.language.de`. */
  slices: Record<string, Record<string, SetMetrics>>;
  tickets: TicketScore[];
}

function meanOf(values: readonly (number | null)[]): { value: number | null; count: number } {
  const present = values.filter((v): v is number => v !== null);
  return { value: present.length > 0 ? present.reduce((s, v) => s + v, 0) / present.length : null, count: present.length };
}

const round = (v: number | null, digits = 4) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function aggregate(scores: readonly TicketScore[]): SetMetrics {
  const recall = meanOf(scores.map((s) => s.recallAt5));
  const precision = meanOf(scores.map((s) => s.citationPrecision));
  const grounded = meanOf(scores.map((s) => s.groundedness));
  const rouge = meanOf(scores.map((s) => s.rougeL));
  const latencies = scores.map((s) => s.latencyMs);
  const cost = scores.reduce((sum, s) => sum + s.costUsd, 0);
  const attempts = scores.filter((s) => s.modelAttempted);
  const fallbacks: Record<string, number> = {};
  for (const s of attempts) if (s.fallback !== null) fallbacks[s.fallback] = (fallbacks[s.fallback] ?? 0) + 1;
  const fellBack = Object.values(fallbacks).reduce((a, b) => a + b, 0);
  return {
    tickets: scores.length,
    recallAt5: round(recall.value),
    citationPrecision: round(precision.value),
    groundedness: round(grounded.value),
    rougeL: round(rouge.value),
    needsHumanRate: scores.length > 0 ? round(scores.filter((s) => s.needsHuman).length / scores.length) : null,
    latencyP50Ms: round(percentile(latencies, 50), 2),
    latencyP95Ms: round(percentile(latencies, 95), 2),
    costUsd: round(cost, 8) ?? 0,
    costPerTicketUsd: scores.length > 0 ? round(cost / scores.length, 8) : null,
    tokensIn: scores.reduce((sum, s) => sum + s.tokensIn, 0),
    tokensOut: scores.reduce((sum, s) => sum + s.tokensOut, 0),
    modelAttempts: attempts.length,
    fallbackRate: attempts.length > 0 ? round(fellBack / attempts.length) : null,
    fallbacks,
    counts: { recallAt5: recall.count, citationPrecision: precision.count, groundedness: grounded.count, rougeL: rouge.count },
  };
}

export interface RunEvalSetInput {
  setName: string;
  sha256: string;
  tickets: readonly EvalTicket[];
  retriever: Retriever;
  chunks: ReadonlyMap<string, KbChunk>;
  kbDocs: number;
  drafter: EvalDrafter;
  /** The variant's name in the result (defaults to the drafter's id). */
  variant?: string;
  policy?: PolicyFile;
  agentName?: string;
  /** A clock for latency (tests pass a fake one). */
  now?: () => number;
  /** Tickets drafted at the same time (a model variant waits on the network); default 1. */
  concurrency?: number;
  retrieval?: RetrievalSetting;
  model?: ModelSetting | null;
}

/** Run `work` over `items` with at most `limit` at a time; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Draft every ticket of a set with the drafter under test and score it: retrieval recall@5,
 * citation precision, groundedness, ROUGE-L against the reference, needs-human, latency and cost,
 * overall and per slice. The ticket's language slice defaults to the language the pipeline detects.
 */
export async function runEvalSet(input: RunEvalSetInput): Promise<EvalSetResult> {
  const now = input.now ?? (() => performance.now());
  const policy = input.policy ?? DEFAULT_POLICY;
  const agentName = input.agentName ?? 'Support team';
  // One untimed template draft first: the first call fills tokenizer and stemmer caches, which would
  // otherwise make the first ticket's latency (and a small set's P95) mostly start-up cost. It is
  // the template pipeline whatever the drafter, so a model variant spends nothing on it.
  const first = input.tickets[0];
  if (first) await templateDrafter.draft({ ticket: ticketFromLine(first), retriever: input.retriever, chunks: input.chunks, policy, agentName });
  const scores = await mapLimited(input.tickets, input.concurrency ?? 1, async (line): Promise<TicketScore> => {
    const ticket = ticketFromLine(line);
    const language = ticketLanguage(ticket);
    const expected = new Set(line.expectedDocIds);
    const start = now();
    const draft = await input.drafter.draft({ ticket, retriever: input.retriever, chunks: input.chunks, policy, agentName });
    const latencyMs = Math.max(0, now() - start);
    const ranked = (draft.rankedDocIds ?? input.retriever.rankDocuments({ text: ticketQueryText(ticket), language }, 5).map((d) => d.docId)).slice(0, 5);
    const recallAt5 = expected.size > 0 ? ranked.filter((id) => expected.has(id)).length / expected.size : null;
    const cited = draft.citedDocIds;
    const citationPrecision = draft.text !== null && cited.length > 0 ? cited.filter((id) => expected.has(id)).length / cited.length : null;
    const ticketText = [ticket.subject, ...ticket.messages.map((m) => m.text)].join('\n');
    const ground = draft.text !== null ? groundedness(draft.text, draft.citedTexts, ticketText, language) : null;
    return {
      id: line.id,
      slices: { language, ...line.slices },
      recallAt5,
      citationPrecision,
      groundedness: ground?.share ?? null,
      rougeL: draft.text !== null && line.reference ? rougeL(draft.text, line.reference).f1 : null,
      needsHuman: draft.text === null || draft.needsHuman,
      latencyMs,
      costUsd: draft.costUsd,
      tokensIn: draft.tokensIn,
      tokensOut: draft.tokensOut,
      drafter: draft.text === null ? null : (draft.source ?? 'template'),
      modelAttempted: draft.modelAttempted ?? false,
      fallback: draft.fallback?.kind ?? null,
      ...(draft.fallback ? { fallbackMessage: draft.fallback.message } : {}),
      modelGroundedness: draft.modelGroundedness ?? null,
      retrieval: draft.retrieval ?? 'lexical',
      citedDocIds: cited,
      ungrounded: ground?.ungrounded ?? [],
    };
  });
  const slices: Record<string, Record<string, SetMetrics>> = {};
  const keys = [...new Set(scores.flatMap((s) => Object.keys(s.slices)))].sort();
  for (const key of keys) {
    const values = [...new Set(scores.map((s) => s.slices[key]).filter((v): v is string => v !== undefined))].sort();
    slices[key] = Object.fromEntries(values.map((v) => [v, aggregate(scores.filter((s) => s.slices[key] === v))]));
  }
  return {
    schema: 1,
    set: input.setName,
    sha256: input.sha256,
    variant: input.variant ?? input.drafter.id,
    kbDocs: input.kbDocs,
    ...(input.retrieval ? { retrieval: input.retrieval } : {}),
    ...(input.model !== undefined ? { model: input.model } : {}),
    overall: aggregate(scores),
    slices,
    tickets: scores,
  };
}
