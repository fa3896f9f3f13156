import type { HelpdeskAdapter } from '../adapter';
import type { Ticket, TicketMessage } from '../schema';
import { blockText, buildTicket, decodeSafe, emailIn, firstShown, hostIs, inlineText, message, watchSend } from '../adapter-kit';

/**
 * Gmail (mail.google.com) — a thread opened from any view: `#inbox/<threadId>`,
 * `#label/<name>/<threadId>`, `#search/<query>/<threadId>` … A list (`#inbox`) is not a ticket.
 *
 * The agent is the signed-in account: the address in the account button's label
 * ("Google Account: Name (address)"), else the one in the window title
 * ("Subject - address - Gmail"). Messages from it are the agent's, all others the customer's.
 * Gmail has no internal notes.
 *
 *   [role="main"] h2.hP                          thread subject
 *   div.adn[data-message-id]                     one per message (expanded)
 *     span.gD[email][name]                       sender
 *     div.a3s                                    body; quoted history sits in .gmail_quote or
 *                                                blockquote[type="cite"] behind "Show trimmed content",
 *                                                the sender's signature in .gmail_signature
 *     .iA.g6                                     snippet of a collapsed message
 *   div[aria-label="Message Body"][contenteditable][g_editable]   reply / compose body
 *   div[role="button"][data-tooltip^="Send"].aoO Send (tooltip "Send (Ctrl-Enter)")
 * Dates are shown as localised text only, so messages carry no time; Gmail lists them oldest first.
 */

/** Gmail thread ids: 16 hex digits (legacy) or the longer letters-only form ("FMfcgz…"). */
const THREAD_ID = /^[A-Za-z0-9_-]{16,}$/;

const MESSAGE_SELECTOR = 'div.adn[data-message-id], div.adn[data-legacy-message-id]';

const EDITOR_SELECTORS = [
  'div[aria-label="Message Body"][contenteditable="true"]',
  'div[aria-label="Message Body"][contenteditable=""]',
  // the label is translated in other languages ("Nachrichtentext" …); Gmail's own editable flag is not
  'div[g_editable="true"][role="textbox"][contenteditable="true"]',
] as const;

const SEND_BUTTONS = [
  'div[role="button"][data-tooltip^="Send"]',
  'div[role="button"][aria-label^="Send"]',
  // the Send button's class in any language ("Envoyer", "Enviar" …)
  'div[role="button"].T-I.aoO',
] as const;

/** Parts of a body Gmail marks as not the message itself. */
const NOT_MESSAGE = '.gmail_quote, .gmail_extra, blockquote[type="cite"], .gmail_signature';

function threadIdOf(url: URL): string | null {
  const parts = url.hash.replace(/^#/, '').split('/');
  if (parts.length < 2) return null;
  const last = decodeSafe(parts[parts.length - 1] ?? '').replace(/\?.*$/, '');
  return THREAD_ID.test(last) ? last : null;
}

/** The signed-in account's address. */
function accountAddress(doc: Document): string | undefined {
  const buttons = doc.querySelectorAll('a[aria-label][href*="accounts.google.com/SignOutOptions"], [aria-label^="Google Account"]');
  for (const button of Array.from(buttons)) {
    const address = emailIn(button.getAttribute('aria-label'));
    if (address) return address;
  }
  // "Subject - address - Gmail": the address is the second-last part of the title.
  const title = /\s-\s(\S+@\S+)\s-\s[^-]*$/.exec(doc.title)?.[1];
  return emailIn(title);
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function bodyText(body: Element): string {
  const copy = body.cloneNode(true);
  if (!isElement(copy)) return '';
  for (const el of Array.from(copy.querySelectorAll(NOT_MESSAGE))) el.remove();
  return blockText(copy);
}

interface GmailMessage {
  message: TicketMessage;
  email?: string | undefined;
}

function readMessage(item: Element, account: string | undefined): GmailMessage {
  const sender = item.querySelector('span.gD[email]') ?? item.querySelector('h3 [email]');
  const email = sender?.getAttribute('email')?.trim() || emailIn(item.querySelector('span.go')?.textContent);
  const name = sender?.getAttribute('name')?.trim() || inlineText(sender);
  const mine = Boolean(account && email && email.toLowerCase() === account.toLowerCase());
  const body = item.querySelector('div.a3s');
  const text = body ? bodyText(body) : blockText(item.querySelector('.iA.g6'));
  return { message: message(mine ? 'agent' : 'customer', text, name), email };
}

/** The part of the page holding the thread whose subject is shown. */
function threadScope(subject: Element, main: ParentNode): ParentNode {
  for (let node = subject.parentElement; node; node = node.parentElement) {
    if (node.querySelector(MESSAGE_SELECTOR)) return node;
    if (node === main) break;
  }
  return main;
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown<HTMLElement>(doc, EDITOR_SELECTORS);
}

export const gmailAdapter: HelpdeskAdapter = {
  id: 'gmail',

  matches(url: URL): boolean {
    return hostIs(url, 'mail.google.com');
  },

  extract(doc: Document, url: URL): Ticket | null {
    const threadId = threadIdOf(url);
    if (!threadId) return null;
    const main = doc.querySelector('[role="main"]') ?? doc;
    const subject = firstShown(main, ['h2.hP', 'h2[data-thread-perm-id]']);
    if (!subject) return null;

    const account = accountAddress(doc);
    const read = Array.from(threadScope(subject, main).querySelectorAll(MESSAGE_SELECTOR))
      .filter((item) => !item.querySelector('[contenteditable="true"]'))
      .map((item) => readMessage(item, account));
    const requester = read.find((m) => m.message.role === 'customer');

    return buildTicket({
      helpdesk: 'gmail',
      ticketId: threadId,
      url,
      subject: inlineText(subject),
      requesterName: requester?.message.author,
      requesterEmail: requester?.email,
      messages: read.map((m) => m.message),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
