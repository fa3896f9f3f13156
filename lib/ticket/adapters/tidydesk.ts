import type { HelpdeskAdapter } from '../adapter';
import type { MessageRole, Ticket, TicketMessage } from '../schema';
import { blockText, buildTicket, decodeSafe, inlineText, isShown, message, watchSend } from '../adapter-kit';

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

function root(doc: Document): Element | null {
  return doc.querySelector(ROOT_SELECTOR);
}

function isTidydesk(doc: Document): boolean {
  if (root(doc)) return true;
  const meta = doc.querySelector('meta[name="application-name"]');
  return (meta?.getAttribute('content') ?? '').trim().toLowerCase() === 'tidydesk';
}

function roleOf(el: Element): MessageRole {
  const declared = (el.getAttribute('data-author-role') ?? '').trim().toLowerCase();
  if (declared === 'customer' || declared === 'agent' || declared === 'note') return declared;
  if (el.classList.contains('td-message--note')) return 'note';
  if (el.classList.contains('td-message--agent')) return 'agent';
  return 'customer';
}

function readMessage(el: Element): TicketMessage {
  return message(
    roleOf(el),
    blockText(el.querySelector('.td-message__body')),
    inlineText(el.querySelector('.td-message__author')),
    el.querySelector('time')?.getAttribute('datetime'),
  );
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
    const emailEl = app.querySelector('.td-requester__email');
    const mailto = (emailEl?.getAttribute('href') ?? '')
      .replace(/^mailto:/i, '')
      .replace(/\?.*$/, '')
      .trim();
    const thread = app.querySelector('.td-thread') ?? app;
    // buildTicket applies the limits, keeps the newest messages of a very long thread and leaves
    // the language to the module that guesses it from the text.
    return buildTicket({
      helpdesk: 'tidydesk',
      ticketId,
      url,
      subject: inlineText(subjectEl),
      requesterName: inlineText(app.querySelector('.td-requester__name')),
      requesterEmail: inlineText(emailEl) || decodeSafe(mailto),
      messages: Array.from(thread.querySelectorAll('.td-message')).map(readMessage),
      tags: Array.from(app.querySelectorAll('.td-tags .td-tag')).map((tag) => inlineText(tag)),
      priority: (priorityEl?.getAttribute('data-priority') ?? '').trim() || inlineText(priorityEl),
    });
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
