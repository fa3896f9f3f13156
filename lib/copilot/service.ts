import type { CopilotDb, DraftRecord } from '../db';
import { insertableText } from '../drafting/insertable';
import { TEMPLATE_PROMPT_VERSION } from '../drafting/template-drafter';
import { editRatio } from '../feedback/edit-ratio';
import type { CopilotEvent, DiscardReason, NewEvent } from '../feedback/events';
import { eventsOfTicket, recordEvent } from '../feedback/recorder';
import { EventStorageFullError } from '../feedback/storage-errors';
import { ensureSampleKb, kbVersion, loadKb, type LoadedKb } from '../kb/store';
import type { KbDoc } from '../kb/schema';
import type { BackgroundToContent, ContentReply, NoTicketReason, PanelRequest, PanelState } from '../messages';
import { FALLBACK_AGENT_NAME, type AgentSettings } from '../settings';
import type { ReasonCode } from '../testids';
import { ticketKeyOf, type Ticket } from '../ticket/schema';
import type { EntityType } from '../guard/entities';
import { DEFAULT_POLICY, type PolicyFile } from '../guard/policy';
import { runPipeline } from './pipeline';
import type { TabState, TabStore } from './tab-store';
import type { ModelClient } from '../drafting/model-client';
import type { RewriteKind } from '../drafting/prompt';
import { PRESETS, withinMonthlyCap, type OutputMode, type ProviderSettings } from '../drafting/provider-settings';
import { draftWithModel, type AnswerCache, type ModelStepResult } from './model-step';
import { embedQuery, type Embedder } from '../retrieval/embeddings';
import { loadVectorIndex } from '../kb/embedding-store';
import type { SemanticQuery } from '../retrieval/retriever';
import type { VectorIndex } from '../retrieval/vector-index';
import { guardTicket } from '../guard/guard-ticket';
import { decidePolicy } from '../guard/policy';
import { ticketLanguage, ticketQueryText } from '../drafting/ticket-query';
import type { PilotAssignment } from '../pilot/assign';
import type { Variant } from '../pilot/config';
import { shadowSimilarity } from '../pilot/shadow';

/** The pilot arm an agent (or ticket) is in while a pilot runs. */
export interface PilotArm {
  assignment: PilotAssignment;
  variant: Variant;
  shadow: boolean;
}

export { RETRIEVAL_K } from './pipeline';
export const TEMPLATE_VARIANT = 'template';
export const MODEL_VARIANT = 'model';
/** How much of a ticket's (masked) query text a draft keeps for the drift check. */
export const DRIFT_TEXT_CHARS = 2_000;

/** Start of the calendar month (local time) that `now` falls in: the monthly cap counts from here. */
export function monthStart(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/** The banner sentence for a draft the model could not make. */
export function fallbackMessage(kind: string, detail: string): string {
  if (kind === 'cap') return `${detail} This draft comes from the templates instead.`;
  return `The model could not draft this reply: ${detail} This is the template draft instead.`;
}


const HELPDESK_NAMES: Record<string, string> = {
  zendesk: 'Zendesk',
  freshdesk: 'Freshdesk',
  helpscout: 'Help Scout',
  intercom: 'Intercom',
  front: 'Front',
  gmail: 'Gmail',
  zammad: 'Zammad',
  freescout: 'FreeScout',
  tidydesk: 'Tidydesk',
};

/** A sentence that says why a page gave no ticket and what to do about it. */
export function explainNoTicket(reason: NoTicketReason | undefined): string {
  if (!reason) return 'No ticket is open on this page. Open a ticket in your helpdesk.';
  const name = HELPDESK_NAMES[reason.adapter];
  switch (reason.code) {
    case 'not-a-ticket':
      return `This ${name ?? 'helpdesk'} page is not a ticket (a list, a dashboard or settings). Open a ticket and the copilot will read it.`;
    case 'no-conversation':
      return 'No conversation with a reply box was found on this page. Open a ticket with its reply editor; if this is a helpdesk the copilot does not know, its generic reader needs a visible conversation and a text box.';
    case 'extract-failed':
      return `Reading this ${name ? `${name} ` : ''}page failed${reason.detail ? ` (${reason.detail})` : ''}. Reload the page; if it keeps failing, use "Save page snapshot" and report it, or set selector overrides in Options.`;
  }
}

/** What the browser knows of a tab the copilot has not heard from. */
export interface TabInfo {
  /** Undefined when the extension may not see the tab's address (not enabled on that site). */
  url?: string;
}

export interface CopilotDeps {
  db: CopilotDb;
  tabs: TabStore;
  getAgent(): Promise<AgentSettings>;
  loadSampleKb(): Promise<readonly KbDoc[]>;
  sendToTab(tabId: number, message: BackgroundToContent): Promise<ContentReply>;
  describeTab?(tabId: number): Promise<TabInfo | null>;
  getPolicy?(): Promise<PolicyFile>;
  getDisabledPii?(): Promise<EntityType[]>;
  /** The model provider settings (key included; the background only), or null for the template drafter. */
  getProvider?(): Promise<ProviderSettings | null>;
  /** An SDK client for the settings (the platform sets browser-specific options). */
  createModelClient?(settings: ProviderSettings): ModelClient;
  /** The running pilot's arm for this agent (and ticket, for ticket-unit pilots); null outside a pilot. */
  getPilotArm?(input: { agentId: string; ticketKey?: string; now: Date }): Promise<PilotArm | null>;
  /** An embeddings client for the settings (absent: lexical retrieval only). */
  createEmbedder?(settings: ProviderSettings): Embedder;
  /** The model-answer cache (absent: no caching). */
  answerCache?: AnswerCache;
  now?(): number;
  newId?(): string;
}

export interface ActionResult {
  ok: boolean;
  message?: string;
  file?: { name: string; content: string };
}

type Listener = (tabId: number) => void;
type StreamListener = (tabId: number, text: string) => void;

interface DraftJob {
  ticketKey: string;
  controller: AbortController;
  promise: Promise<void>;
}

/** What the side panel needs of a stored draft: everything but the worker's bookkeeping. */
function toPanelDraft(record: DraftRecord): PanelState['draft'] {
  const { tabId, readAt, helpdesk, ...draft } = record;
  void tabId;
  void readAt;
  void helpdesk;
  return draft;
}

const EMPTY_TAB: TabState = {
  noTicket: null,
  noAi: null,
  ticket: null,
  ticketKey: null,
  readAt: 0,
  draftId: null,
  dismissed: false,
  sent: false,
  error: null,
  awaitingRequest: false,
  requested: false,
  shadowDraftId: null,
};

/**
 * The background's pipeline, framework-free: read ticket → retrieve → draft → check → score →
 * record. The background entrypoint only wires browser events to these methods. Every event is
 * in Dexie before the method resolves, so the UI never shows an effect that was not recorded.
 */
export class CopilotService {
  private kb: Promise<LoadedKb> | null = null;
  private kbInfo: LoadedKb | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly drafting = new Map<number, DraftJob>();
  private readonly streamListeners = new Set<StreamListener>();
  private readonly busyListeners = new Set<(open: number) => void>();
  private readonly streams = new Map<number, { draftKey: string; text: string; firstTextAt: number | null }>();
  private openRequests = 0;
  private client: { key: string; client: ModelClient } | null = null;
  private readonly modeMemo = new Map<string, OutputMode>();
  private vectors: { key: string; index: VectorIndex } | null = null;
  /** The message of the last failed event write because storage is full (null once writes succeed). */
  private storageFull: string | null = null;
  private followedTabId: number | null = null;
  private readonly readQueues = new Map<number, Promise<void>>();

  constructor(private readonly deps: CopilotDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private newId(): string {
    return this.deps.newId?.() ?? crypto.randomUUID();
  }

  /** Install the sample KB on first run and load the index (from its snapshot when current). */
  ready(): Promise<LoadedKb> {
    if (!this.kb) {
      this.kb = (async () => {
        await ensureSampleKb(this.deps.db, this.deps.loadSampleKb);
        const loaded = await loadKb(this.deps.db);
        this.kbInfo = loaded;
        return loaded;
      })();
      this.kb.catch(() => {
        this.kb = null;
      });
    }
    return this.kb;
  }

  /**
   * The loaded KB, reloaded when another page (Options → Knowledge base) changed it since: the
   * version in Dexie is the truth, so an import is used by the very next draft.
   */
  async currentKb(): Promise<LoadedKb> {
    const loaded = await this.ready();
    const stored = await kbVersion(this.deps.db);
    if (stored === loaded.kbVersion) return loaded;
    this.kb = loadKb(this.deps.db).then((fresh) => {
      this.kbInfo = fresh;
      return fresh;
    });
    this.kb.catch(() => {
      this.kb = null;
    });
    return this.kb;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(tabId: number): void {
    for (const l of this.listeners) l(tabId);
  }

  /** Streamed text of a model draft as it arrives, per tab. */
  onStream(listener: StreamListener): () => void {
    this.streamListeners.add(listener);
    return () => this.streamListeners.delete(listener);
  }

  /** The number of model requests in flight changed (the worker keeps itself alive while it is above 0). */
  onBusy(listener: (open: number) => void): () => void {
    this.busyListeners.add(listener);
    return () => this.busyListeners.delete(listener);
  }

  get modelRequestsOpen(): number {
    return this.openRequests;
  }

  private setBusy(delta: number): void {
    this.openRequests += delta;
    for (const l of this.busyListeners) l(this.openRequests);
  }

  private modelClient(settings: ProviderSettings): ModelClient | null {
    if (!this.deps.createModelClient) return null;
    const key = JSON.stringify(settings);
    if (this.client?.key !== key) this.client = { key, client: this.deps.createModelClient(settings) };
    return this.client.client;
  }

  /** Forget the loaded KB vectors (after an embedding run in Options). */
  dropVectors(): void {
    this.vectors = null;
  }

  /**
   * The query vector for hybrid retrieval, from the guard's masked query text (an embeddings call
   * leaves the browser too). Null when embeddings are off, the KB has no vectors for the model, or
   * the call fails: retrieval is then lexical, as without embeddings.
   */
  private async semanticQuery(provider: ProviderSettings, kbVersion: number, masked: Ticket, signal: AbortSignal): Promise<SemanticQuery | null> {
    if (!provider.embeddingsEnabled || !provider.embeddingModel || !this.deps.createEmbedder) return null;
    const key = `${provider.embeddingModel}\u0000${kbVersion}`;
    if (this.vectors?.key !== key) {
      const loaded = await loadVectorIndex(this.deps.db, provider.embeddingModel, await this.deps.db.kbChunks.toArray());
      this.vectors = { key, index: loaded.index };
    }
    const index = this.vectors.index;
    if (index.size === 0) return null;
    try {
      return { index, vector: await embedQuery(this.deps.createEmbedder(provider), ticketQueryText(masked), signal) };
    } catch {
      return null;
    }
  }

  /** Model spend recorded on drafts since the start of this month. */
  async monthSpend(): Promise<number> {
    const drafts = await this.deps.db.drafts.where('createdAt').aboveOrEqual(monthStart(this.now())).toArray();
    return drafts.reduce((sum, d) => sum + (d.costUsd || 0), 0);
  }

  /** The helpdesk tab the agent used last: what an unpinned side panel follows. */
  get followedTab(): number | null {
    return this.followedTabId;
  }

  private async follow(tabId: number | null): Promise<void> {
    this.followedTabId = tabId;
    await this.deps.tabs.setFollowed(tabId);
  }

  /** After a worker restart, pick up the tab the panel followed. */
  async restoreFollowed(): Promise<void> {
    if (this.followedTabId === null) this.followedTabId = await this.deps.tabs.getFollowed();
  }

  async focusTab(tabId: number): Promise<void> {
    const state = await this.deps.tabs.get(tabId);
    if (state && this.followedTabId !== tabId) {
      await this.follow(tabId);
      this.changed(tabId);
    }
  }

  async tabClosed(tabId: number): Promise<void> {
    await this.deps.tabs.delete(tabId);
    if (this.followedTabId === tabId) await this.follow(null);
  }

  private async record(event: NewEvent): Promise<CopilotEvent> {
    const agent = await this.deps.getAgent();
    try {
      const recorded = await recordEvent(this.deps.db, event, { agentId: agent.agentId, now: new Date(this.now()), newId: () => this.newId() });
      if (this.storageFull !== null) {
        this.storageFull = null;
        this.changedAll();
      }
      return recorded;
    } catch (error) {
      // A full disk: older events are kept; every panel says so until a write succeeds again.
      if (error instanceof EventStorageFullError) {
        this.storageFull = error.message;
        this.changedAll();
      }
      throw error;
    }
  }

  private changedAll(): void {
    if (this.followedTabId !== null) this.changed(this.followedTabId);
  }

  private eventBase(draft: DraftRecord) {
    return {
      draftId: draft.draftId,
      ticketKey: draft.ticketKey,
      helpdesk: draft.helpdesk,
      pilotId: draft.pilotId ?? null,
      cohort: draft.cohort ?? null,
      variant: draft.variant,
    };
  }

  // ── content script ──────────────────────────────────────────────────────────────────────────

  /** The content script read its page: a ticket, or none. */
  /**
   * Reads of one tab are applied one after another, in the order they arrive: two reads in quick
   * succession (a page still loading, then the ticket) must not overtake each other. A read older
   * than the one already applied is ignored.
   */
  ticketRead(tabId: number, ticket: Ticket | null, readAt: number, active = true, reason?: NoTicketReason): Promise<void> {
    // Another ticket in this tab: stop a model request for the old one now, not after it finishes.
    const job = this.drafting.get(tabId);
    if (job?.ticketKey && job.ticketKey !== (ticket ? ticketKeyOf(ticket) : null)) this.abortDraft(tabId);
    const before = this.readQueues.get(tabId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.applyTicketRead(tabId, ticket, readAt, active, reason));
    const settled = run.catch(() => undefined);
    this.readQueues.set(tabId, settled);
    void settled.then(() => {
      if (this.readQueues.get(tabId) === settled) this.readQueues.delete(tabId);
    });
    return run;
  }

  private async applyTicketRead(tabId: number, ticket: Ticket | null, readAt: number, active: boolean, reason?: NoTicketReason): Promise<void> {
    const previous = (await this.deps.tabs.get(tabId)) ?? EMPTY_TAB;
    if (previous.readAt > readAt) return;
    const key = ticket ? ticketKeyOf(ticket) : null;
    if (active && this.followedTabId !== tabId) await this.follow(tabId);
    if (key && key === previous.ticketKey) {
      // Same ticket read again (a new message arrived, the page re-rendered): keep the draft.
      await this.deps.tabs.set(tabId, { ...previous, ticket });
      this.changed(tabId);
      if (!previous.draftId && !previous.shadowDraftId && !previous.dismissed) await this.draftFor(tabId);
      return;
    }
    this.abortDraft(tabId);
    if (previous.draftId) await this.discardIfOpen(previous.draftId, 'ticket-changed');
    await this.deps.tabs.set(tabId, {
      ...EMPTY_TAB,
      ticket,
      ticketKey: key,
      readAt,
      noTicket: ticket ? null : explainNoTicket(reason),
    });
    this.changed(tabId);
    if (ticket) await this.draftFor(tabId);
  }

  /** The helpdesk sent a reply on a ticket: attribute it to the draft that was used, else the one shown. */
  async replySent(tabId: number, ticketKey: string, text: string): Promise<CopilotEvent | null> {
    const agent = await this.deps.getAgent();
    const events = (await eventsOfTicket(this.deps.db, ticketKey)).filter((e) => e.agentId === agent.agentId);
    // A draft already sent answered an earlier reply; this one belongs to a draft still open.
    const alreadySent = new Set(events.filter((e) => e.type === 'sent').map((e) => e.draftId));
    const open = events.filter((e) => !alreadySent.has(e.draftId));
    const lastUsed = open.filter((e) => e.type === 'inserted' || e.type === 'copied').at(-1);
    const lastShown = open.filter((e) => e.type === 'shown').at(-1);
    const target = lastUsed ?? lastShown;
    // Shadow mode: how close the unseen draft came to what the agent sent (once per shadow draft).
    const measured = new Set(events.filter((e) => e.type === 'shadow' && e.payload.similarity !== undefined).map((e) => e.draftId));
    const shadowEvent = events.filter((e) => e.type === 'shadow' && !measured.has(e.draftId)).at(-1);
    const shadowDraft = shadowEvent ? await this.deps.db.drafts.get(shadowEvent.draftId) : undefined;
    if (shadowDraft) {
      await this.record({
        ...this.eventBase(shadowDraft),
        type: 'shadow',
        payload: { similarity: Math.round(shadowSimilarity(insertableText(shadowDraft.text), text) * 1000) / 1000 },
      });
    }
    const state = await this.deps.tabs.get(tabId);
    if (state && state.ticketKey === ticketKey) {
      await this.deps.tabs.set(tabId, { ...state, sent: true });
      this.changed(tabId);
    }
    if (!target) return null;
    const draft = await this.deps.db.drafts.get(target.draftId);
    if (!draft) return null;
    const used = Boolean(lastUsed);
    return this.record({
      ...this.eventBase(draft),
      type: 'sent',
      payload: { used, editRatio: used ? editRatio(insertableText(draft.text), text) : null, text },
    });
  }

  // ── drafting ────────────────────────────────────────────────────────────────────────────────

  /** Stop a model request running for a tab (ticket switch, Regenerate, a rewrite, Dismiss). */
  private abortDraft(tabId: number): void {
    const job = this.drafting.get(tabId);
    if (!job) return;
    job.controller.abort();
    this.drafting.delete(tabId);
    if (this.streams.delete(tabId)) this.changed(tabId);
  }

  private draftFor(tabId: number, parent?: DraftRecord, rewrite?: RewriteKind): Promise<void> {
    const running = this.drafting.get(tabId);
    if (running && !parent) return running.promise;
    if (running) this.abortDraft(tabId);
    const controller = new AbortController();
    const job: DraftJob = { ticketKey: '', controller, promise: Promise.resolve() };
    job.promise = this.makeDraft(tabId, job, parent, rewrite).finally(() => {
      if (this.drafting.get(tabId) === job) this.drafting.delete(tabId);
    });
    this.drafting.set(tabId, job);
    return job.promise;
  }

  private streamed(tabId: number, draftKey: string, text: string): void {
    const stream = this.streams.get(tabId);
    if (!stream || stream.draftKey !== draftKey) return;
    stream.text = text;
    if (stream.firstTextAt === null && text.trim()) stream.firstTextAt = this.now();
    for (const l of this.streamListeners) l(tabId, text);
  }

  private async makeDraft(tabId: number, job: DraftJob, parent?: DraftRecord, rewrite?: RewriteKind): Promise<void> {
    const signal = job.controller.signal;
    const state = await this.deps.tabs.get(tabId);
    const ticket = state?.ticket;
    if (!state || !ticket || !state.ticketKey) return;
    job.ticketKey = state.ticketKey;
    const started = this.now();
    try {
      const kb = await this.currentKb();
      const agent = await this.deps.getAgent();
      const pilot = (await this.deps.getPilotArm?.({ agentId: agent.agentId, ticketKey: state.ticketKey, now: new Date(started) }).catch(() => null)) ?? null;
      const arm = pilot?.variant;
      const shadow = Boolean(pilot?.shadow);
      const stored = (await this.deps.getProvider?.()) ?? null;
      // A pilot arm picks the drafter (and may name the model); outside a pilot the settings decide.
      const provider = arm?.drafter === 'template' ? null : stored && arm?.model ? { ...stored, model: arm.model } : stored;
      const earlier = parent && !rewrite ? await this.deps.db.drafts.where('ticketKey').equals(state.ticketKey).toArray() : [];
      const exclude = new Set(earlier.flatMap((d) => d.sources.filter((s) => s.kind === 'macro').map((s) => s.docId)));
      const disabledPii = (await this.deps.getDisabledPii?.()) ?? [];
      const policy = (await this.deps.getPolicy?.()) ?? DEFAULT_POLICY;
      // Whether this ticket may reach a model at all decides the on-request wait and any embeddings call.
      const decision = decidePolicy(ticket, policy, ticketLanguage(ticket));
      const modelAllowed = provider !== null && this.deps.createModelClient !== undefined && (decision.mode === 'draft' || decision.mode === 'review');
      // Masked once for everything that follows: retrieval's query embedding, the outbound preview, the model, the drift check.
      const guarded = decision.mode === 'no-ai' ? null : guardTicket(ticket, { disabled: [...disabledPii] });
      // Shadow drafts are made unasked: nobody sees them, so there is no button to press.
      if (provider && modelAllowed && provider.draftMode === 'on-request' && !state.requested && !parent && !shadow) {
        const current = await this.deps.tabs.get(tabId);
        if (current?.ticketKey === state.ticketKey) await this.deps.tabs.set(tabId, { ...current, awaitingRequest: true, error: null });
        this.changed(tabId);
        return;
      }
      const semantic =
        provider && modelAllowed && guarded && arm?.retrieval?.hybrid !== false ? await this.semanticQuery(provider, kb.kbVersion, guarded.ticket, signal) : null;
      if (signal.aborted) return;
      const { assessment, draft: result, retrieved, language } = runPipeline({
        ticket,
        retriever: kb.retriever,
        policy,
        disabledPii,
        agentName: agent.displayName || FALLBACK_AGENT_NAME,
        excludeDocIds: exclude,
        modelConfigured: provider !== null,
        semantic,
        decision,
        ...(guarded ? { masked: guarded.ticket } : {}),
        ...(arm?.retrieval ? { k: arm.retrieval.k } : {}),
      });
      if (!result) {
        const current = await this.deps.tabs.get(tabId);
        if (current?.ticketKey === state.ticketKey) {
          await this.deps.tabs.set(tabId, {
            ...current,
            draftId: null,
            noAi: `${assessment.policy.reasons[0] ?? 'A no-AI policy applies.'} Handle this ticket personally: the copilot makes no draft for it.`,
          });
        }
        this.changed(tabId);
        return;
      }
      const client = provider && modelAllowed && assessment.policy.mode !== 'template-only' ? this.modelClient(provider) : null;

      let model: ModelStepResult | null = null;
      let fallback: { kind: string; message: string } | undefined;
      if (arm?.drafter === 'model' && !stored && assessment.policy.mode !== 'template-only') {
        fallback = {
          kind: 'not-configured',
          message: `Your pilot arm (${arm.id}) drafts with a model, but no model is set up: this draft comes from the templates. Set one up in Options → Model.`,
        };
      }
      if (provider && client) {
        const spent = await this.monthSpend();
        if (!withinMonthlyCap(provider, spent)) {
          const cap = provider.monthlyCapUsd ?? 0;
          fallback = {
            kind: 'cap',
            message: fallbackMessage(
              'cap',
              `This month's model budget of US$${cap.toFixed(2)} is used up (US$${spent.toFixed(2)} spent), so nothing was sent. Raise the cap in Options → Model, or wait until next month.`,
            ),
          };
        } else {
          const draftKey = `${state.ticketKey}:${started}`;
          // A shadow draft is never shown, not even while it streams.
          if (!shadow) {
            this.streams.set(tabId, { draftKey, text: '', firstTextAt: null });
            this.changed(tabId);
          }
          this.setBusy(1);
          try {
            model = await draftWithModel({
              ticket,
              language,
              retrieved,
              kbVersion: kb.kbVersion,
              settings: provider,
              client,
              disabledPii,
              injectionSuspected: assessment.injection.suspected,
              signal,
              onText: (text) => this.streamed(tabId, draftKey, text),
              ...(rewrite && parent ? { rewrite: { kind: rewrite, text: parent.text } } : {}),
              ...(this.deps.answerCache ? { cache: this.deps.answerCache } : {}),
              // Regenerate wants another answer, not the same one again.
              skipCacheRead: Boolean(parent && !rewrite),
              modeMemo: this.modeMemo,
              ...(guarded ? { guarded } : {}),
            });
          } finally {
            this.setBusy(-1);
          }
          if (signal.aborted) return;
          if (!model.ok && model.error.kind !== 'aborted') fallback = { kind: model.error.kind, message: fallbackMessage(model.error.kind, model.error.message) };
          if (!model.ok && model.error.kind === 'aborted') return;
        }
      }
      if (signal.aborted) return;
      const stream = this.streams.get(tabId);
      this.streams.delete(tabId);

      const common = {
        draftId: this.newId(),
        ...(parent ? { parentDraftId: parent.draftId } : {}),
        ...(rewrite ? { rewrite } : {}),
        policy: assessment.policy.mode,
        policyReasons: assessment.policy.reasons,
        injection: assessment.injection,
        kbVersion: kb.kbVersion,
        latencyMs: this.now() - started,
        language: result.language,
        ticketKey: state.ticketKey,
        helpdesk: ticket.helpdesk,
        tabId,
        readAt: parent ? started : state.readAt,
        createdAt: this.now(),
        pilotId: pilot?.assignment.pilotId ?? null,
        cohort: pilot?.assignment.cohort ?? null,
        ...(shadow ? { shadow: true } : {}),
        ...(guarded ? { drift: { text: ticketQueryText(guarded.ticket).slice(0, DRIFT_TEXT_CHARS), coverage: retrieved[0]?.coverage ?? 0 } } : {}),
      };
      const variantOf = (drafter: string) => pilot?.assignment.variant ?? drafter;
      let record: DraftRecord;
      if (model?.ok && provider) {
        const d = model.draft;
        record = {
          ...common,
          text: d.text,
          citations: d.citations,
          sources: d.sources,
          confidence: d.confidence,
          needsHuman: d.needsHuman,
          variant: variantOf(MODEL_VARIANT),
          model: d.model,
          promptVersion: d.promptVersion,
          tokensIn: d.tokensIn,
          tokensOut: d.tokensOut,
          costUsd: d.costUsd,
          cacheHit: d.cacheHit,
          groundedness: d.groundedness,
          ...(stream?.firstTextAt ? { firstTextAt: stream.firstTextAt } : {}),
          outbound: {
            text: d.outbound,
            sent: !d.cacheHit,
            note: d.cacheHit
              ? 'Nothing was sent for this draft: the same ticket, knowledge base and settings were answered before, and that answer was reused. Below is what the model received then, masked.'
              : `This masked text went to ${PRESETS[provider.preset].label} (${provider.model}) with the prompt's rules. Personal data was replaced by placeholders and filled back only in this browser; secrets were removed for good.`,
          },
        };
      } else {
        const spend = model && !model.ok ? model.usage : { tokensIn: 0, tokensOut: 0, costUsd: 0 };
        const sent = Boolean(model && !model.ok && model.sent);
        record = {
          ...common,
          text: result.text,
          citations: result.citations,
          sources: result.sources,
          confidence: result.confidence,
          needsHuman: result.needsHuman,
          variant: variantOf(TEMPLATE_VARIANT),
          promptVersion: TEMPLATE_PROMPT_VERSION,
          tokensIn: spend.tokensIn,
          tokensOut: spend.tokensOut,
          costUsd: spend.costUsd,
          cacheHit: false,
          ...(fallback ? { fallback, error: fallback.kind } : {}),
          outbound: sent
            ? { ...assessment.outbound, sent: true, note: 'This masked text was sent to the model, which could not deliver a draft; the draft below was made in this browser.' }
            : assessment.outbound,
        };
      }
      await this.deps.db.drafts.put(record);
      if (shadow) {
        // Recorded, never shown: the `shadow` event carries what `shown` would have.
        await this.record({ ...this.eventBase(record), type: 'shadow', payload: this.shownPayload(record, record.createdAt) });
        const current = await this.deps.tabs.get(tabId);
        if (current?.ticketKey === state.ticketKey) {
          await this.deps.tabs.set(tabId, { ...current, shadowDraftId: record.draftId, draftId: null, error: null, noAi: null, awaitingRequest: false });
        }
        this.changed(tabId);
        return;
      }
      // The agent may have moved on while we drafted: only attach the draft to the same ticket.
      const current = await this.deps.tabs.get(tabId);
      if (current?.ticketKey !== state.ticketKey) return;
      await this.deps.tabs.set(tabId, { ...current, draftId: record.draftId, dismissed: false, sent: false, error: null, noAi: null, awaitingRequest: false });
    } catch (error) {
      this.streams.delete(tabId);
      if (signal.aborted) return;
      const current = await this.deps.tabs.get(tabId);
      if (current) {
        await this.deps.tabs.set(tabId, {
          ...current,
          error: `The draft could not be made: ${error instanceof Error ? error.message : String(error)}. Press Regenerate to try again.`,
        });
      }
    }
    this.changed(tabId);
  }

  private async isOpen(draftId: string): Promise<boolean> {
    const events = await this.deps.db.events.where('draftId').equals(draftId).toArray();
    const shown = events.some((e) => e.type === 'shown');
    const closed = events.some((e) => e.type === 'sent' || e.type === 'discarded');
    return shown && !closed;
  }

  /** Record that a shown draft went away unsent. Drafts never shown have no outcome to close. */
  private async discardIfOpen(draftId: string, reason: DiscardReason): Promise<void> {
    if (!(await this.isOpen(draftId))) return;
    const draft = await this.deps.db.drafts.get(draftId);
    if (!draft) return;
    await this.record({ ...this.eventBase(draft), type: 'discarded', payload: { reason } });
  }

  // ── side panel ──────────────────────────────────────────────────────────────────────────────

  async panelState(tabId: number | null): Promise<PanelState> {
    const agent = await this.deps.getAgent();
    const kb = this.kbInfo;
    const kbState = { ready: Boolean(kb), docs: kb?.docs ?? 0, chunks: kb?.chunks ?? 0, version: kb?.kbVersion ?? 0 };
    const provider = (await this.deps.getProvider?.()) ?? null;
    const model = provider && this.deps.createModelClient ? { name: provider.model, draftMode: provider.draftMode } : null;
    const tabState = tabId === null ? undefined : await this.deps.tabs.get(tabId);
    const arm = (await this.deps.getPilotArm?.({ agentId: agent.agentId, ...(tabState?.ticketKey ? { ticketKey: tabState.ticketKey } : {}), now: new Date(this.now()) }).catch(() => null)) ?? null;
    const pilot = arm ? { ...arm.assignment, shadow: arm.shadow } : null;
    const base = { tabId, kb: kbState, agentId: agent.agentId, ticket: null, draft: null, message: null, model, stream: null, pilot };
    if (tabId === null) return { ...base, status: 'no-tab' };
    if (this.storageFull !== null) {
      const state = await this.deps.tabs.get(tabId);
      const record = state?.draftId ? await this.deps.db.drafts.get(state.draftId) : undefined;
      return { ...base, status: 'error', ticket: state?.ticket ?? null, draft: record ? toPanelDraft(record) : null, message: this.storageFull };
    }
    const state = await this.deps.tabs.get(tabId);
    if (!state) return { ...base, ...(await this.unheardTab(tabId)) };
    if (!state.ticket) return { ...base, status: 'no-ticket', message: state.noTicket };
    if (state.noAi) return { ...base, status: 'no-ai', ticket: state.ticket, message: state.noAi };
    const record = state.draftId ? await this.deps.db.drafts.get(state.draftId) : undefined;
    const draft = record ? toPanelDraft(record) : null;
    let status: PanelState['status'] = draft ? 'ready' : kb ? 'drafting' : 'indexing';
    let message: string | null = null;
    const streaming = this.streams.get(tabId);
    const stream = streaming && !draft ? { text: streaming.text } : null;
    if (!draft && !streaming && state.awaitingRequest && !state.error) status = 'on-request';
    if (!draft && (state.shadowDraftId || pilot?.shadow) && !state.error) {
      status = 'shadow';
      message = 'Shadow mode: your team is testing the copilot quietly. A draft was made and recorded for this ticket but is not shown; reply as you normally would.';
    }
    if (state.error) {
      status = 'error';
      message = state.error;
    } else if (!draft && state.dismissed) {
      status = 'ready';
      message = 'Draft dismissed. Press “Draft again” for a new one.';
    }
    return { ...base, status, ticket: state.ticket, draft, message, stream };
  }

  /** A tab whose content script never reported: not enabled there, a browser page, or still loading. */
  private async unheardTab(tabId: number): Promise<Pick<PanelState, 'status' | 'message'>> {
    const info = this.deps.describeTab ? await this.deps.describeTab(tabId).catch(() => null) : null;
    if (info === null) return { status: 'waiting', message: null };
    if (!info.url) {
      return {
        status: 'no-ticket',
        message: 'The copilot is not enabled on this site. If this is your helpdesk, turn it on in Options → Sites, then reload the page.',
      };
    }
    if (!/^https?:/.test(info.url)) return { status: 'no-ticket', message: 'This is a browser page, not a helpdesk. Open a ticket in your helpdesk.' };
    return {
      status: 'waiting',
      message: 'Waiting for the page. If this tab was open before the copilot was installed or enabled here, reload it.',
    };
  }

  /** A panel subscribed to a tab: make sure there is a draft (a restarted worker resumes here). */
  async panelOpened(tabId: number): Promise<void> {
    const state = await this.deps.tabs.get(tabId);
    // An on-request ticket waits for the button, unless the agent already asked (then ask again).
    if (state?.ticket && !state.draftId && !state.shadowDraftId && !state.dismissed && !state.noAi && (!state.awaitingRequest || state.requested)) await this.draftFor(tabId);
  }

  /** The agent pressed "Draft a reply" (on-request mode). */
  async requestDraft(tabId: number): Promise<ActionResult> {
    const state = await this.deps.tabs.get(tabId);
    if (!state?.ticket) return { ok: false, message: 'This tab shows no ticket. Open a ticket in your helpdesk.' };
    await this.deps.tabs.set(tabId, { ...state, requested: true, awaitingRequest: false, dismissed: false, error: null });
    this.changed(tabId);
    await this.draftFor(tabId);
    const after = await this.deps.tabs.get(tabId);
    return after?.draftId ? { ok: true } : { ok: false, message: after?.error ?? 'No draft could be made.' };
  }

  /** A rewrite of the current draft (Shorter, More formal, …): a new draft whose parent is this one. */
  async rewrite(draftId: string, kind: RewriteKind): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    const provider = (await this.deps.getProvider?.()) ?? null;
    if (!provider || !this.deps.createModelClient) return { ok: false, message: 'Rewrites need a model. Set one up in Options → Model.' };
    if (draft.policy === 'template-only') return { ok: false, message: 'A template-only policy keeps this ticket away from models, so it cannot be rewritten.' };
    return this.replaceDraft(draft, kind);
  }

  async handlePanel(request: Exclude<PanelRequest, { type: 'subscribe' }>, tabId: number | null): Promise<ActionResult> {
    try {
      return await this.handlePanelRequest(request, tabId);
    } catch (error) {
      if (error instanceof EventStorageFullError) return { ok: false, message: error.message };
      throw error;
    }
  }

  private async handlePanelRequest(request: Exclude<PanelRequest, { type: 'subscribe' }>, tabId: number | null): Promise<ActionResult> {
    switch (request.type) {
      case 'shown':
        return this.shown(request.draftId, request.shownAt);
      case 'insert':
        return this.insert(request.draftId);
      case 'copied':
        return this.copied(request.draftId);
      case 'regenerate':
        return this.regenerate(request.draftId);
      case 'dismiss':
        return this.dismiss(request.draftId);
      case 'rate':
        return this.rate(request.draftId, request.thumb, request.reasons, request.comment);
      case 'refresh':
        if (tabId === null) return { ok: false, message: 'Open a ticket in your helpdesk first.' };
        return this.refresh(tabId);
      case 'request-draft':
        if (tabId === null) return { ok: false, message: 'Open a ticket in your helpdesk first.' };
        return this.requestDraft(tabId);
      case 'rewrite':
        return this.rewrite(request.draftId, request.kind);
      case 'snapshot':
        if (tabId === null) return { ok: false, message: 'Open the helpdesk page to snapshot first.' };
        return this.snapshot(tabId);
    }
  }

  private async draftOrFail(draftId: string): Promise<DraftRecord | ActionResult> {
    const draft = await this.deps.db.drafts.get(draftId);
    return draft ?? { ok: false, message: 'That draft is no longer available. Press Regenerate for a new one.' };
  }

  /** The `shown` payload of a draft (a `shadow` event carries the same fields). */
  private shownPayload(draft: DraftRecord, shownAt: number) {
    return {
      // Ticket read → first visible text: for a streamed draft, when its first words reached the panel.
      latencyMs: Math.max(0, Math.min(shownAt, draft.firstTextAt ?? shownAt) - draft.readAt),
      confidence: { score: draft.confidence.score, level: draft.confidence.level },
      policy: draft.policy,
      injectionSuspected: draft.injection.suspected,
      model: draft.model ?? null,
      promptVersion: draft.promptVersion,
      kbVersion: draft.kbVersion,
      tokensIn: draft.tokensIn,
      tokensOut: draft.tokensOut,
      costUsd: draft.costUsd,
      cacheHit: draft.cacheHit,
      ...(draft.error ? { error: draft.error } : {}),
    };
  }

  /** The panel rendered the draft's first text while visible. Written once per draft. */
  async shown(draftId: string, shownAt: number): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    const already = await this.deps.db.events.where('draftId').equals(draftId).filter((e) => e.type === 'shown').count();
    if (already > 0) return { ok: true };
    await this.record({ ...this.eventBase(draft), type: 'shown', payload: this.shownPayload(draft, shownAt) });
    return { ok: true };
  }

  async insert(draftId: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    if (draft.tabId === null) return { ok: false, message: 'This draft is not tied to an open tab. Copy it instead.' };
    let reply: ContentReply;
    try {
      reply = await this.deps.sendToTab(draft.tabId, { type: 'editor/insert', ticketKey: draft.ticketKey, text: insertableText(draft.text) });
    } catch {
      return {
        ok: false,
        message: 'The helpdesk tab did not answer. Reload the ticket page, or use Copy and paste the draft yourself.',
      };
    }
    if (!reply.ok) return { ok: false, message: reply.error ?? 'The reply box could not be filled. Use Copy instead.' };
    await this.shown(draftId, this.now());
    await this.record({ ...this.eventBase(draft), type: 'inserted', payload: {} });
    return { ok: true, message: 'Inserted into the reply box. Edit it there, then send.' };
  }

  async copied(draftId: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    await this.shown(draftId, this.now());
    await this.record({ ...this.eventBase(draft), type: 'copied', payload: {} });
    return { ok: true, message: 'Copied. Paste it into the reply box.' };
  }

  async regenerate(draftId: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    return this.replaceDraft(draft);
  }

  /** Regenerate (no `rewrite`) or rewrite a draft: the new draft supersedes it. */
  private async replaceDraft(draft: DraftRecord, rewrite?: RewriteKind): Promise<ActionResult> {
    const draftId = draft.draftId;
    if (draft.tabId === null) return { ok: false, message: 'This draft is not tied to an open tab.' };
    const tabId = draft.tabId;
    const state = await this.deps.tabs.get(tabId);
    if (!state || state.ticketKey !== draft.ticketKey) {
      return { ok: false, message: 'The tab shows another ticket now; its own draft is on the way.' };
    }
    const wasOpen = await this.isOpen(draftId);
    await this.draftFor(tabId, draft, rewrite);
    const after = await this.deps.tabs.get(tabId);
    if (!after?.draftId || after.draftId === draftId) return { ok: false, message: after?.error ?? 'No new draft could be made.' };
    if (wasOpen) {
      await this.record({ ...this.eventBase(draft), type: 'regenerated', payload: { newDraftId: after.draftId, ...(rewrite ? { rewrite } : {}) } });
      await this.discardIfOpen(draftId, 'superseded');
    }
    return { ok: true };
  }

  async dismiss(draftId: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    await this.discardIfOpen(draftId, 'agent');
    if (draft.tabId !== null) {
      this.abortDraft(draft.tabId);
      const state = await this.deps.tabs.get(draft.tabId);
      if (state?.draftId === draftId) {
        await this.deps.tabs.set(draft.tabId, { ...state, draftId: null, dismissed: true });
        this.changed(draft.tabId);
      }
    }
    return { ok: true };
  }

  async rate(draftId: string, thumb: 'up' | 'down', reasons: ReasonCode[], comment?: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    const trimmed = comment?.trim();
    await this.record({
      ...this.eventBase(draft),
      type: 'rated',
      payload: { thumb, reasons, ...(trimmed ? { comment: trimmed } : {}) },
    });
    return { ok: true, message: thumb === 'up' ? 'Thanks — rated helpful.' : 'Thanks — your feedback was recorded.' };
  }

  /** The tab's page with every text character masked: structure for a fixture or a bug report. */
  async snapshot(tabId: number): Promise<ActionResult> {
    let reply: ContentReply;
    try {
      reply = await this.deps.sendToTab(tabId, { type: 'page/snapshot' });
    } catch {
      return { ok: false, message: 'The copilot is not running on this page, so it cannot take a snapshot. Enable it for this site first.' };
    }
    if (!reply.ok || !reply.html) return { ok: false, message: reply.error ?? 'The page could not be snapshotted.' };
    const state = await this.deps.tabs.get(tabId);
    const stamp = new Date(this.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return {
      ok: true,
      message: 'Snapshot saved: the page structure with every letter replaced by x and every digit by 0. Check it before sharing.',
      file: { name: `page-snapshot-${state?.ticket?.helpdesk ?? 'page'}-${stamp}.html`, content: reply.html },
    };
  }

  /** Draft again for the tab's current ticket (after a dismissal or an error). */
  async refresh(tabId: number): Promise<ActionResult> {
    const state = await this.deps.tabs.get(tabId);
    if (!state?.ticket) return { ok: false, message: 'This tab shows no ticket. Open a ticket in your helpdesk.' };
    const current = state.draftId ? await this.deps.db.drafts.get(state.draftId) : undefined;
    if (current) return this.regenerate(current.draftId);
    // After a dismissal, offer something other than what was dismissed.
    const earlier = state.ticketKey ? await this.deps.db.drafts.where('ticketKey').equals(state.ticketKey).sortBy('createdAt') : [];
    await this.deps.tabs.set(tabId, { ...state, dismissed: false, error: null, noAi: null });
    await this.draftFor(tabId, earlier.at(-1));
    return { ok: true };
  }
}
