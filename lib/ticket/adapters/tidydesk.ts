import type { HelpdeskAdapter } from '../adapter';
import type { MessageRole, Ticket, TicketMessage } from '../schema';
import { textWithBreaks } from '../dom-text';

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
 *   textarea.td-reply__editor                the reply editor
 *   button.td-reply__send                    the Send button
 */

const ROOT_SELECTOR = '#tidydesk-app';
const EDITOR_CLASS = 'td-reply__editor';
const SEND_CLASS = 'td-reply__send';

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

function findEditor(doc: Document): HTMLTextAreaElement | null {
  for (const textarea of Array.from(doc.querySelectorAll('textarea'))) {
    if (textarea.classList.contains(EDITOR_CLASS)) return textarea;
  }
  return null;
}

function findSendButton(doc: Document): HTMLButtonElement | null {
  for (const button of Array.from(doc.querySelectorAll('button'))) {
    if (button.classList.contains(SEND_CLASS)) return button;
  }
  return null;
}

function isShown(el: Element): boolean {
  return el.closest('[hidden]') === null;
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
    const editor = findEditor(doc);
    return editor && isShown(editor) ? editor : null;
  },

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    if (signal.aborted) return;

    // The page's own handlers clear the editor after sending, so read it in the capture phase,
    // before they run. A disabled Send button means the page will not send either.
    const report = (): void => {
      const send = findSendButton(doc);
      if (send?.disabled) return;
      const text = (findEditor(doc)?.value ?? '').trim();
      if (text) onSent(text);
    };

    doc.addEventListener(
      'click',
      (event: MouseEvent) => {
        const send = findSendButton(doc);
        if (send && event.composedPath().includes(send)) report();
      },
      { capture: true, signal },
    );

    doc.addEventListener(
      'keydown',
      (event: KeyboardEvent) => {
        if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
        const editor = findEditor(doc);
        if (editor && event.composedPath().includes(editor)) report();
      },
      { capture: true, signal },
    );
  },
};

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
