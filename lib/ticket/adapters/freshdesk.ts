import type { HelpdeskAdapter } from '../adapter';
import { blockText, buildTicket, emailIn, firstShown, hostIs, inlineText, message, watchSend } from '../adapter-kit';
import type { MessageRole, Ticket, TicketMessage } from '../schema';

/**
 * Freshdesk agent app (`https://<account>.freshdesk.com/a/tickets/<id>`, also served from
 * Freshworks hosts). The ticket page (Freshdesk "Mint" UI) reads:
 *
 *   .ticket-subject-heading                         subject
 *   .ticket-details-wrapper                         the conversation pane, in order:
 *     [data-test-id="ticket-description"]           the original request (data-album="ticket_<id>")
 *       .ticket-details__item__content / #ticket_original_request   its body
 *     [data-test-id="conversation-wrapper"]         each reply or note (data-album="note_<id>"),
 *       class ticket-details__requestor | ticket-details__privatenote; agents' names carry
 *       [data-test-is-agent]
 *       [data-test-id="user-name"]                  author
 *       [data-test-id="conversation-status"]        "replied", "added a private note" …
 *       time[datetime] / [data-test-id="time-info"][aria-label]   when
 *       [data-test-conversation="conversation-text"]              the body (.ticket_note)
 *   [data-test-id="requester-info-contact-email"]   requester email (contact details widget)
 *   [data-test-id="tkt-properties-priority"]        priority (an ember-power-select)
 *   [data-test-id="tkt-properties-tags"]            tags
 *   .fr-element.fr-view[contenteditable]            the Froala reply / note editor
 *   .ticket-editor__footer .reply-btn               its Send / Add note button
 */

const TICKET_PATH = /(?:^|\/)a\/tickets\/(\d+)(?:\/|$)/;

const PANE = ['.ticket-details-wrapper', '.tickets-conversation-pane', '[class*="conversation-pane"]'] as const;
const DESCRIPTION = '[data-test-id="ticket-description"], [data-album^="ticket_"]';
const CONVERSATION = '[data-test-id="conversation-wrapper"]';

const EDITORS = [
  '.ticket-editor .fr-element[contenteditable="true"]',
  '.fr-element.fr-view[contenteditable="true"]',
  '.fr-element[contenteditable="true"]',
] as const;

const SEND_BUTTONS = [
  '.ticket-editor__footer .reply-btn',
  '.reply-btn-wrapper .reply-btn',
  '[data-test-id="send-button"]',
] as const;

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

/** One-line text of an element without the buttons inside it (subject actions, tag remove chips). */
function textOutsideControls(el: Element | null): string {
  let out = '';
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      return;
    }
    if (!isElement(node) || node.matches('button, [role="button"], svg, script, style, template')) return;
    node.childNodes.forEach(walk);
  };
  if (el) walk(el);
  return out.replace(/\s+/g, ' ').trim();
}

function paneOf(doc: Document): Element | null {
  for (const selector of PANE) {
    const el = doc.querySelector(selector);
    if (el) return el;
  }
  return null;
}

/** The author's name: Freshdesk bolds it inside the user-name link. */
function authorOf(item: Element): string {
  const link = item.querySelector('[data-test-id="user-name"]');
  return inlineText(link?.querySelector('b') ?? link ?? item.querySelector('.sender-info .user, .user'));
}

/** A time the browser can order by, from a datetime attribute or the absolute-time label. */
function timeOf(item: Element): string | undefined {
  const attr = item.querySelector('time[datetime]')?.getAttribute('datetime')?.trim();
  if (attr) return attr;
  const label = (
    item.querySelector('[data-test-id="time-info"]')?.getAttribute('aria-label') ??
    inlineText(item.querySelector('.timeago-units')).replace(/^\(|\)$/g, '')
  ).trim();
  if (!label) return undefined;
  // "Tue, 4 Mar 2025 at 9:14 AM" → parseable once the "at" goes.
  const ms = Date.parse(label.replace(/\s+at\s+/i, ' '));
  return Number.isNaN(ms) ? label : new Date(ms).toISOString();
}

function roleOf(item: Element, author: string, requesterName: string | undefined): MessageRole {
  const status = inlineText(item.querySelector('[data-test-id="conversation-status"]')).toLowerCase();
  if (item.classList.contains('ticket-details__privatenote') || /private note/.test(status)) return 'note';
  if (item.classList.contains('ticket-details__requestor') || item.classList.contains('requestor-wrap')) return 'customer';
  if (item.querySelector('[data-test-is-agent]')) return 'agent';
  if (requesterName && author) return author === requesterName ? 'customer' : 'agent';
  return 'customer';
}

function bodyOf(item: Element): Element | null {
  return (
    item.querySelector('[data-test-conversation="conversation-text"]') ??
    item.querySelector('#ticket_original_request') ??
    item.querySelector('.ticket_note') ??
    item.querySelector('.ticket-details__item__content') ??
    item.querySelector('.text-content-wrapper')
  );
}

function readItem(item: Element, requesterName: string | undefined): TicketMessage {
  const author = authorOf(item);
  return message(roleOf(item, author, requesterName), blockText(bodyOf(item)), author, timeOf(item));
}

function requesterOf(doc: Document, description: Element | null): { name?: string; email?: string } {
  const name =
    inlineText(doc.querySelector('[data-test-id="requester-info-name"], .widget-requestor-info [data-test-id="user-name"]')) ||
    (description ? authorOf(description) : '') ||
    undefined;
  const emailEl = doc.querySelector('[data-test-id="requester-info-contact-email"]');
  const email = emailIn(
    inlineText(emailEl?.querySelector('.info-details-content') ?? emailEl),
    doc.querySelector('.widget-requestor-info a[href^="mailto:"]')?.getAttribute('href'),
  );
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

function selectedIn(doc: Document, testIds: readonly string[]): Element | null {
  for (const id of testIds) {
    const el = doc.querySelector(`[data-test-id="${id}"]`);
    if (el) return el;
  }
  return null;
}

function priorityOf(doc: Document): string | undefined {
  const field = selectedIn(doc, ['tkt-properties-priority', 'priority']);
  const value = inlineText(field?.querySelector('.ember-power-select-selected-item'));
  return value && value !== '--' ? value : undefined;
}

function tagsOf(doc: Document): string[] {
  const field = selectedIn(doc, ['tkt-properties-tags', 'tags']);
  if (!field) return [];
  // Each chip carries its "×" remove control, which is no part of the tag.
  return Array.from(field.querySelectorAll('.ember-power-select-multiple-option')).map(textOutsideControls);
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown(doc, EDITORS);
}

export const freshdeskAdapter: HelpdeskAdapter = {
  id: 'freshdesk',

  matches(url: URL): boolean {
    // Accounts are subdomains (www is the vendor's own site); the agent app lives under /a/.
    const account = hostIs(url, '.freshdesk.com', '.freshworks.com', '.myfreshworks.com') && !url.hostname.startsWith('www.');
    return account && /(?:^|\/)a(?:\/|$)/.test(url.pathname);
  },

  extract(doc: Document, url: URL): Ticket | null {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    const subjectEl = doc.querySelector('.ticket-subject-heading');
    const pane = paneOf(doc);
    // The address alone is not enough: the ticket view must have rendered.
    if (!subjectEl && !pane) return null;
    const root = pane ?? doc;
    const description = root.querySelector(DESCRIPTION);
    const requester = requesterOf(doc, description);
    const items = [...(description ? [description] : []), ...Array.from(root.querySelectorAll(CONVERSATION)).filter((el) => el !== description)];
    return buildTicket({
      helpdesk: 'freshdesk',
      ticketId,
      url,
      subject: textOutsideControls(subjectEl),
      requesterName: requester.name,
      requesterEmail: requester.email,
      messages: items.map((item) => readItem(item, requester.name)),
      tags: tagsOf(doc),
      priority: priorityOf(doc),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
