import type { HelpdeskAdapter } from './adapter';
import { blockText, buildTicket, firstShown, inlineText, message, watchSend } from './adapter-kit';
import type { MessageRole, Ticket } from './schema';

/**
 * Per-site selector overrides, for when a helpdesk changes its page before the adapter catches
 * up. Each is a CSS selector; empty fields keep the adapter's own behaviour. (The zod schema for
 * the options page is in overrides-schema.ts; this file stays zod-free for the content script.)
 */
export interface SelectorOverrides {
  subject?: string | undefined;
  message?: string | undefined;
  /** A message that matches (or contains a match for) this is the agent's. */
  roleAgent?: string | undefined;
  /** A message that matches (or contains a match for) this is an internal note. */
  roleNote?: string | undefined;
  editor?: string | undefined;
  send?: string | undefined;
}

/** Overrides by site origin (`https://support.acme.com`). */
export type SiteOverrides = Record<string, SelectorOverrides>;

export const OVERRIDE_FIELDS = ['subject', 'message', 'roleAgent', 'roleNote', 'editor', 'send'] as const;
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

/** Selectors that the browser cannot parse, by field, with a sentence each. */
export function invalidSelectors(overrides: SelectorOverrides, doc: Document): Partial<Record<OverrideField, string>> {
  const errors: Partial<Record<OverrideField, string>> = {};
  const probe = doc.createDocumentFragment();
  for (const field of OVERRIDE_FIELDS) {
    const selector = overrides[field];
    if (!selector) continue;
    try {
      probe.querySelector(selector);
    } catch {
      errors[field] = `"${selector}" is not a valid CSS selector.`;
    }
  }
  return errors;
}

/** The overrides stored for one site, if the stored value has that shape. */
export function overridesOfSite(stored: unknown, origin: string): SelectorOverrides | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const site: unknown = Reflect.get(stored, origin);
  if (typeof site !== 'object' || site === null) return undefined;
  const out: SelectorOverrides = {};
  for (const field of OVERRIDE_FIELDS) {
    const value: unknown = Reflect.get(site, field);
    if (typeof value === 'string' && value.trim()) out[field] = value.trim();
  }
  return out;
}

function has(overrides: SelectorOverrides): boolean {
  return OVERRIDE_FIELDS.some((f) => Boolean(overrides[f]));
}

function matchesOrContains(el: Element, selector: string | undefined): boolean {
  if (!selector) return false;
  try {
    return el.matches(selector) || el.querySelector(selector) !== null;
  } catch {
    return false;
  }
}

function queryAll(doc: Document, selector: string): Element[] {
  try {
    return Array.from(doc.querySelectorAll(selector));
  } catch {
    return [];
  }
}

/** The site's adapter with its overrides applied on top. */
export function withOverrides(adapter: HelpdeskAdapter, overrides: SelectorOverrides | undefined): HelpdeskAdapter {
  if (!overrides || !has(overrides)) return adapter;
  const o = overrides;
  const editor = (doc: Document): HTMLElement | null => (o.editor ? firstShown<HTMLElement>(doc, [o.editor]) : adapter.editor(doc));
  return {
    id: adapter.id,
    matches: (url, doc) => adapter.matches(url, doc),
    extract(doc: Document, url: URL): Ticket | null {
      let base: Ticket | null = null;
      try {
        base = adapter.extract(doc, url);
      } catch (error) {
        if (!o.message) throw error;
      }
      const messages = o.message
        ? queryAll(doc, o.message).map((el) => {
            const role: MessageRole = matchesOrContains(el, o.roleNote) ? 'note' : matchesOrContains(el, o.roleAgent) ? 'agent' : 'customer';
            return message(role, blockText(el));
          })
        : base?.messages;
      if (!base && (!messages || messages.length === 0)) return null;
      const subject = o.subject ? inlineText(doc.querySelector(o.subject)) : base?.subject;
      return buildTicket({
        helpdesk: adapter.id,
        ticketId: base?.ticketId ?? `${url.pathname}${url.hash}`,
        url,
        subject: subject || base?.subject || doc.title,
        requesterName: base?.requester.name,
        requesterEmail: base?.requester.email,
        messages: messages ?? [],
        tags: base?.tags ?? [],
        priority: base?.priority,
        language: base?.language,
      });
    },
    editor,
    onSend(doc, onSent, signal) {
      if (o.send) watchSend(doc, { sendButtons: [o.send], editor }, onSent, signal);
      else adapter.onSend(doc, onSent, signal);
    },
  };
}
