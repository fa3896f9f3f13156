import type { Ticket } from '../lib/ticket/schema';
import { TEST_IDS } from '../lib/testids';

const ROLE_LABEL = { customer: 'Customer', agent: 'Agent', note: 'Internal note' } as const;

/** What the copilot read: the subject and each message with its role. */
export function TicketSummary({ ticket }: { ticket: Ticket }) {
  return (
    <details className="ticket" open>
      <summary>
        <span className="ticket__label">Ticket {ticket.ticketId}</span>
        <span className="ticket__subject" data-testid={TEST_IDS.ticketSubject}>
          {ticket.subject}
        </span>
      </summary>
      <ul className="messages">
        {ticket.messages.map((m, i) => (
          <li key={i} className={`message message--${m.role}`} data-testid={TEST_IDS.ticketMessage} data-role={m.role}>
            <div className="message__meta">
              {ROLE_LABEL[m.role]}
              {m.author ? ` · ${m.author}` : ''}
            </div>
            <div className="message__text">{m.text}</div>
          </li>
        ))}
      </ul>
    </details>
  );
}
