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
  settingsSave: 'settings-save',
  settingsTest: 'settings-test',
  settingsStatus: 'settings-status',
  // options page: pilot and team config
  pilotFileInput: 'pilot-file-input',
  pilotMessage: 'pilot-message',
  pilotStatus: 'pilot-status',
  pilotName: 'pilot-name',
  pilotDates: 'pilot-dates',
  pilotCohort: 'pilot-cohort',
  pilotVariant: 'pilot-variant',
  pilotShadow: 'pilot-shadow',
  pilotClear: 'pilot-clear',
  pilotLocked: 'pilot-locked',
  pilotApplyReport: 'pilot-apply-report',
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
