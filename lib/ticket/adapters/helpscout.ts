import type { HelpdeskAdapter } from '../adapter';
import { blockText, buildTicket, emailIn, firstShown, hostIs, inlineText, message, watchSend } from '../adapter-kit';
import type { MessageRole, Ticket, TicketMessage } from '../schema';

/**
 * Help Scout (`https://secure.helpscout.net/conversation/<id>/<number>?folderId=…`).
 *
 * Two generations of the conversation view are read. The classic one renders each thread as
 *
 *   article.thread.<type>#thread-<id>   type: customer | message | note | lineitem | chat | forward…
 *     section.threadHeader              author (.name) and time[datetime]
 *     section.messageBody               the body
 *
 * with the reply editor in `.redactor_editor` and Send as `#sendBtn`. The current one lists
 * threads in `ol[aria-label="Thread Items"]` (`[data-testid="ThreadContainer"]`) as
 * `div[id^="thread-"]`, author in `span[data-nocollapse]`, type in its classes or aria-label,
 * and a Slate editor under `[data-cy="ConvoEditor"]`. Line items (status changes, assignments)
 * are not messages. Threads are listed newest first by default, so they are put back in order by
 * their times. Help Scout has no ticket priority.
 */

const CONVERSATION_PATH = /^\/conversation\/(\d+)(?:\/|$)/;

const THREADS = [
  'article.thread',
  '[data-testid="ThreadContainer"] [id^="thread-"]',
  'ol[aria-label="Thread Items"] > li > [id^="thread-"]',
].join(', ');

const SUBJECTS = ['[data-cy="ConvoSubject"]', '.js-convo-subject', '#subjectLine', '.c-ConvoSubject', 'h1.subject'] as const;
const SIDEBARS = ['[data-cy="customer-sidebar"]', '.c-conversation-sidebar', '#customerSidebar', '.sidebar-customer'] as const;

const EDITORS = [
  '[data-cy="ConvoEditor"][contenteditable="true"]',
  '[data-cy="ConvoEditor"] [contenteditable="true"]',
  '[data-slate-editor="true"][contenteditable="true"]',
  '.redactor_editor[contenteditable="true"]',
  '[role="textbox"][aria-label="Reply Editor"]',
] as const;

const SEND_BUTTONS = ['#sendBtn', '[data-cy="SendButton"]', '[data-testid="send-button"]', '[data-cy="ConvoEditor"] button[type="submit"]'] as const;

type ThreadKind = MessageRole | 'skip';

function first(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (el) return el;
  }
  return null;
}

function kindOf(thread: Element): ThreadKind {
  const declared = (thread.getAttribute('data-thread-type') ?? '').toLowerCase();
  const classes = new Set(Array.from(thread.classList).map((c) => c.toLowerCase().replace(/^is-/, '')));
  const label = (thread.getAttribute('aria-label') ?? '').toLowerCase();
  const has = (kind: string) => declared === kind || classes.has(kind);
  if (has('lineitem') || has('line-item') || /\bline item\b/.test(label)) return 'skip';
  if (has('note') || /\bnote\b/.test(label)) return 'note';
  if (has('customer') || /\bcustomer\b/.test(label)) return 'customer';
  return 'agent';
}

function readThread(thread: Element): TicketMessage | null {
  const kind = kindOf(thread);
  if (kind === 'skip') return null;
  const header = thread.querySelector('.threadHeader, header') ?? thread;
  const author = inlineText(
    thread.querySelector('span[data-nocollapse="true"]') ?? header.querySelector('.name') ?? header.querySelector('.from strong, strong'),
  );
  const body = thread.querySelector('.messageBody, [data-testid="ThreadContent"], .thread-content');
  const at = thread.querySelector('time[datetime]')?.getAttribute('datetime');
  return message(kind, blockText(body), author, at);
}

/** Thread elements, outermost only (the current UI nests ids like thread-<id>-body). */
function threadsIn(doc: Document): Element[] {
  const all = Array.from(doc.querySelectorAll(THREADS));
  return all.filter((el) => !all.some((other) => other !== el && other.contains(el)));
}

/**
 * Help Scout lists the newest thread first unless the agent chose otherwise: when the times that
 * can be read run backwards, turn the list around (buildTicket sorts fully when every one has a time).
 */
function oldestFirst(messages: TicketMessage[]): TicketMessage[] {
  const times = messages.map((m) => (m.at ? Date.parse(m.at) : Number.NaN)).filter((t) => !Number.isNaN(t));
  const descending = times.length > 1 && times.every((t, i) => i === 0 || t <= (times[i - 1] ?? t)) && times[0] !== times[times.length - 1];
  return descending ? [...messages].reverse() : messages;
}

function requesterOf(doc: Document): { name?: string; email?: string } {
  const sidebar = first(doc, SIDEBARS);
  if (!sidebar) return {};
  const name = inlineText(sidebar.querySelector('[data-cy="CustomerName"], .c-customer-profile__name, .customer-name')) || undefined;
  const email = emailIn(
    inlineText(sidebar.querySelector('[data-cy="CustomerEmail"], .c-customer-profile__email, .customer-email')),
    sidebar.querySelector('a[href^="mailto:"]')?.getAttribute('href'),
  );
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

function tagsOf(doc: Document): string[] {
  return Array.from(doc.querySelectorAll('[data-cy="Tag"], .c-TagList .c-Tag, #tags .tag')).map((el) => inlineText(el));
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown(doc, EDITORS);
}

export const helpscoutAdapter: HelpdeskAdapter = {
  id: 'helpscout',

  matches(url: URL): boolean {
    return hostIs(url, 'secure.helpscout.net');
  },

  extract(doc: Document, url: URL): Ticket | null {
    const ticketId = CONVERSATION_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    const subjectEl = first(doc, SUBJECTS);
    const threads = threadsIn(doc);
    // The address alone is not enough: the conversation must have rendered.
    if (!subjectEl && threads.length === 0) return null;
    const requester = requesterOf(doc);
    return buildTicket({
      helpdesk: 'helpscout',
      ticketId,
      url,
      subject: inlineText(subjectEl),
      requesterName: requester.name,
      requesterEmail: requester.email,
      messages: oldestFirst(threads.map(readThread).filter((m): m is TicketMessage => m !== null)),
      tags: tagsOf(doc),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
