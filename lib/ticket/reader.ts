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

/**
 * Read the ticket on a page with its adapter, clean the customer's messages (quoted history,
 * signatures, phone footers) and guess the language when the helpdesk does not say. Text the
 * page hides from the agent (outside the reply editor) goes to `signals.hiddenText`.
 */
export function readTicket(adapter: HelpdeskAdapter, doc: Document, url: URL): Ticket | null {
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
  const hiddenText = pageHiddenText(doc);
  const signals = hiddenText.length > 0 ? { ...ticket.signals, hiddenText } : ticket.signals;
  return { ...ticket, messages, ...(language ? { language } : {}), signals };
}
