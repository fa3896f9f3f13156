import type { HelpdeskAdapter } from './adapter';
import { textWithBreaks } from './dom-text';
import { editorText } from './editor';
import type { MessageRole, Ticket, TicketMessage } from './schema';

/**
 * The parts every helpdesk adapter shares: limits, text helpers, chronological order, and send
 * detection in the capture phase. Adapters describe their product's DOM; this does the rest.
 */
export const MAX_MESSAGES = 500;
export const MAX_TEXT = 100_000;
export const MAX_TAGS = 200;

export function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** One-line text of an element (names, subjects, tags). */
export function inlineText(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Multi-line text of a message body, line breaks kept, scripts and hidden parts skipped. */
export function blockText(el: Element | null | undefined): string {
  return el ? clip(textWithBreaks(el), MAX_TEXT) : '';
}

export function optional(value: string | null | undefined, max = 500): string | undefined {
  const v = (value ?? '').trim();
  return v ? clip(v, max) : undefined;
}

/** An email address in a text or a `mailto:` link, if any. */
export function emailIn(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values) {
    const m = /[A-Z0-9._%+'-]+@[A-Z0-9.-]+\.[A-Z]{2,}/i.exec(decodeSafe(value ?? ''));
    if (m) return m[0];
  }
  return undefined;
}

export function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** DOM order, unless every message carries a parseable time: then oldest first (stable). */
export function chronological(messages: TicketMessage[]): TicketMessage[] {
  const times = messages.map((m) => (m.at ? Date.parse(m.at) : Number.NaN));
  if (times.length === 0 || times.some((t) => Number.isNaN(t))) return messages;
  return messages
    .map((message, index) => ({ message, index, time: times[index] ?? 0 }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.message);
}

export function message(role: MessageRole, text: string, author?: string, at?: string | null): TicketMessage {
  return {
    role,
    text: clip(text, MAX_TEXT),
    ...(optional(author) ? { author: optional(author) } : {}),
    ...(optional(at, 100) ? { at: optional(at, 100) } : {}),
  };
}

export interface TicketParts {
  helpdesk: string;
  ticketId: string;
  url: URL;
  subject: string;
  requesterName?: string | undefined;
  requesterEmail?: string | undefined;
  messages: TicketMessage[];
  tags?: string[];
  priority?: string | undefined;
  language?: string | undefined;
}

/** Assemble a schema-valid Ticket: limits applied, newest messages kept on very long threads. */
export function buildTicket(parts: TicketParts): Ticket {
  const name = optional(parts.requesterName);
  const email = optional(parts.requesterEmail);
  const priority = optional(parts.priority?.toLowerCase(), 100);
  const language = optional(parts.language, 20);
  return {
    helpdesk: parts.helpdesk,
    ticketId: clip(parts.ticketId, 500),
    url: clip(parts.url.href, 4000),
    subject: clip(parts.subject, 2000),
    requester: { ...(name ? { name } : {}), ...(email ? { email } : {}) },
    messages: chronological(parts.messages).slice(-MAX_MESSAGES),
    tags: (parts.tags ?? [])
      .map((t) => clip(t.trim(), 200))
      .filter(Boolean)
      .slice(0, MAX_TAGS),
    ...(priority ? { priority } : {}),
    ...(language ? { language } : {}),
    signals: {},
  };
}

/** Whether an element is shown (not inside `hidden`, `display:none` or `aria-hidden`). */
export function isShown(el: Element): boolean {
  if (el.closest('[hidden], [aria-hidden="true"]')) return false;
  const view = el.ownerDocument.defaultView;
  if (!view) return true;
  for (let node: Element | null = el; node; node = node.parentElement) {
    const style = view.getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
  }
  return true;
}

/** The first shown element matching any of the selectors, in selector order. */
export function firstShown<T extends Element = HTMLElement>(root: ParentNode, selectors: readonly string[]): T | null {
  for (const selector of selectors) {
    for (const el of Array.from(root.querySelectorAll<T>(selector))) if (isShown(el)) return el;
  }
  return null;
}

function isElementNode(node: EventTarget): node is Element {
  return 'nodeType' in node && node.nodeType === 1 && 'matches' in node;
}

export interface SendWatch {
  /** Selectors of the Send button(s). A click on (or inside) one reports the editor's text. */
  sendButtons: readonly string[];
  /** The editor whose text is reported. */
  editor: (doc: Document) => HTMLElement | null;
  /** Also report on Ctrl/Cmd+Enter inside the editor (default true). */
  ctrlEnter?: boolean;
}

/**
 * Report the reply when the agent sends: Send-button clicks and Ctrl/Cmd+Enter, caught in the
 * capture phase so the editor is read before the helpdesk clears it. A disabled button sends nothing.
 */
export function watchSend(doc: Document, watch: SendWatch, onSent: (text: string) => void, signal: AbortSignal): void {
  if (signal.aborted) return;
  const report = () => {
    const editor = watch.editor(doc);
    const text = editor ? editorText(editor).trim() : '';
    if (text) onSent(text);
  };
  const sendButtonOf = (event: Event): Element | null => {
    for (const node of event.composedPath()) {
      // nodeType, not instanceof: an editor in an iframe has another window's Element.
      if (!isElementNode(node)) continue;
      if (watch.sendButtons.some((s) => node.matches(s))) return node;
    }
    return null;
  };
  doc.addEventListener(
    'click',
    (event) => {
      const button = sendButtonOf(event);
      if (!button) return;
      if (button.closest('[disabled], [aria-disabled="true"]')) return;
      report();
    },
    { capture: true, signal },
  );
  if (watch.ctrlEnter === false) return;
  doc.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
      const editor = watch.editor(doc);
      if (editor && event.composedPath().includes(editor)) report();
    },
    { capture: true, signal },
  );
}

/** Host check for the hosted products: exact host or any subdomain of a suffix. */
export function hostIs(url: URL, ...hosts: string[]): boolean {
  return hosts.some((h) => (h.startsWith('.') ? url.hostname.endsWith(h) : url.hostname === h));
}

export type { HelpdeskAdapter };
