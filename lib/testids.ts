/**
 * Every `data-testid` the extension and the demo helpdesk expose, and the reason-code slugs.
 * Tests outside this repository rely on these names: add freely, rename none.
 */
export const TEST_IDS = {
  // side panel
  ticketSubject: 'ticket-subject',
  ticketMessage: 'ticket-message',
  draftText: 'draft-text',
  citation: 'citation',
  source: 'source',
  confidenceBadge: 'confidence-badge',
  insertDraft: 'insert-draft',
  copyDraft: 'copy-draft',
  regenerate: 'regenerate',
  dismissDraft: 'dismiss-draft',
  thumbsUp: 'thumbs-up',
  thumbsDown: 'thumbs-down',
  reasonComment: 'reason-comment',
  submitRating: 'submit-rating',
  acceptanceRate: 'acceptance-rate',
  noTicket: 'no-ticket',
  genericFallback: 'generic-fallback',
  outboundPreview: 'outbound-preview',
  injectionWarning: 'injection-warning',
  noAiNote: 'no-ai-note',
  reviewConfirm: 'review-confirm',
  reviewCancel: 'review-cancel',
  policyEditor: 'policy-editor',
  policySave: 'policy-save',
  saveSnapshot: 'save-snapshot',
  draftStatus: 'draft-status',
  draftOutcome: 'draft-outcome',
  draftError: 'draft-error',
  actionStatus: 'action-status',
  kbStatus: 'kb-status',
  requestDraft: 'request-draft',
  fallbackBanner: 'fallback-banner',
  draftStreaming: 'draft-streaming',
  draftMeta: 'draft-meta',
  rewriteShorter: 'rewrite-shorter',
  rewriteFormal: 'rewrite-formal',
  rewriteFriendlier: 'rewrite-friendlier',
  rewriteCustomerLanguage: 'rewrite-customer-language',
  // options page
  agentId: 'settings-agent-id',
  agentName: 'settings-agent-name',
  settingsSaveAgent: 'settings-save-agent',
  siteAddress: 'site-address',
  enableSite: 'enable-site',
  siteStatus: 'site-status',
  // options page: knowledge base
  kbDropZone: 'kb-drop-zone',
  kbFileInput: 'kb-file-input',
  kbProgress: 'kb-progress',
  kbProgressLabel: 'kb-progress-label',
  kbImportSummary: 'kb-import-summary',
  kbImportErrors: 'kb-import-errors',
  kbImportNotes: 'kb-import-notes',
  kbUrl: 'kb-url',
  kbUrlImport: 'kb-url-import',
  kbUrlAccess: 'kb-url-access',
  kbMessage: 'kb-message',
  kbSearch: 'kb-search',
  kbKindFilter: 'kb-kind-filter',
  kbEntry: 'kb-entry',
  kbEntryCount: 'kb-entry-count',
  kbDelete: 'kb-delete',
  kbDeleteConfirm: 'kb-delete-confirm',
  kbDeleteCancel: 'kb-delete-cancel',
  kbPrevPage: 'kb-prev-page',
  kbNextPage: 'kb-next-page',
  kbVersion: 'kb-version',
  kbStats: 'kb-stats',
  // options page: model provider
  settingsProvider: 'settings-provider',
  settingsBaseUrl: 'settings-base-url',
  settingsModel: 'settings-model',
  settingsApiKey: 'settings-api-key',
  settingsTemperature: 'settings-temperature',
  settingsMaxTokens: 'settings-max-tokens',
  settingsPriceIn: 'settings-price-in',
  settingsPriceOut: 'settings-price-out',
  settingsDraftMode: 'settings-draft-mode',
  settingsMonthlyCap: 'settings-monthly-cap',
  settingsTone: 'settings-tone',
  settingsReplyLength: 'settings-reply-length',
  settingsSave: 'settings-save',
  settingsTest: 'settings-test',
  settingsStatus: 'settings-status',
  // options page: embeddings (hybrid retrieval)
  settingsEmbeddings: 'settings-embeddings',
  settingsEmbeddingModel: 'settings-embedding-model',
  settingsEmbeddingsSave: 'settings-embeddings-save',
  kbEmbed: 'kb-embed',
  kbEmbedCancel: 'kb-embed-cancel',
  kbEmbedProgress: 'kb-embed-progress',
  kbEmbedProgressLabel: 'kb-embed-progress-label',
  kbEmbedStatus: 'kb-embed-status',
  embeddingsMessage: 'embeddings-message',
  // demo helpdesk
  replyEditor: 'reply-editor',
  sendReply: 'send-reply',
  ticketLink: 'ticket-link',
} as const;

export type TestId = (typeof TEST_IDS)[keyof typeof TEST_IDS];

/** Why an agent gave a draft 👎 (design §"Test hooks"). The hook for each is `reason-<code>`. */
export const REASON_CODES = [
  'wrong-facts',
  'missing-info',
  'tone',
  'wrong-language',
  'policy',
  'outdated-source',
  'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REASON_LABELS: Record<ReasonCode, string> = {
  'wrong-facts': 'Wrong facts',
  'missing-info': 'Missing information',
  tone: 'Tone',
  'wrong-language': 'Wrong language',
  policy: 'Against policy',
  'outdated-source': 'Outdated source',
  other: 'Other',
};

export function reasonTestId(code: ReasonCode): `reason-${ReasonCode}` {
  return `reason-${code}`;
}
