import type { HelpdeskAdapter } from '../adapter';
import type { MessageRole, Ticket, TicketMessage } from '../schema';
import { blockText, buildTicket, emailIn, firstShown, inlineText, message, watchSend } from '../adapter-kit';

/**
 * FreeScout (self-hosted Laravel helpdesk, any host, port or sub-path) — `/conversation/<id>`.
 *
 * Recognised by the app's markup, never by its address:
 *   #conv-layout > #conv-layout-main + #conv-subject      a conversation
 *   table.table-conversations tr.conv-row                  a mailbox folder (no conversation)
 *
 * In a conversation:
 *   #conv-subject .conv-subjtext                           subject
 *   #conv-layout-customer .customer-name / .customer-email customer
 *   #conv-layout-main .thread.thread-type-<type>           one per thread, NEWEST FIRST;
 *     types: customer | message (agent reply) | note | lineitem (status change) | draft
 *     data-thread_id / id="thread-<id>"                    ids grow with time
 *     .thread-person strong                                author ("you" for the viewer)
 *     .thread-body .thread-content                         body
 *   .conv-reply-block form.form-reply                      reply form: a Summernote editor
 *     .note-editor .note-editable[contenteditable]         (the textarea#body behind it is hidden)
 *     input[name="is_note"]                                "1" while the form adds a note
 *   .btn-send-text                                         "Send Reply"
 * Dates are shown relative ("2 hours ago") with a formatted tooltip only, so messages carry no time.
 */

const CONVERSATION_PATH = /\/conversation\/(\d+)(?:[/?#]|$)/;

const EDITOR_SELECTORS = [
  '.conv-reply-block .note-editable[contenteditable="true"]',
  '.note-editor .note-editable[contenteditable="true"]',
  '.note-editable[contenteditable]',
] as const;

const SEND_BUTTONS = ['.btn-reply-submit.btn-send-text', '.conv-reply-block .btn-send-text'] as const;

/** Parts of a thread body that are FreeScout's own, not the message. */
const NOT_BODY = '.thread-attachments, .thread-meta, .thread-opened-at, .thread-original, .alert';

function isFreescout(doc: Document): boolean {
  if (doc.querySelector('#conv-layout #conv-layout-main') && doc.querySelector('#conv-subject')) return true;
  return doc.querySelector('table.table-conversations tr.conv-row, table.table-conversations thead .conv-subject') !== null;
}

function conversationId(doc: Document, url: URL): string | null {
  const fromPath = CONVERSATION_PATH.exec(url.pathname)?.[1];
  if (fromPath) return fromPath;
  const fromBody = doc.body?.getAttribute('data-conversation_id')?.trim() ?? '';
  return /^\d+$/.test(fromBody) ? fromBody : null;
}

function roleOf(thread: Element): MessageRole | null {
  const classes = thread.classList;
  if (classes.contains('thread-type-customer')) return 'customer';
  if (classes.contains('thread-type-message')) return 'agent';
  if (classes.contains('thread-type-note')) return 'note';
  // line items (status changes, assignments) and unsent drafts are not messages
  return null;
}

function threadNumber(thread: Element): number {
  const raw = thread.getAttribute('data-thread_id') ?? /^thread-(\d+)$/.exec(thread.id)?.[1] ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function bodyText(thread: Element): string {
  const content = thread.querySelector('.thread-body .thread-content');
  if (content) return blockText(content);
  const body = thread.querySelector('.thread-body');
  if (!body) return '';
  const copy = body.cloneNode(true);
  if (!isElement(copy)) return '';
  for (const el of Array.from(copy.querySelectorAll(NOT_BODY))) el.remove();
  return blockText(copy);
}

function readThread(thread: Element): TicketMessage | null {
  const role = roleOf(thread);
  if (!role) return null;
  const author = inlineText(thread.querySelector('.thread-header .thread-person strong'));
  return message(role, bodyText(thread), author);
}

/** Threads oldest first: by thread id where every thread has one, else the page order reversed. */
function oldestFirst(threads: Element[]): Element[] {
  const numbers = threads.map(threadNumber);
  if (numbers.some((n) => Number.isNaN(n))) return [...threads].reverse();
  return threads
    .map((thread, index) => ({ thread, n: numbers[index] ?? 0 }))
    .sort((a, b) => a.n - b.n)
    .map((entry) => entry.thread);
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown<HTMLElement>(doc, EDITOR_SELECTORS);
}

/** The editor whose text counts as a sent reply: none while the form is adding a note. */
function replyEditor(doc: Document): HTMLElement | null {
  const editor = findEditor(doc);
  const form = editor?.closest('.conv-reply-block');
  if (form?.classList.contains('conv-note-block')) return null;
  const isNote = form?.querySelector('input[name="is_note"]')?.getAttribute('value') ?? '';
  return isNote === '1' ? null : editor;
}

export const freescoutAdapter: HelpdeskAdapter = {
  id: 'freescout',

  matches(_url: URL, doc: Document): boolean {
    return isFreescout(doc);
  },

  extract(doc: Document, url: URL): Ticket | null {
    const main = doc.querySelector('#conv-layout-main');
    if (!main) return null;
    const ticketId = conversationId(doc, url);
    if (!ticketId) return null;

    const threads = Array.from(main.querySelectorAll('.thread')).filter((t) => !t.parentElement?.closest('.thread'));
    const messages = oldestFirst(threads).flatMap((thread) => {
      const m = readThread(thread);
      return m ? [m] : [];
    });

    const customer = doc.querySelector('#conv-layout-customer');
    const emailEl = customer?.querySelector('.customer-email a.contact-main') ?? customer?.querySelector('.customer-email');

    return buildTicket({
      helpdesk: 'freescout',
      ticketId,
      url,
      subject: inlineText(doc.querySelector('#conv-subject .conv-subjtext')),
      requesterName: inlineText(customer?.querySelector('.customer-name')),
      requesterEmail: emailIn(emailEl?.textContent),
      messages,
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: replyEditor }, onSent, signal);
  },
};
