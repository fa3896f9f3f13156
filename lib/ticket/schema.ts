import { z } from 'zod';

/** Who wrote a message in the ticket thread. A `note` is internal and never reaches the customer. */
export const MessageRoleSchema = z.enum(['customer', 'agent', 'note']);
export type MessageRole = z.infer<typeof MessageRoleSchema>;

export const TicketMessageSchema = z.object({
  role: MessageRoleSchema,
  author: z.string().max(500).optional(),
  text: z.string().max(100_000),
  at: z.string().max(100).optional(),
});
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

/** The ticket as the content script read it from the helpdesk page (design §"The data that flows"). */
export const TicketSchema = z.object({
  helpdesk: z.string().min(1).max(100),
  ticketId: z.string().min(1).max(500),
  url: z.string().max(4000),
  subject: z.string().max(2000),
  requester: z.object({
    name: z.string().max(500).optional(),
    email: z.string().max(500).optional(),
  }),
  messages: z.array(TicketMessageSchema).max(500),
  tags: z.array(z.string().max(200)).max(200),
  priority: z.string().max(100).optional(),
  language: z.string().max(20).optional(),
  signals: z.object({
    hiddenText: z.array(z.string().max(10_000)).max(100).optional(),
  }),
});
export type Ticket = z.infer<typeof TicketSchema>;

export { ticketKeyOf } from './ticket-key';
