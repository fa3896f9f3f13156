import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { parseBackgroundToContent } from '../content-protocol';
import type { ContentReply, ContentToBackground, NoTicketReason } from '../messages';
import { insertIntoEditor } from '../ticket/editor';
import { pageSnapshot } from '../ticket/snapshot';
import { withOverrides, type SelectorOverrides } from '../ticket/overrides';
import { pickAdapter as pickBaseAdapter, readTicket, withPageSignals } from '../ticket/reader';
import { overridesFor, watchOverrides } from './overrides';
import type { Ticket } from '../ticket/schema';
import { ticketKeyOf } from '../ticket/ticket-key';
import { watchPage } from '../ticket/watch';

async function send(message: ContentToBackground): Promise<void> {
  try {
    await browser.runtime.sendMessage(message);
  } catch {
    // The worker is restarting or the extension was updated; the next read retries.
  }
}

/**
 * The content script: read the ticket with the page's adapter, report it, re-read when the agent
 * moves to another ticket, insert drafts on request, and report replies as they are sent.
 */
export function startContentScript(ctx: ContentScriptContext): void {
  const controller = new AbortController();
  ctx.onInvalidated(() => controller.abort());
  const { signal } = controller;

  // Selector overrides for this site (Options → Advanced), applied over the site's adapter.
  let overrides: SelectorOverrides | undefined;
  const pickAdapter = (url: URL, doc: Document) => withOverrides(pickBaseAdapter(url, doc), overrides);

  let ticket: Ticket | null = null;
  let fingerprint = '';
  let sendWatch: AbortController | null = null;

  const insertDraft = async (ticketKey: string, text: string): Promise<ContentReply> => {
    if (!ticket) return { ok: false, error: 'This page shows no ticket any more. Open the ticket, then press Insert again.' };
    if (ticketKeyOf(ticket) !== ticketKey) {
      return { ok: false, error: 'This draft was written for another ticket than the one open now, so it was not inserted.' };
    }
    const editor = pickAdapter(new URL(window.location.href), document).editor(document);
    if (!editor) return { ok: false, error: 'No reply box is open on this page. Open the reply editor, then press Insert again.' };
    const result = await insertIntoEditor(editor, text);
    return result.ok ? { ok: true } : { ok: false, error: result.error };
  };

  const read = (force = false) => {
    const url = new URL(window.location.href);
    const adapter = pickAdapter(url, document);
    const readAt = Date.now();
    let next: Ticket | null = null;
    let reason: NoTicketReason | undefined;
    try {
      next = readTicket(adapter, document, url, { signals: false });
      if (!next) reason = { code: adapter.id === 'generic' ? 'no-conversation' : 'not-a-ticket', adapter: adapter.id };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      reason = { code: 'extract-failed', adapter: adapter.id, detail: detail.slice(0, 300) };
      console.warn('Ticket Copilot could not read this page:', error);
    }
    const print = next ? `${ticketKeyOf(next)}|${next.messages.length}|${next.subject}` : `none|${url.href}`;
    if (!force && print === fingerprint) return;
    fingerprint = print;
    // The hidden-text scan walks the page's styles: only for a ticket that is about to be reported.
    if (next) {
      try {
        next = withPageSignals(next, document);
      } catch (error) {
        console.warn('Ticket Copilot could not scan the page for hidden text:', error);
      }
    }
    ticket = next;
    sendWatch?.abort();
    sendWatch = new AbortController();
    signal.addEventListener('abort', () => sendWatch?.abort());
    if (next) {
      const key = ticketKeyOf(next);
      adapter.onSend(document, (text) => void send({ type: 'reply/sent', ticketKey: key, text }), sendWatch.signal);
    }
    void send({ type: 'ticket/read', ticket: next, readAt, ...(reason ? { reason } : {}) });
  };

  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: ContentReply) => void) => {
    if (sender.id !== browser.runtime.id || signal.aborted) return undefined;
    const message = parseBackgroundToContent(raw);
    if (!message) return undefined;
    if (message.type === 'ticket/reread') {
      read(true);
      sendResponse({ ok: true });
      return undefined;
    }
    if (message.type === 'page/snapshot') {
      sendResponse({ ok: true, html: pageSnapshot(document) });
      return undefined;
    }
    void insertDraft(message.ticketKey, message.text).then(sendResponse, (error: unknown) =>
      sendResponse({ ok: false, error: `The draft could not be inserted: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return true;
  });

  // The first read waits for this site's overrides (a storage read of a few milliseconds).
  void overridesFor(window.location.origin)
    .catch(() => undefined)
    .then((found) => {
      overrides = found;
      if (!signal.aborted) read(true);
    });
  const unwatch = watchOverrides(window.location.origin, (next) => {
    overrides = next;
    read(true);
  });
  signal.addEventListener('abort', unwatch);
  watchPage(window, () => read(), signal);
  // Coming back to the tab: the background may have restarted; tell it what is open here.
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && read(true), { signal });
}
