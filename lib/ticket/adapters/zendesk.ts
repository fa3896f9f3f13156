import type { HelpdeskAdapter } from '../adapter';
import { blockText, buildTicket, emailIn, firstShown, hostIs, inlineText, isShown, message, watchSend } from '../adapter-kit';
import type { MessageRole, Ticket, TicketMessage } from '../schema';

/**
 * Zendesk Agent Workspace (`https://<subdomain>.zendesk.com/agent/tickets/<id>`).
 *
 * The agent app is a single-page app that keeps every open ticket tab in the DOM at once, each in
 * its own pane carrying `data-ticket-id`; inactive panes are not always hidden, so the active one
 * is found by id: the id in the address, else the selected header tab, else the pane flagged
 * active, else the one pane that is shown. Inside a pane (Zendesk's published `data-test-id`s):
 *
 *   input[data-test-id="omni-header-subject"]               subject
 *   [data-test-id="ticket-system-field-requester-select"]   requester (email in a title attribute)
 *   [data-test-id="ticket-system-field-tags-item-selected"] tags
 *   [data-test-id="ticket-fields-priority-select"]          priority
 *   [data-test-id="omni-log-container"]                     the conversation log, with one
 *     article[data-test-id="omni-log-comment-item"] per comment:
 *       [data-test-id="omni-log-item-sender"]                 author
 *       time[datetime]                                        when
 *       [data-test-id="omni-log-item-message"][type]          end-user | agent | internal
 *       [data-test-id="omni-log-internal-note-tag"]           the "Internal note" label
 *       [data-test-id="omni-log-message-content"]             the body (an email's .zd-comment)
 *   [data-test-id="omnicomposer-rich-text-ckeditor"]        the CKEditor reply composer
 *   [data-test-id="submit_button-button"]                   the Submit button
 */

const TICKET_PATH = /^\/agent\/tickets\/(\d+)(?:\/|$)/;

const SELECTED_TAB = [
  '[data-test-id="header-tab"][aria-selected="true"]',
  '[data-test-id="header-tab"][data-entity-is-selected="true"]',
  '[data-test-id="header-tab"][aria-current="page"]',
].join(', ');

const LOG = '[data-test-id="omni-log-container"]';
const COMMENT = '[data-test-id="omni-log-comment-item"]';

const EDITORS = [
  '[data-test-id="omnicomposer-rich-text-ckeditor"][contenteditable="true"]',
  '[data-test-id="omnicomposer-plain-text-ckeditor"][contenteditable="true"]',
  '[data-test-id="omnicomposer-rich-text-ckeditor"] [contenteditable="true"]',
  '[data-test-id="ticket-rich-text-editor"] [contenteditable="true"][role="textbox"]',
  '.ck-editor__editable[contenteditable="true"]',
] as const;

const SEND_BUTTONS = ['[data-test-id="submit_button-button"]'] as const;

function ticketIdIn(href: string): string | null {
  try {
    return TICKET_PATH.exec(new URL(href).pathname)?.[1] ?? null;
  } catch {
    return null;
  }
}

function selectedTabId(doc: Document): string | null {
  const id = doc.querySelector(SELECTED_TAB)?.getAttribute('data-entity-id')?.trim();
  return id || null;
}

/**
 * The pane of one ticket: starting from the element tagged with its id that holds the conversation
 * log, the smallest ancestor that also holds the other elements tagged with it (the properties
 * sidebar can carry the id separately), never growing over another ticket's elements.
 */
function paneOf(doc: Document, id: string): Element | null {
  const all = Array.from(doc.querySelectorAll('[data-ticket-id]'));
  const tagged = all.filter((el) => el.getAttribute('data-ticket-id') === id);
  const others = all.filter((el) => el.getAttribute('data-ticket-id') !== id);
  let pane = tagged.find((el) => el.querySelector(LOG)) ?? tagged[0];
  if (!pane) return null;
  while (!tagged.every((el) => pane?.contains(el))) {
    const parent: Element | null = pane.parentElement;
    if (!parent || others.some((el) => parent.contains(el))) break;
    pane = parent;
  }
  return pane;
}

/** The pane shown to the agent when nothing names it: flagged active, or the one log on screen. */
function shownPane(doc: Document): Element | null {
  const flagged = doc.querySelector('[data-ticket-id][data-is-active="true"]')?.getAttribute('data-ticket-id');
  if (flagged) return paneOf(doc, flagged);
  for (const log of Array.from(doc.querySelectorAll(LOG))) {
    if (!isShown(log)) continue;
    const id = log.closest('[data-ticket-id]')?.getAttribute('data-ticket-id');
    return id ? paneOf(doc, id) : (log.closest('.workspace') ?? log.parentElement);
  }
  return null;
}

/**
 * The active ticket's pane. With an id from the address, only that ticket's pane counts: another
 * tab's pane must never be read under this ticket's id (it may still be loading).
 */
function activePane(doc: Document, urlId: string | null): Element | null {
  const tabbed = doc.querySelector('[data-ticket-id]') !== null;
  if (urlId) return tabbed ? paneOf(doc, urlId) : shownPane(doc);
  const tabId = selectedTabId(doc);
  return (tabId ? paneOf(doc, tabId) : null) ?? shownPane(doc);
}

function valueOf(el: Element | null): string {
  if (!el) return '';
  if ('value' in el && typeof el.value === 'string') return el.value.replace(/\s+/g, ' ').trim();
  return inlineText(el);
}

function subjectOf(pane: Element, doc: Document): string {
  const field = pane.querySelector('[data-test-id="omni-header-subject"], [data-test-id="ticket-pane-subject"]');
  const subject = valueOf(field);
  if (subject) return subject;
  return inlineText(doc.querySelector(SELECTED_TAB)?.querySelector('[data-test-id="header-tab-title"]'));
}

function requesterOf(pane: Element): { name?: string; email?: string } {
  const field = pane.querySelector('[data-test-id="ticket-system-field-requester-select"]');
  const nameEl =
    field?.querySelector('[data-garden-id="dropdowns.combobox.value"], [data-test-id="ticket-system-field-requester-name"]') ??
    pane.querySelector('[data-test-id="tooltip-requester-name"]') ??
    field;
  const name = inlineText(nameEl) || undefined;
  // An email shown for the requester: a title on the field, or a mailto link in the customer
  // context panel; never one from the conversation itself.
  const titles = Array.from(pane.querySelectorAll('[data-test-id="requester-field"] [title], [data-test-id^="ticket-system-field-requester"] [title], [data-test-id^="ticket-system-field-requester"][title]')).map(
    (el) => el.getAttribute('title'),
  );
  const mailtos = Array.from(pane.querySelectorAll('a[href^="mailto:"]'))
    .filter((a) => !a.closest(LOG))
    .map((a) => a.getAttribute('href'));
  const email = emailIn(...titles, ...mailtos);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

function tagsOf(pane: Element): string[] {
  const items = pane.querySelectorAll('[data-test-id="ticket-system-field-tags-item-selected"], [data-test-id="ticket-fields-tags"] .zd-tag-item');
  return Array.from(items).map((el) => inlineText(el));
}

function priorityOf(pane: Element): string | undefined {
  const select = pane.querySelector('[data-test-id="ticket-fields-priority-select"]');
  const value = inlineText(select?.querySelector('[data-garden-id="dropdowns.combobox.value"]') ?? select);
  return value && value !== '-' ? value : undefined;
}

function roleOf(item: Element, author: string, requesterName: string | undefined): MessageRole {
  if (item.querySelector('[data-test-id="omni-log-internal-note-tag"]')) return 'note';
  const type = (item.querySelector('[data-test-id="omni-log-item-message"]')?.getAttribute('type') ?? '').toLowerCase();
  if (type === 'internal') return 'note';
  if (type === 'end-user') return 'customer';
  if (type === 'agent') return 'agent';
  if (item.querySelector('[data-test-id="omni-log-avatar-badge-AgentBadge"]')) return 'agent';
  if (requesterName && author && author !== requesterName) return 'agent';
  return 'customer';
}

function readComment(item: Element, requesterName: string | undefined): TicketMessage | null {
  const bubble = item.querySelector('[data-test-id="omni-log-item-message"]');
  if (bubble?.getAttribute('aria-hidden') === 'true') return null;
  const body = item.querySelector('[data-test-id="omni-log-message-content"]') ?? item.querySelector('.zd-comment') ?? bubble;
  const author = inlineText(item.querySelector('[data-test-id="omni-log-item-sender"]') ?? item.querySelector('[data-test-id="omni-log-comment-user-link"]'));
  const at = item.querySelector('time[datetime]')?.getAttribute('datetime');
  return message(roleOf(item, author, requesterName), blockText(body), author, at);
}

function findEditor(doc: Document): HTMLElement | null {
  const pane = activePane(doc, ticketIdIn(doc.URL));
  return pane ? firstShown(pane, EDITORS) : firstShown(doc, EDITORS);
}

export const zendeskAdapter: HelpdeskAdapter = {
  id: 'zendesk',

  matches(url: URL): boolean {
    // Accounts are subdomains; www is Zendesk's own site.
    const account = hostIs(url, '.zendesk.com') && url.hostname !== 'www.zendesk.com';
    return account && (url.pathname === '/agent' || url.pathname.startsWith('/agent/'));
  },

  extract(doc: Document, url: URL): Ticket | null {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    const pane = activePane(doc, ticketId);
    if (!pane) return null;
    const requester = requesterOf(pane);
    const log = pane.querySelector(LOG) ?? pane;
    const messages = Array.from(log.querySelectorAll(COMMENT))
      .map((item) => readComment(item, requester.name))
      .filter((m): m is TicketMessage => m !== null);
    return buildTicket({
      helpdesk: 'zendesk',
      ticketId,
      url,
      subject: subjectOf(pane, doc),
      requesterName: requester.name,
      requesterEmail: requester.email,
      messages,
      tags: tagsOf(pane),
      priority: priorityOf(pane),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
