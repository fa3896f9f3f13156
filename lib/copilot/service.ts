import type { CopilotDb, DraftRecord } from '../db';
import { insertableText } from '../drafting/insertable';
import { TEMPLATE_PROMPT_VERSION } from '../drafting/template-drafter';
import { editRatio } from '../feedback/edit-ratio';
import type { CopilotEvent, DiscardReason, NewEvent } from '../feedback/events';
import { eventsOfTicket, recordEvent } from '../feedback/recorder';
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

export { RETRIEVAL_K } from './pipeline';
export const TEMPLATE_VARIANT = 'template';

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
  now?(): number;
  newId?(): string;
}

export interface ActionResult {
  ok: boolean;
  message?: string;
  file?: { name: string; content: string };
}

type Listener = (tabId: number) => void;

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
  private readonly drafting = new Map<number, Promise<void>>();
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
    return recordEvent(this.deps.db, event, { agentId: agent.agentId, now: new Date(this.now()), newId: () => this.newId() });
  }

  private eventBase(draft: DraftRecord) {
    return {
      draftId: draft.draftId,
      ticketKey: draft.ticketKey,
      helpdesk: draft.helpdesk,
      pilotId: null,
      cohort: null,
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
      if (!previous.draftId && !previous.dismissed) await this.draftFor(tabId);
      return;
    }
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

  private draftFor(tabId: number, parent?: DraftRecord): Promise<void> {
    const running = this.drafting.get(tabId);
    if (running && !parent) return running;
    const job = this.makeDraft(tabId, parent).finally(() => {
      if (this.drafting.get(tabId) === job) this.drafting.delete(tabId);
    });
    this.drafting.set(tabId, job);
    return job;
  }

  private async makeDraft(tabId: number, parent?: DraftRecord): Promise<void> {
    const state = await this.deps.tabs.get(tabId);
    const ticket = state?.ticket;
    if (!state || !ticket || !state.ticketKey) return;
    const started = this.now();
    try {
      const kb = await this.currentKb();
      const agent = await this.deps.getAgent();
      const earlier = parent ? await this.deps.db.drafts.where('ticketKey').equals(state.ticketKey).toArray() : [];
      const exclude = new Set(earlier.flatMap((d) => d.sources.filter((s) => s.kind === 'macro').map((s) => s.docId)));
      const { assessment, draft: result } = runPipeline({
        ticket,
        retriever: kb.retriever,
        policy: (await this.deps.getPolicy?.()) ?? DEFAULT_POLICY,
        disabledPii: (await this.deps.getDisabledPii?.()) ?? [],
        agentName: agent.displayName || FALLBACK_AGENT_NAME,
        excludeDocIds: exclude,
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
      const record: DraftRecord = {
        draftId: this.newId(),
        ...(parent ? { parentDraftId: parent.draftId } : {}),
        text: result.text,
        citations: result.citations,
        sources: result.sources,
        confidence: result.confidence,
        needsHuman: result.needsHuman,
        policy: assessment.policy.mode,
        policyReasons: assessment.policy.reasons,
        injection: assessment.injection,
        outbound: assessment.outbound,
        variant: TEMPLATE_VARIANT,
        promptVersion: TEMPLATE_PROMPT_VERSION,
        kbVersion: kb.kbVersion,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        latencyMs: this.now() - started,
        language: result.language,
        ticketKey: state.ticketKey,
        helpdesk: ticket.helpdesk,
        tabId,
        readAt: parent ? started : state.readAt,
        createdAt: this.now(),
      };
      await this.deps.db.drafts.put(record);
      // The agent may have moved on while we drafted: only attach the draft to the same ticket.
      const current = await this.deps.tabs.get(tabId);
      if (current?.ticketKey !== state.ticketKey) return;
      await this.deps.tabs.set(tabId, { ...current, draftId: record.draftId, dismissed: false, sent: false, error: null, noAi: null });
    } catch (error) {
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
    const base = { tabId, kb: kbState, agentId: agent.agentId, ticket: null, draft: null, message: null };
    if (tabId === null) return { ...base, status: 'no-tab' };
    const state = await this.deps.tabs.get(tabId);
    if (!state) return { ...base, ...(await this.unheardTab(tabId)) };
    if (!state.ticket) return { ...base, status: 'no-ticket', message: state.noTicket };
    if (state.noAi) return { ...base, status: 'no-ai', ticket: state.ticket, message: state.noAi };
    const record = state.draftId ? await this.deps.db.drafts.get(state.draftId) : undefined;
    const draft = record ? toPanelDraft(record) : null;
    let status: PanelState['status'] = draft ? 'ready' : kb ? 'drafting' : 'indexing';
    let message: string | null = null;
    if (state.error) {
      status = 'error';
      message = state.error;
    } else if (!draft && state.dismissed) {
      status = 'ready';
      message = 'Draft dismissed. Press “Draft again” for a new one.';
    }
    return { ...base, status, ticket: state.ticket, draft, message };
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
    if (state?.ticket && !state.draftId && !state.dismissed && !state.noAi) await this.draftFor(tabId);
  }

  async handlePanel(request: Exclude<PanelRequest, { type: 'subscribe' }>, tabId: number | null): Promise<ActionResult> {
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
      case 'snapshot':
        if (tabId === null) return { ok: false, message: 'Open the helpdesk page to snapshot first.' };
        return this.snapshot(tabId);
    }
  }

  private async draftOrFail(draftId: string): Promise<DraftRecord | ActionResult> {
    const draft = await this.deps.db.drafts.get(draftId);
    return draft ?? { ok: false, message: 'That draft is no longer available. Press Regenerate for a new one.' };
  }

  /** The panel rendered the draft's first text while visible. Written once per draft. */
  async shown(draftId: string, shownAt: number): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    const already = await this.deps.db.events.where('draftId').equals(draftId).filter((e) => e.type === 'shown').count();
    if (already > 0) return { ok: true };
    await this.record({
      ...this.eventBase(draft),
      type: 'shown',
      payload: {
        latencyMs: Math.max(0, shownAt - draft.readAt),
        confidence: { score: draft.confidence.score, level: draft.confidence.level },
        policy: draft.policy,
        injectionSuspected: draft.injection.suspected,
        model: draft.model ?? null,
        promptVersion: draft.promptVersion,
        kbVersion: draft.kbVersion,
        tokensIn: draft.tokensIn,
        tokensOut: draft.tokensOut,
        costUsd: draft.costUsd,
        cacheHit: false,
        ...(draft.error ? { error: draft.error } : {}),
      },
    });
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
    if (draft.tabId === null) return { ok: false, message: 'This draft is not tied to an open tab.' };
    const tabId = draft.tabId;
    const state = await this.deps.tabs.get(tabId);
    if (!state || state.ticketKey !== draft.ticketKey) {
      return { ok: false, message: 'The tab shows another ticket now; its own draft is on the way.' };
    }
    const wasOpen = await this.isOpen(draftId);
    await this.draftFor(tabId, draft);
    const after = await this.deps.tabs.get(tabId);
    if (!after?.draftId || after.draftId === draftId) return { ok: false, message: after?.error ?? 'No new draft could be made.' };
    if (wasOpen) {
      await this.record({ ...this.eventBase(draft), type: 'regenerated', payload: { newDraftId: after.draftId } });
      await this.discardIfOpen(draftId, 'superseded');
    }
    return { ok: true };
  }

  async dismiss(draftId: string): Promise<ActionResult> {
    const draft = await this.draftOrFail(draftId);
    if (!('draftId' in draft)) return draft;
    await this.discardIfOpen(draftId, 'agent');
    if (draft.tabId !== null) {
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
