import type { HelpdeskAdapter } from './adapter';
import { genericAdapter } from './adapters/generic';
import { ADAPTERS } from './adapters/index';
import { cleanMessageText } from './clean-text';
import { pageHiddenText } from './hidden-text';
import type { Ticket } from './schema';
import { guessLanguage } from '../text/language';

export { ADAPTERS };

export function pickAdapter(url: URL, doc: Document, adapters: readonly HelpdeskAdapter[] = ADAPTERS): HelpdeskAdapter {
  return adapters.find((a) => a.matches(url, doc)) ?? genericAdapter;
}

/** Text the page hides from the agent (outside the reply editor), as `signals.hiddenText`. */
export function withPageSignals(ticket: Ticket, doc: Document): Ticket {
  const hiddenText = pageHiddenText(doc);
  return hiddenText.length > 0 ? { ...ticket, signals: { ...ticket.signals, hiddenText } } : ticket;
}

/**
 * Read the ticket on a page with its adapter, clean the customer's messages (quoted history,
 * signatures, phone footers) and guess the language when the helpdesk does not say. With
 * `signals` (the default) the page is also scanned for hidden text; the content script scans
 * only when the ticket it reads has changed, since the scan costs more than the reading.
 */
export function readTicket(adapter: HelpdeskAdapter, doc: Document, url: URL, options: { signals?: boolean } = {}): Ticket | null {
  const ticket = adapter.extract(doc, url);
  if (!ticket) return null;
  const messages = ticket.messages
    .map((m) => (m.role === 'customer' ? { ...m, text: cleanMessageText(m.text) } : m))
    .filter((m) => m.text.trim() !== '');
  const customerText = messages
    .filter((m) => m.role === 'customer')
    .map((m) => m.text)
    .join('\n');
  const language = ticket.language ?? guessLanguage(`${ticket.subject}\n${customerText}`);
  const read: Ticket = { ...ticket, messages, ...(language ? { language } : {}) };
  return options.signals === false ? read : withPageSignals(read, doc);
}
