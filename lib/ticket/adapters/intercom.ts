import type { HelpdeskAdapter } from '../adapter';
import { blockText, buildTicket, emailIn, firstShown, hostIs, inlineText, message, watchSend } from '../adapter-kit';
import type { MessageRole, Ticket, TicketMessage } from '../schema';

/**
 * Intercom Inbox (`https://app.intercom.com/a/inbox/<workspace>/inbox/…/conversation/<id>`; the
 * EU and AU regions run the same app on app.eu / app.au).
 *
 * The conversation stream (`[data-conversation-stream]`) holds part groups, consecutive parts by
 * one author: `[data-part-group-id]` with `data-part-group-category` — 1 the user (customer),
 * 3 a teammate, 4 a note, 5 a bot, 20 an automated event (assignments, state changes). Each part
 * in a group (`[data-part-id]`) is one message, its body in `.inbox2__break-words` (chat) or
 * `.inbox2__user-email-content` (email), its time in `time[datetime]`. Around the stream:
 *
 *   [data-inbox-conversation-header-title]                 the conversation title (subject)
 *   [data-conversation-priority="true"]                    the header's priority flag (Intercom's
 *                                                          priority is on or off: read as "high")
 *   [data-conversation-details]                            the details sidebar: the user's profile
 *     link (…/users/<id>…), attributes ([data-attribute-name="email"]) and tags ([data-tag-name])
 *   [data-part-group-author]                               a part group's author
 *   [data-conversation-reply-composer] .ProseMirror        the reply / note composer
 *   [data-conversation-reply-composer] button[type=submit] its Send button
 */

const CONVERSATION_PATHS = [/^\/a\/inbox\/[^/]+\/(?:.*\/)?conversations?\/(\d+)(?:\/|$)/, /^\/a\/apps\/[^/]+\/conversations\/(\d+)(?:\/|$)/] as const;

const STREAMS = [
  '[data-conversation-stream]',
  '[data-testid="conversation-stream-scroll-container"]',
  '.inbox2__conversation-stream',
  '.inbox-2__conversation-stream',
] as const;
const TITLES = ['[data-inbox-conversation-header-title]', '[data-conversation-title]', '.inbox2__conversation-title', '.inbox-2__conversation-title'] as const;
const DETAILS = ['[data-conversation-details]', '.inbox2__conversation-details', '.inbox-2__conversation-details'] as const;
const BODIES = [
  '.inbox2__user-email-content',
  '.inbox-2__user-email-content',
  '.inbox2__break-words',
  '.inbox-2__break-words',
  '.inbox2__renderable-part',
  '.inbox-2__renderable-part',
  '.interblocks-html',
] as const;

const EDITORS = [
  '[data-conversation-reply-composer] .ProseMirror[contenteditable="true"]',
  '.ProseMirror.embercom-prosemirror-composer-editor[contenteditable="true"]',
  '.embercom-prosemirror-composer-editor[contenteditable="true"]',
] as const;

const SEND_BUTTONS = [
  '[data-conversation-reply-composer] button[type="submit"]',
  '[data-conversation-reply-composer] [data-composer-send-button]',
] as const;

type PartKind = MessageRole | 'skip';

const CATEGORIES: Readonly<Record<string, PartKind>> = { '1': 'customer', '3': 'agent', '4': 'note', '5': 'agent', '20': 'skip' };

function first(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (el) return el;
  }
  return null;
}

function conversationIdOf(url: URL): string | undefined {
  for (const path of CONVERSATION_PATHS) {
    const id = path.exec(url.pathname)?.[1];
    if (id) return id;
  }
  return undefined;
}

function kindOf(group: Element): PartKind {
  const category = group.getAttribute('data-part-group-category')?.trim() ?? '';
  const known = CATEGORIES[category];
  if (known) return known;
  // Without a category: the classic inbox's classes, or the author type.
  const classes = group.className.toLowerCase();
  if (/\bo__admin-note\b|\bnote\b/.test(classes)) return 'note';
  const author = (group.getAttribute('data-author-type') ?? '').toLowerCase();
  if (/user|lead|contact|customer/.test(author) || /\bo__user\b/.test(classes)) return 'customer';
  if (/admin|teammate|bot/.test(author) || /\bo__admin\b/.test(classes)) return 'agent';
  return 'skip';
}

function readGroup(group: Element): TicketMessage[] {
  const kind = kindOf(group);
  if (kind === 'skip') return [];
  const author = inlineText(group.querySelector('[data-part-group-author], .inbox2__part-group-author, .inbox-2__part-group-author'));
  const groupTime = group.querySelector('time[datetime]')?.getAttribute('datetime');
  const parts = Array.from(group.querySelectorAll('[data-part-id]'));
  return (parts.length > 0 ? parts : [group]).map((part) =>
    message(kind, blockText(first(part, BODIES) ?? part), author, part.querySelector('time[datetime]')?.getAttribute('datetime') ?? groupTime),
  );
}

function requesterOf(doc: Document): { name?: string; email?: string } {
  const details = first(doc, DETAILS);
  if (!details) return {};
  const name = inlineText(details.querySelector('[data-user-name], a[href*="/users/"]')) || undefined;
  const email = emailIn(
    inlineText(details.querySelector('[data-attribute-name="email"]')),
    details.querySelector('a[href^="mailto:"]')?.getAttribute('href'),
  );
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

function tagsOf(doc: Document): string[] {
  const details = first(doc, DETAILS);
  if (!details) return [];
  return Array.from(details.querySelectorAll('[data-tag-name]')).map((el) => el.getAttribute('data-tag-name')?.trim() || inlineText(el));
}

function priorityOf(doc: Document): string | undefined {
  return doc.querySelector('[data-conversation-priority="true"]') ? 'high' : undefined;
}

function findEditor(doc: Document): HTMLElement | null {
  return firstShown(doc, EDITORS);
}

export const intercomAdapter: HelpdeskAdapter = {
  id: 'intercom',

  matches(url: URL): boolean {
    return hostIs(url, 'app.intercom.com', 'app.eu.intercom.com', 'app.au.intercom.com') && url.pathname.startsWith('/a/');
  },

  extract(doc: Document, url: URL): Ticket | null {
    const ticketId = conversationIdOf(url);
    if (!ticketId) return null;
    const stream = first(doc, STREAMS);
    // The address alone is not enough: the conversation must have rendered.
    if (!stream) return null;
    const requester = requesterOf(doc);
    return buildTicket({
      helpdesk: 'intercom',
      ticketId,
      url,
      subject: inlineText(first(doc, TITLES)),
      requesterName: requester.name,
      requesterEmail: requester.email,
      messages: Array.from(stream.querySelectorAll('[data-part-group-id]')).flatMap(readGroup),
      tags: tagsOf(doc),
      priority: priorityOf(doc),
    });
  },

  editor: findEditor,

  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void {
    watchSend(doc, { sendButtons: SEND_BUTTONS, editor: findEditor }, onSent, signal);
  },
};
