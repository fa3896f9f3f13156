import { z } from 'zod';
import { parseJsonLines } from '../jsonl';
import { cleanMessageText } from '../ticket/clean-text';
import { MessageRoleSchema, type Ticket } from '../ticket/schema';

/** The one ticket format of the eval CLIs: `{"id","subject"?,"messages":[{"role","text"}]}` per line. */
export const TicketLineSchema = z.looseObject({
  id: z.string().min(1),
  subject: z.string().optional(),
  messages: z.array(z.object({ role: MessageRoleSchema, text: z.string(), author: z.string().optional() })).min(1),
  tags: z.array(z.string()).optional(),
  priority: z.string().optional(),
});
export type TicketLine = z.infer<typeof TicketLineSchema>;

/** A ticket line as the content script would have read it (customer messages cleaned). */
export function ticketFromLine(line: TicketLine): Ticket {
  return {
    helpdesk: 'eval',
    ticketId: line.id,
    url: '',
    subject: line.subject ?? '',
    requester: {},
    messages: line.messages.map((m) => ({
      role: m.role,
      text: m.role === 'customer' ? cleanMessageText(m.text) : m.text,
      ...(m.author ? { author: m.author } : {}),
    })),
    tags: line.tags ?? [],
    ...(line.priority ? { priority: line.priority } : {}),
    signals: {},
  };
}

export function parseTicketLines(text: string): { tickets: TicketLine[]; errors: { line: number; message: string }[] } {
  const { rows, problems } = parseJsonLines(text, TicketLineSchema);
  return {
    tickets: rows.map((r) => r.value),
    errors: problems.map((p) => ({
      line: p.line,
      message: p.kind === 'json' ? 'not valid JSON' : `${p.issue?.path.join('.') || 'ticket'}: ${p.issue?.message ?? 'invalid'}`,
    })),
  };
}
