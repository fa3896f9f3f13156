import { cleanMessageText } from '../ticket/clean-text';
import type { Ticket } from '../ticket/schema';
import { guessLanguage } from '../text/language';

/** The language to answer in: what the page said, else a guess from the customer's words, else English. */
export function ticketLanguage(ticket: Ticket): string {
  if (ticket.language) return ticket.language.toLowerCase().slice(0, 2);
  const customerText = ticket.messages
    .filter((m) => m.role === 'customer')
    .map((m) => m.text)
    .join('\n');
  return guessLanguage(`${ticket.subject}\n${customerText}`) ?? 'en';
}

/**
 * What to search the KB with: the subject and the customer's own words (quoted history and
 * footers removed), the latest message first. Agent replies and internal notes are left out:
 * they answer the question rather than ask it.
 */
export function ticketQueryText(ticket: Ticket): string {
  const customer = ticket.messages.filter((m) => m.role === 'customer').map((m) => cleanMessageText(m.text));
  const latest = customer.at(-1) ?? '';
  const earlier = customer.slice(0, -1);
  return [ticket.subject, ticket.subject, latest, ...earlier].filter(Boolean).join('\n');
}
