import type { Ticket } from '../ticket/schema';
import { namesFromSignature } from './detectors/person';
import type { EntityType } from './entities';
import { MaskSession, maskText, type MaskedEntity } from './mask';

export interface GuardTicketOptions {
  /** Types the agent switched off. SECRET cannot be switched off. */
  disabled?: readonly EntityType[];
  /** More names to mask besides those the ticket itself reveals. */
  names?: readonly string[];
  /** Continue an existing session (same ticket, later call) so placeholders stay stable. */
  session?: MaskSession;
}

/** Where an entity was found: `subject`, `requester.name`, `messages.2.text`, `messages.0.author` … */
export interface FieldEntities {
  field: string;
  entities: MaskedEntity[];
}

export interface GuardedTicket {
  ticket: Ticket;
  session: MaskSession;
  /** Entities per field, offsets into that field's original text; fields without any are left out. */
  entities: FieldEntities[];
  /** The names that were masked (requester, customer authors, customer signatures). */
  names: string[];
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase().replace(/\s+/g, ' ') === b.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The people whose names are personal data in this ticket: the requester, customers who wrote
 * messages, and the names customers sign with. Agents' own names are not masked (they are not the
 * customer's data, and the draft needs them to sign).
 */
export function customerNames(ticket: Ticket, extra: readonly string[] = []): string[] {
  const agents = ticket.messages.filter((m) => m.role !== 'customer' && m.author).map((m) => m.author ?? '');
  const names: string[] = [];
  const add = (name: string | undefined) => {
    const trimmed = name?.trim();
    if (!trimmed || trimmed.includes('@')) return;
    if (agents.some((a) => sameName(a, trimmed))) return;
    if (!names.some((n) => sameName(n, trimmed))) names.push(trimmed);
  };
  add(ticket.requester.name);
  for (const m of ticket.messages) {
    if (m.role !== 'customer') continue;
    add(m.author);
    for (const name of namesFromSignature(m.text)) add(name);
  }
  for (const name of extra) add(name);
  return names;
}

/**
 * A masked copy of the ticket for anything that leaves the browser: subject, requester, every
 * message (text and author), tags and hidden text, all through one session so a value has the same
 * placeholder everywhere.
 */
export function guardTicket(ticket: Ticket, opts: GuardTicketOptions = {}): GuardedTicket {
  const session = opts.session ?? new MaskSession();
  const names = customerNames(ticket, opts.names);
  const maskOptions = { names, ...(opts.disabled ? { disabled: opts.disabled } : {}) };
  const entities: FieldEntities[] = [];
  const mask = (field: string, text: string): string => {
    const result = maskText(text, maskOptions, session);
    if (result.entities.length > 0) entities.push({ field, entities: result.entities });
    return result.masked;
  };
  const optional = (field: string, text: string | undefined) => (text === undefined ? undefined : mask(field, text));

  const requesterName = optional('requester.name', ticket.requester.name);
  const requesterEmail = optional('requester.email', ticket.requester.email);
  const subject = mask('subject', ticket.subject);
  const messages = ticket.messages.map((m, i) => {
    const author = optional(`messages.${i}.author`, m.author);
    return { ...m, text: mask(`messages.${i}.text`, m.text), ...(author !== undefined ? { author } : {}) };
  });
  const tags = ticket.tags.map((tag, i) => mask(`tags.${i}`, tag));
  const hiddenText = ticket.signals.hiddenText?.map((text, i) => mask(`signals.hiddenText.${i}`, text));

  const masked: Ticket = {
    ...ticket,
    subject,
    requester: {
      ...(requesterName !== undefined ? { name: requesterName } : {}),
      ...(requesterEmail !== undefined ? { email: requesterEmail } : {}),
    },
    messages,
    tags,
    signals: { ...ticket.signals, ...(hiddenText ? { hiddenText } : {}) },
  };
  return { ticket: masked, session, entities, names };
}
