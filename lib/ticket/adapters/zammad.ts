import type { HelpdeskAdapter } from '../adapter';
import type { MessageRole, Ticket, TicketMessage } from '../schema';
import { blockText, buildTicket, emailIn, firstShown, inlineText, isShown, message, watchSend } from '../adapter-kit';

/**
 * Zammad (self-hosted, any host and port) — the agent app at `/#ticket/zoom/<id>`.
 *
 * Recognised by the app's markup, never by its address:
 *   #app > #navigation.navigation                         the left navigation bar
 *   #app > [id^="content_permanent_"]                     one container per open tab ("task")
 *
 * Every open ticket is a task `#content_permanent_Ticket-<id>`; the shown one has `.active`, the
 * others `.hide` (or are detached). Inside a ticket task:
 *   .ticketZoom-header .ticket-title-update               subject (contenteditable title)
 *   .ticket-article .ticket-article-item                  one per article, classes: sender
 *     (customer | agent | system) and `is-internal` for internal articles (notes)
 *     .article-meta.top .article-meta-row                 From / To rows; From = `Name <address>`
 *     .textBubble-content .richtext-content               body; quoted mails stay in <blockquote>,
 *                                                         `.js-signatureMarker` starts a signature
 *     .task-subline time[datetime]                        creation time
 *   .tabsSidebar .sidebar[data-tab="customer"]            customer: h3 name, mailto link
 *   .tabsSidebar .sidebar[data-tab="ticket"]              select[name="priority_id"], .js-tag
 *   form.article-add (is-public | is-internal)            reply form; its editor is
 *     .articleNewEdit-body.richtext-content[contenteditable]
 *   .attributeBar .js-submit                              the "Update" button that sends
 */

const TICKET_TASK_PREFIX = 'content_permanent_Ticket-';
const ZOOM_HASH = /^#ticket\/zoom\/(\d+)(?:[/?]|$)/;

const EDITOR_SELECTORS = [
  'form.article-add .articleNewEdit-body[contenteditable="true"]',
  'form.article-add [data-name="body"][contenteditable="true"]',
  'div.richtext-content[contenteditable="true"]',
] as const;

const SEND_BUTTONS = ['.attributeBar .js-submit', '.attributeBar .js-dropdownActionMacro'] as const;

/** Parts of a body that the product marks as not being the message itself. */
const QUOTED = 'blockquote';
const SIGNATURE_MARKER = '.js-signatureMarker';
/** A private-use character: survives text extraction and cannot occur in a real message. */
const CUT = '\uE000';

function isZammad(doc: Document): boolean {
  const app = doc.getElementById('app');
  if (!app?.querySelector('#navigation.navigation')) return false;
  return app.querySelector('[id^="content_permanent_"], .ticketZoom') !== null;
}

function isHiddenTask(el: Element): boolean {
  return el.classList.contains('hide') || !isShown(el);
}

/** The open ticket task: the one the address names, else the active (shown) one. */
function ticketTask(doc: Document, id?: string): Element | null {
  const tasks = Array.from(doc.querySelectorAll(`[id^="${TICKET_TASK_PREFIX}"]`));
  if (id) {
    const named = tasks.find((task) => task.id === TICKET_TASK_PREFIX + id);
    if (named) return named;
  }
  return (
    tasks.find((task) => task.classList.contains('active') && !isHiddenTask(task)) ??
    tasks.find((task) => !isHiddenTask(task)) ??
    null
  );
}

function roleOf(item: Element): MessageRole | null {
  const classes = item.classList;
  if (classes.contains('is-internal')) return 'note';
  if (classes.contains('agent')) return 'agent';
  if (classes.contains('customer')) return 'customer';
  // System articles (auto-replies, trigger mails) were written by no one on either side.
  return null;
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

/** Body text without quoted mails, cut where Zammad marks the signature. */
function bodyText(body: Element): string {
  const copy = body.cloneNode(true);
  if (!isElement(copy)) return '';
  for (const quote of Array.from(copy.querySelectorAll(QUOTED))) quote.remove();
  const marker = copy.querySelector(SIGNATURE_MARKER);
  if (marker) marker.replaceWith(copy.ownerDocument.createTextNode(CUT));
  const text = blockText(copy);
  const cut = text.indexOf(CUT);
  return (cut >= 0 ? text.slice(0, cut) : text).trim();
}

/** The article's From line: display name and address (`Name <address>`). */
function fromLine(item: Element): { name: string; email?: string | undefined } {
  const value = item.querySelector('.article-meta.top .article-meta-row .article-meta-value');
  if (!value) return { name: '' };
  const copy = value.cloneNode(true);
  if (!isElement(copy)) return { name: '' };
  const email = emailIn(value.textContent);
  for (const muted of Array.from(copy.querySelectorAll('.text-muted'))) muted.remove();
  const name = inlineText(copy).replace(/^"(.*)"$/, '$1');
  return { name: name === email ? '' : name, email };
}

function readArticle(item: Element): TicketMessage | null {
  const role = roleOf(item);
  if (!role) return null;
  const body = item.querySelector('.textBubble-content .richtext-content') ?? item.querySelector('.richtext-content');
  // Outgoing mails are sent as "Agent via Group"; the agent is the author.
  let author = fromLine(item).name;
  if (role === 'agent') author = author.replace(/\s+via\s+.+$/i, '');
  const time = Array.from(item.querySelectorAll('time')).find((t) => !t.closest('.richtext-content'));
  const at = time?.getAttribute('datetime') ?? time?.getAttribute('data-time');
  return message(role, body ? bodyText(body) : '', author, at);
}

function requesterOf(task: Element, messages: { item: Element; message: TicketMessage }[]): { name?: string; email?: string } {
  const sidebar = task.querySelector('.tabsSidebar .sidebar[data-tab="customer"] .sidebar-content');
  const name = inlineText(sidebar?.querySelector('h3'));
  const mailto = sidebar?.querySelector('a[href^="mailto:"]');
  let email = emailIn(mailto?.getAttribute('href'), mailto?.textContent);
  const first = messages.find((m) => m.message.role === 'customer');
  const from = first ? fromLine(first.item) : undefined;
  email ??= from?.email;
  const fallbackName = from?.name ?? '';
  return { ...(name || fallbackName ? { name: name || fallbackName } : {}), ...(email ? { email } : {}) };
}

function priorityOf(task: Element): string | undefined {
  const select = task.querySelector('.tabsSidebar select[name="priority_id"]');
  if (!select) return undefined;
  const options = Array.from(select.querySelectorAll('option'));
  // The attribute is the saved priority (Zammad renders it after every update); the property
  // would also follow an unsaved change in the sidebar.
  const chosen = options.find((o) => o.hasAttribute('selected')) ?? options.find((o) => o.selected);
  // Zammad's priorities read "1 low", "2 normal", "3 high".
  return inlineText(chosen).replace(/^\d+\s+/, '') || undefined;
}

function findEditor(doc: Document): HTMLElement | null {
  const task = ticketTask(doc);
  return firstShown<HTMLElement>(task ?? doc, EDITOR_SELECTORS);
}

/** The editor whose text counts as a sent reply: none while the article is set to internal. */
function publicEditor(doc: Document): HTMLElement | null {
  const editor = findEditor(doc);
  const form = editor?.closest('form.article-add');
  if (!form) return editor;
  if (form.classList.contains('is-internal')) return null;
  if (form.querySelector('input[name="internal"]')?.getAttribute('value') === 'true') return null;
  return editor;
}

export const zammadAdapter: HelpdeskAdapter = {
  id: 'zammad',

  matches(_url: URL, doc: Document): boolean {
    return isZammad(doc);
  },

  extract(doc: Document, url: URL): Ticket | null {
    const id = ZOOM_HASH.exec(url.hash)?.[1];
    if (!id) return null;
    const task = ticketTask(doc, id);
    if (!task?.querySelector('.ticketZoom')) return null;
    const ticketId = task.id.slice(TICKET_TASK_PREFIX.length) || id;

    const subject = inlineText(
      task.querySelector('.ticketZoom-header .ticket-title-update') ?? task.querySelector('.ticket-title-update'),
    );
    const read = Array.from(task.querySelectorAll('.ticket-article .ticket-article-item')).flatMap((item) => {
      const m = readArticle(item);
      return m ? [{ item, message: m }] : [];
    });
    const requester = requesterOf(task, read);
    const sidebarTags = task.querySelectorAll('.tabsSidebar .sidebar[data-tab="ticket"] .js-tag');
    const tags = Array.from(sidebarTags.length > 0 ? sidebarTags : task.querySelectorAll('.tabsSidebar .js-tag')).map((t) =>
      inlineText(t),
    );

    return buildTicket({
      helpdesk: 'zammad',
      ticketId,
      url,
      subject,
      requesterName: requester.name,
      requesterEmail: requester.email,
      messages: read.map((r) => r.message),
      tags,
      priority: priorityOf(task),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: publicEditor }, onSent, signal);
  },
};
