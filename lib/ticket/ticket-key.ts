/** A stable key for a ticket across page loads: helpdesk + its own ticket id. */
export function ticketKeyOf(ticket: { helpdesk: string; ticketId: string }): string {
  return `${ticket.helpdesk}:${ticket.ticketId}`;
}
