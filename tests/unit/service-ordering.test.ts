import { describe, expect, it } from 'vitest';
import { CopilotService } from '../../lib/copilot/service';
import { MemoryTabStore } from '../../lib/copilot/tab-store';
import { CopilotDb } from '../../lib/db';
import type { Ticket } from '../../lib/ticket/schema';

function ticket(id: string): Ticket {
  return {
    helpdesk: 'tidydesk',
    ticketId: id,
    url: `http://127.0.0.1/app.html?ticket=${id}`,
    subject: 'Parcel never arrived',
    requester: { name: 'Emma Clarke' },
    messages: [{ role: 'customer', text: 'My parcel never arrived.' }],
    tags: [],
    signals: {},
  };
}

function service() {
  const tabs = new MemoryTabStore();
  const copilot = new CopilotService({
    db: new CopilotDb(`ordering-${crypto.randomUUID()}`),
    tabs,
    getAgent: async () => ({ agentId: 'agent-test', displayName: 'Sam Rivera' }),
    loadSampleKb: async () => [
      { id: 'art-parcel', kind: 'article', title: 'My parcel has not arrived', body: 'We open an investigation with the carrier.' },
    ],
    sendToTab: async () => ({ ok: true }),
  });
  return { copilot, tabs };
}

describe('reads of one tab', () => {
  it('are applied in the order they arrive, so a loading page read first cannot overwrite the ticket', async () => {
    const { copilot } = service();
    const loading = copilot.ticketRead(1, null, 1_000, true, { code: 'not-a-ticket', adapter: 'tidydesk' });
    const loaded = copilot.ticketRead(1, ticket('1001'), 1_010);
    await Promise.all([loading, loaded]);
    const state = await copilot.panelState(1);
    expect(state.status).toBe('ready');
    expect(state.ticket?.ticketId).toBe('1001');
  });

  it('ignores a read older than the one already applied', async () => {
    const { copilot } = service();
    await copilot.ticketRead(1, ticket('1002'), 2_000);
    await copilot.ticketRead(1, null, 1_500);
    expect((await copilot.panelState(1)).ticket?.ticketId).toBe('1002');
  });
});
