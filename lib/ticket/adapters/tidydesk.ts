import type { HelpdeskAdapter } from '../adapter';
import type { MessageRole, Ticket, TicketMessage } from '../schema';
import { textWithBreaks } from '../dom-text';
import { isShown, watchSend } from '../adapter-kit';

/**
 * Tidydesk (the demo helpdesk served from `demo/`).
 *
 * Recognised by its markup, not by its address, so it works on any host and port:
 *   <meta name="application-name" content="Tidydesk">
 *   <div id="tidydesk-app" data-ticket-id="1001"> … </div>
 *
 * Inside the app root:
 *   .td-ticket-subject                       subject (the ticket's h1)
 *   .td-priority[data-priority]              priority
 *   .td-tags .td-tag                         tags
 *   .td-requester__name / .td-requester__email
 *   .td-thread .td-message[data-author-role] one per message (customer | agent | note),
 *     .td-message__author, .td-message__body, time[datetime]
 *   .td-reply                                the reply box, holding either
 *     textarea.td-reply__editor              the plain reply editor, or
 *     [data-reply-editor]                    the host of a rich-text editor (ProseMirror,
 *                                            Summernote, CKEditor 5); the editor is the
 *                                            contenteditable root inside it
 *   button.td-reply__send                    the Send button
 */

const ROOT_SELECTOR = '#tidydesk-app';
const REPLY_SELECTOR = '.td-reply';
const TEXTAREA_SELECTOR = 'textarea.td-reply__editor';
const RICH_HOST_SELECTOR = '[data-reply-editor]';
const SEND_SELECTOR = 'button.td-reply__send';
const EDITABLE_SELECTOR = '[contenteditable]:not([contenteditable="false"])';

const MAX_MESSAGES = 500;
const MAX_TEXT = 100_000;
const MAX_TAGS = 200;

function root(doc: Document): Element | null {
  return doc.querySelector(ROOT_SELECTOR);
}

function isTidydesk(doc: Document): boolean {
  if (root(doc)) return true;
  const meta = doc.querySelector('meta[name="application-name"]');
  return (meta?.getAttribute('content') ?? '').trim().toLowerCase() === 'tidydesk';
}

function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

function cleanText(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function optional(value: string, max: number): string | undefined {
  return value ? clip(value, max) : undefined;
}

function roleOf(el: Element): MessageRole {
  const declared = (el.getAttribute('data-author-role') ?? '').trim().toLowerCase();
  if (declared === 'customer' || declared === 'agent' || declared === 'note') return declared;
  if (el.classList.contains('td-message--note')) return 'note';
  if (el.classList.contains('td-message--agent')) return 'agent';
  return 'customer';
}

function readMessage(el: Element): TicketMessage {
  const body = el.querySelector('.td-message__body');
  const author = cleanText(el.querySelector('.td-message__author'));
  const at = el.querySelector('time')?.getAttribute('datetime')?.trim() ?? '';
  return {
    role: roleOf(el),
    author: optional(author, 500),
    text: clip(body ? textWithBreaks(body) : '', MAX_TEXT),
    at: optional(at, 100),
  };
}

/** DOM order, unless every message carries a parseable time: then oldest first (stable). */
function chronological(messages: TicketMessage[]): TicketMessage[] {
  const times = messages.map((m) => (m.at ? Date.parse(m.at) : Number.NaN));
  if (times.some((t) => Number.isNaN(t))) return messages;
  return messages
    .map((message, index) => ({ message, index, time: times[index] ?? 0 }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.message);
}

function isEditable(el: HTMLElement): boolean {
  return el.isContentEditable || (el.getAttribute('contenteditable') ?? 'false').toLowerCase() !== 'false';
}

/**
 * The editing root of a rich-text editor inside `host`: the host itself when it is editable, else
 * the outermost shown contenteditable in it (not one nested in another, such as a widget caption).
 */
function editingRoot(host: HTMLElement): HTMLElement | null {
  if (isEditable(host)) return host;
  for (const el of Array.from(host.querySelectorAll<HTMLElement>(EDITABLE_SELECTOR))) {
    const outer = el.parentElement?.closest(EDITABLE_SELECTOR);
    if (outer && host.contains(outer)) continue;
    if (isShown(el)) return el;
  }
  return null;
}

/** The shown reply editor: the textarea, or the editing root of the rich-text editor. */
function findEditor(doc: Document): HTMLElement | null {
  for (const reply of Array.from(doc.querySelectorAll<HTMLElement>(REPLY_SELECTOR))) {
    if (!isShown(reply)) continue;
    for (const textarea of Array.from(reply.querySelectorAll<HTMLTextAreaElement>(TEXTAREA_SELECTOR))) {
      if (isShown(textarea)) return textarea;
    }
    for (const host of Array.from(reply.querySelectorAll<HTMLElement>(RICH_HOST_SELECTOR))) {
      const root = isShown(host) ? editingRoot(host) : null;
      if (root) return root;
    }
  }
  return null;
}

/** Whether the page would send now: a Send button that is shown and not disabled. */
function canSend(doc: Document): boolean {
  return Array.from(doc.querySelectorAll<HTMLButtonElement>(SEND_SELECTOR)).some((button) => !button.disabled && isShown(button));
}

export const tidydeskAdapter: HelpdeskAdapter = {
  id: 'tidydesk',

  matches(_url: URL, doc: Document): boolean {
    return isTidydesk(doc);
  },

  extract(doc: Document, url: URL): Ticket | null {
    const app = root(doc);
    if (!app) return null;
    const ticketId = (app.getAttribute('data-ticket-id') ?? '').trim();
    if (!ticketId) return null;

    const subjectEl = app.querySelector('.td-ticket-subject') ?? app.querySelector('h1');
    const priorityEl = app.querySelector('.td-priority');
    const priority =
      (priorityEl?.getAttribute('data-priority') ?? '').trim().toLowerCase() || cleanText(priorityEl).toLowerCase();

    const emailEl = app.querySelector('.td-requester__email');
    const mailto = (emailEl?.getAttribute('href') ?? '')
      .replace(/^mailto:/i, '')
      .replace(/\?.*$/, '')
      .trim();
    const email = cleanText(emailEl) || decodeURIComponentSafe(mailto);

    const tags = Array.from(app.querySelectorAll('.td-tags .td-tag'))
      .map((tag) => clip(cleanText(tag), 200))
      .filter((tag) => tag.length > 0)
      .slice(0, MAX_TAGS);

    const thread = app.querySelector('.td-thread') ?? app;
    const messages = chronological(Array.from(thread.querySelectorAll('.td-message')).map(readMessage));

    return {
      helpdesk: 'tidydesk',
      ticketId: clip(ticketId, 500),
      url: clip(url.href, 4000),
      subject: clip(cleanText(subjectEl), 2000),
      requester: {
        name: optional(cleanText(app.querySelector('.td-requester__name')), 500),
        email: optional(email, 500),
      },
      // Keep the newest messages when a thread is very long.
      messages: messages.slice(-MAX_MESSAGES),
      tags,
      priority: optional(priority, 100),
      // language is left to the module that guesses it from the text.
      signals: {},
    };
  },

  editor(doc: Document): HTMLElement | null {
    return findEditor(doc);
  },

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    // Clicks and Ctrl/Cmd+Enter are caught in the capture phase, before the page clears the editor.
    // A disabled Send button means the page will not send, on either path, so there is no editor
    // to report then.
    watchSend(doc, { sendButtons: [SEND_SELECTOR], editor: (d) => (canSend(d) ? findEditor(d) : null) }, onSent, signal);
  },
};

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
