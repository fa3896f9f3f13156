import { z } from 'zod';
import { TicketSchema } from './ticket/schema';
import { REASON_CODES } from './testids';
import { DraftSchema } from './drafting/schema';
import { ProviderSettingsSchema } from './drafting/provider-settings';
import { REWRITE_KINDS } from './drafting/prompt';

/**
 * The one message contract between the extension's contexts. Everything that arrives from a
 * content script (a page's origin) or a port is parsed with these schemas before it is trusted.
 */

// ── content script → background (runtime.sendMessage) ──────────────────────────────────────────
/** Why a page gave no ticket, so the panel can say what to do. */
export const NoTicketReason = z.object({
  code: z.enum(['not-a-ticket', 'no-conversation', 'extract-failed']),
  /** The adapter that looked at the page. */
  adapter: z.string().max(100),
  detail: z.string().max(500).optional(),
});
export type NoTicketReason = z.infer<typeof NoTicketReason>;

export const TicketReadMessage = z.object({
  type: z.literal('ticket/read'),
  /** null: this page shows no ticket. */
  ticket: TicketSchema.nullable(),
  reason: NoTicketReason.optional(),
  /** When the content script read the page (ms since epoch): the start of the latency clock. */
  readAt: z.number(),
});
export const ReplySentMessage = z.object({
  type: z.literal('reply/sent'),
  ticketKey: z.string().min(1).max(1000),
  text: z.string().max(200_000),
});
export const ContentToBackground = z.discriminatedUnion('type', [TicketReadMessage, ReplySentMessage]);
export type ContentToBackground = z.infer<typeof ContentToBackground>;

// ── background → content script (tabs.sendMessage) ─────────────────────────────────────────────
export const InsertDraftMessage = z.object({
  type: z.literal('editor/insert'),
  /** The ticket the draft was written for: the content script refuses to put it into another. */
  ticketKey: z.string(),
  text: z.string(),
});
export const RereadMessage = z.object({ type: z.literal('ticket/reread') });
export const SnapshotMessage = z.object({ type: z.literal('page/snapshot') });
export const BackgroundToContent = z.discriminatedUnion('type', [InsertDraftMessage, RereadMessage, SnapshotMessage]);
export type BackgroundToContent = z.infer<typeof BackgroundToContent>;

export const ContentReply = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  /** The masked page, for `page/snapshot`. */
  html: z.string().max(20_000_000).optional(),
});
export type ContentReply = z.infer<typeof ContentReply>;

// ── side panel ⇄ background (a long-lived port) ─────────────────────────────────────────────────
export const PANEL_PORT_NAME = 'sidepanel';

const requestId = z.string().min(1).max(100);
const draftId = z.string().min(1).max(100);
export const PanelRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), tabId: z.number().int().nullable() }),
  z.object({ type: z.literal('shown'), draftId, shownAt: z.number() }),
  z.object({ type: z.literal('insert'), draftId, requestId }),
  z.object({ type: z.literal('copied'), draftId, requestId }),
  z.object({ type: z.literal('regenerate'), draftId, requestId }),
  z.object({ type: z.literal('dismiss'), draftId, requestId }),
  z.object({
    type: z.literal('rate'),
    draftId,
    requestId,
    thumb: z.enum(['up', 'down']),
    reasons: z.array(z.enum(REASON_CODES)).max(REASON_CODES.length),
    comment: z.string().max(2000).optional(),
  }),
  z.object({ type: z.literal('refresh'), requestId }),
  z.object({ type: z.literal('request-draft'), requestId }),
  z.object({ type: z.literal('rewrite'), draftId, requestId, kind: z.enum(REWRITE_KINDS) }),
  z.object({ type: z.literal('snapshot'), requestId }),
]);
export type PanelRequest = z.infer<typeof PanelRequest>;

export const PanelStatus = z.enum(['no-tab', 'no-ticket', 'waiting', 'indexing', 'drafting', 'ready', 'error', 'no-ai', 'on-request', 'shadow']);
export type PanelStatus = z.infer<typeof PanelStatus>;

export const PanelDraft = DraftSchema.extend({ ticketKey: z.string(), createdAt: z.number() });
export type PanelDraft = z.infer<typeof PanelDraft>;

export const PanelState = z.object({
  tabId: z.number().nullable(),
  status: PanelStatus,
  ticket: TicketSchema.nullable(),
  draft: PanelDraft.nullable(),
  /** A sentence for the agent when something went wrong or needs their attention. */
  message: z.string().nullable(),
  kb: z.object({ ready: z.boolean(), docs: z.number(), chunks: z.number(), version: z.number() }),
  agentId: z.string(),
  /** The model drafter is set up: rewrites are offered. */
  model: z.object({ name: z.string(), draftMode: z.enum(['auto', 'on-request']) }).nullable().default(null),
  /** The pilot this agent (or ticket) is in, while it runs. */
  pilot: z.object({ pilotId: z.string(), cohort: z.string(), variant: z.string(), shadow: z.boolean() }).nullable().default(null),
  /** The text of a draft still streaming in (placeholders already filled back). */
  stream: z.object({ text: z.string() }).nullable().default(null),
});
export type PanelState = z.infer<typeof PanelState>;

export const PanelPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), state: PanelState }),
  /** More of a streaming draft: the whole text so far, for the tab it belongs to. */
  z.object({ type: z.literal('stream'), tabId: z.number(), text: z.string() }),
  z.object({
    type: z.literal('result'),
    requestId,
    ok: z.boolean(),
    message: z.string().optional(),
    /** A file for the panel to offer as a download (the page snapshot). */
    file: z.object({ name: z.string(), content: z.string() }).optional(),
  }),
]);
export type PanelPush = z.infer<typeof PanelPush>;

// ── extension pages (options) → background (runtime.sendMessage) ──────────────────────────────
/** Fetch a web page for a KB import; the page itself parses it (the worker has no DOMParser). */
export const FetchPageRequest = z.object({ type: z.literal('kb/fetch-url'), url: z.string().url().max(4000) });
export type FetchPageRequest = z.infer<typeof FetchPageRequest>;
export const FetchPageReply = z.union([
  z.object({ ok: z.literal(true), html: z.string(), finalUrl: z.string() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type FetchPageReply = z.infer<typeof FetchPageReply>;

// ── options → background: the model provider (the API key stays in the background) ─────────────
/** Settings as typed on the Options page; the background validates them with ProviderSettingsSchema. */
const ProviderSettingsDraft = z.record(z.string().max(100), z.unknown());

export const ProviderGetRequest = z.object({ type: z.literal('provider/get') });
/** `settings.apiKey` absent: keep the stored key; an empty string: clear it. */
export const ProviderSaveRequest = z.object({ type: z.literal('provider/save'), settings: ProviderSettingsDraft });
/** Without settings: test the stored ones. A missing `apiKey` means the stored key. */
export const ProviderTestRequest = z.object({ type: z.literal('provider/test'), settings: ProviderSettingsDraft.optional() });
/** A team config's model fields over the stored settings (the stored key is kept; a key in the fields is ignored). */
export const ProviderSaveTeamRequest = z.object({ type: z.literal('provider/save-team'), settings: ProviderSettingsDraft });
export const ProviderRequest = z.discriminatedUnion('type', [ProviderGetRequest, ProviderSaveRequest, ProviderTestRequest, ProviderSaveTeamRequest]);
export type ProviderRequest = z.infer<typeof ProviderRequest>;

/** The stored settings as pages may see them: everything but the key. */
export const PublicProviderSettings = z.object(ProviderSettingsSchema.shape).omit({ apiKey: true });
export type PublicProviderSettings = z.infer<typeof PublicProviderSettings>;

export const ProviderGetReply = z.object({ settings: PublicProviderSettings.nullable(), hasKey: z.boolean() });
export type ProviderGetReply = z.infer<typeof ProviderGetReply>;
/** The answer to `provider/save` and `provider/test`: one sentence for the agent. */
export const ProviderResultReply = z.object({ ok: z.boolean(), message: z.string(), hasKey: z.boolean().optional() });
export type ProviderResultReply = z.infer<typeof ProviderResultReply>;

// ── options → background: embeddings for hybrid retrieval (the key stays in the background) ────
/** Turn embeddings on or off and name the model; merged into the stored provider settings. */
export const EmbeddingsSaveRequest = z.object({ type: z.literal('embeddings/save'), enabled: z.boolean(), model: z.string().max(200) });
export type EmbeddingsSaveRequest = z.infer<typeof EmbeddingsSaveRequest>;
export const EmbeddingsSaveReply = z.object({ ok: z.boolean(), message: z.string() });
export type EmbeddingsSaveReply = z.infer<typeof EmbeddingsSaveReply>;

/** The Options page embeds the KB over this port; closing the port cancels the run. */
export const EMBED_PORT_NAME = 'kb-embed';
export const EmbedPortRequest = z.object({ type: z.literal('start') });
export type EmbedPortRequest = z.infer<typeof EmbedPortRequest>;
const embedCounts = { done: z.number().int().min(0), total: z.number().int().min(0), embedded: z.number().int().min(0), reused: z.number().int().min(0) };
export const EmbedPortPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), ...embedCounts }),
  z.object({ type: z.literal('finished'), ok: z.boolean(), message: z.string(), ...embedCounts }),
]);
export type EmbedPortPush = z.infer<typeof EmbedPortPush>;
