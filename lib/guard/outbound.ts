import type { Ticket } from '../ticket/schema';

export const TICKET_DATA_OPEN = '<ticket_data>';
export const TICKET_DATA_CLOSE = '</ticket_data>';

const ROLE_NAME = { customer: 'customer', agent: 'agent', note: 'internal note' } as const;

/**
 * The ticket as a model receives it: already masked by the guard, inside a delimited data block
 * that the prompt's rules call evidence, never instructions. Internal notes stay in the browser.
 * The delimiters are neutralised inside the text so a ticket cannot close the block itself.
 */
export function ticketDataBlock(masked: Ticket): string {
  const safe = (text: string) => text.replace(/<\/?\s*ticket_data\s*>/gi, (tag) => tag.replace(/</g, '‹').replace(/>/g, '›'));
  const lines: string[] = [TICKET_DATA_OPEN, `Subject: ${safe(masked.subject)}`];
  const requester = [masked.requester.name, masked.requester.email ? `<${masked.requester.email}>` : ''].filter(Boolean).join(' ');
  if (requester) lines.push(`Requester: ${safe(requester)}`);
  if (masked.language) lines.push(`Language: ${masked.language}`);
  let n = 0;
  for (const m of masked.messages) {
    if (m.role === 'note') continue;
    n += 1;
    lines.push('', `[${n}] ${ROLE_NAME[m.role]}${m.author ? ` (${safe(m.author)})` : ''}:`, safe(m.text));
  }
  if (masked.messages.some((m) => m.role === 'note')) lines.push('', '(Internal notes are not sent.)');
  lines.push(TICKET_DATA_CLOSE);
  return lines.join('\n');
}
