import type { HelpdeskAdapter } from '../adapter';
import type { Ticket, TicketMessage } from '../schema';
import { blockText, buildTicket, emailIn, firstShown, hostIs, inlineText, message, watchSend } from '../adapter-kit';

/**
 * Front (app.frontapp.com) — a conversation open in any inbox view; its id (`cnv_…`) is a part of
 * the path (`/open/cnv_…`, `/inboxes/…/open/0/cnv_…`). A list without one is not a ticket.
 *
 * Front's class names are generated, so this reads the test hooks that sit beside them:
 *   [data-testid="conversation-view"]            the open conversation (data-conversation-id)
 *     [data-testid="conversation-subject"]       subject
 *     [data-testid="conversation-tags"] [data-testid="tag"]
 *     [data-testid="message"][data-direction]    inbound (customer) | outbound (teammate)
 *       [data-testid="message-sender-name"] / [data-testid="message-sender-handle"]
 *       [data-testid="message-body"], time[datetime]
 *     [data-testid="comment"]                    internal team comment (a note)
 *       [data-testid="comment-author"], [data-testid="comment-body"], time[datetime]
 *   [data-testid="contact-panel"]                contact: name and handle
 *   [data-testid="composer"] [contenteditable][role="textbox"]   reply composer
 *   [data-testid="composer-send-button"]         Send
 * The comment box below the timeline is a separate composer and is never the reply editor.
 */

const CONVERSATION_ID = /(?:^|\/)(cnv_[0-9a-z]+)(?=\/|$)/i;

const VIEW_SELECTOR = '[data-testid="conversation-view"]';
const ITEM_SELECTOR = '[data-testid="message"], [data-testid="comment"]';

const EDITOR_SELECTORS = [
  '[data-testid="composer"] [contenteditable="true"][role="textbox"]',
  '[data-testid="composer"] [contenteditable="true"]',
] as const;

// Exactly "Send": the split button beside it is "Send options".
const SEND_BUTTONS = ['[data-testid="composer-send-button"]', '[data-testid="composer"] button[aria-label="Send"]'] as const;

function conversationIdOf(url: URL, view: Element | null): string | null {
  const fromPath = CONVERSATION_ID.exec(url.pathname)?.[1];
  if (fromPath) return fromPath;
  const fromView = view?.getAttribute('data-conversation-id')?.trim() ?? '';
  return /^cnv_[0-9a-z]+$/i.test(fromView) ? fromView : null;
}

function readItem(item: Element): { message: TicketMessage; handle?: string | undefined } {
  const at = item.querySelector('time[datetime]')?.getAttribute('datetime');
  if (item.getAttribute('data-testid') === 'comment') {
    const author = inlineText(item.querySelector('[data-testid="comment-author"]'));
    return { message: message('note', blockText(item.querySelector('[data-testid="comment-body"]')), author, at) };
  }
  const outbound = (item.getAttribute('data-direction') ?? '').toLowerCase() === 'outbound';
  const author = inlineText(item.querySelector('[data-testid="message-sender-name"]'));
  const handle = emailIn(item.querySelector('[data-testid="message-sender-handle"]')?.textContent);
  const body = item.querySelector('[data-testid="message-body"]');
  return { message: message(outbound ? 'agent' : 'customer', blockText(body), author, at), handle };
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown<HTMLElement>(doc, EDITOR_SELECTORS);
}

export const frontAdapter: HelpdeskAdapter = {
  id: 'front',

  matches(url: URL): boolean {
    return hostIs(url, 'app.frontapp.com');
  },

  extract(doc: Document, url: URL): Ticket | null {
    const view = firstShown(doc, [VIEW_SELECTOR]);
    const ticketId = conversationIdOf(url, view);
    if (!view || !ticketId) return null;

    const read = Array.from(view.querySelectorAll(ITEM_SELECTOR))
      .filter((item) => !item.parentElement?.closest(ITEM_SELECTOR))
      .map(readItem);
    const firstInbound = read.find((r) => r.message.role === 'customer');
    const panel = doc.querySelector('[data-testid="contact-panel"]');
    const panelName = inlineText(panel?.querySelector('[data-testid="contact-name"]'));
    const panelHandle = emailIn(panel?.querySelector('[data-testid="contact-handle"]')?.textContent);

    return buildTicket({
      helpdesk: 'front',
      ticketId,
      url,
      subject: inlineText(view.querySelector('[data-testid="conversation-subject"]')),
      requesterName: panelName || firstInbound?.message.author,
      requesterEmail: panelHandle ?? firstInbound?.handle,
      messages: read.map((r) => r.message),
      tags: Array.from(view.querySelectorAll('[data-testid="conversation-tags"] [data-testid="tag"]')).map((t) => inlineText(t)),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
