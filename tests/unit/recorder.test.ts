import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { CopilotEventSchema, type NewEvent } from '../../lib/feedback/events';
import { eventsOfAgent, eventsOfTicket, recordEvent } from '../../lib/feedback/recorder';

let db: CopilotDb;

beforeEach(async () => {
  db = new CopilotDb(`test-${crypto.randomUUID()}`);
  await db.open();
});

afterEach(async () => {
  db.close();
  await db.delete();
});

const BASE = { helpdesk: 'tidydesk', pilotId: null, cohort: null, variant: 'template' };

function inserted(draftId: string, ticket = '1001'): NewEvent {
  return { ...BASE, type: 'inserted', draftId, ticketKey: `tidydesk:${ticket}`, payload: {} };
}

function sent(draftId: string, editRatio: number | null, ticket = '1001'): NewEvent {
  return { ...BASE, type: 'sent', draftId, ticketKey: `tidydesk:${ticket}`, payload: { used: editRatio !== null, editRatio } };
}

function shown(draftId: string, latencyMs = 900, ticket = '1001'): NewEvent {
  return {
    ...BASE,
    type: 'shown',
    draftId,
    ticketKey: `tidydesk:${ticket}`,
    payload: {
      latencyMs,
      confidence: { score: 0.8, level: 'high' },
      policy: 'allow',
      injectionSuspected: false,
      model: null,
      promptVersion: 'template-1',
      kbVersion: 1,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      cacheHit: false,
    },
  };
}

describe('recordEvent', () => {
  it('stamps schema, id, agentId, seq and the given time, and stores exactly what it returns', async () => {
    const now = new Date('2025-03-03T09:15:00.000Z');
    const event = await recordEvent(db, shown('d-1'), { agentId: 'agent-a', now, newId: () => 'event-1' });
    expect(event).toMatchObject({ schema: 1, id: 'event-1', agentId: 'agent-a', seq: 0, at: '2025-03-03T09:15:00.000Z', type: 'shown' });
    expect(CopilotEventSchema.safeParse(event).success).toBe(true);
    expect(await db.events.get('event-1')).toEqual(event);
  });

  it('uses a fresh uuid and the current time when none is given', async () => {
    const before = Date.now();
    const a = await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' });
    const b = await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(a.at)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('numbers events 0, 1, 2 … per agent, independently for each agent', async () => {
    const order: [string, number][] = [
      ['agent-a', 0],
      ['agent-a', 1],
      ['agent-b', 0],
      ['agent-a', 2],
      ['agent-b', 1],
      ['agent-c', 0],
      ['agent-b', 2],
    ];
    for (const [agentId, expected] of order) {
      const event = await recordEvent(db, inserted('d-1'), { agentId });
      expect(event.seq, agentId).toBe(expected);
    }
    expect(await db.meta.get('seq:agent-a')).toEqual({ key: 'seq:agent-a', value: 2 });
    expect(await db.meta.get('seq:agent-b')).toEqual({ key: 'seq:agent-b', value: 2 });
    expect(await db.meta.get('seq:agent-c')).toEqual({ key: 'seq:agent-c', value: 0 });
  });

  it('continues after a stored counter', async () => {
    await db.meta.put({ key: 'seq:agent-a', value: 41 });
    expect((await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' })).seq).toBe(42);
  });

  it('starts at 0 when the stored counter is not a number', async () => {
    await db.meta.put({ key: 'seq:agent-a', value: 'garbage' });
    expect((await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' })).seq).toBe(0);
  });

  it.each<[string, NewEvent]>([
    ['an edit ratio above 1', sent('d-1', 1.5)],
    ['a negative edit ratio', sent('d-1', -0.1)],
    ['a negative latency', shown('d-1', -5)],
    ['an empty draft id', inserted('')],
    ['a comment longer than 2,000 characters', { ...BASE, type: 'rated', draftId: 'd-1', ticketKey: 'tidydesk:1', payload: { thumb: 'down', reasons: ['tone'], comment: 'x'.repeat(2001) } }],
  ])('rejects %s and writes nothing, not even the counter', async (_label, event) => {
    await expect(recordEvent(db, event, { agentId: 'agent-a' })).rejects.toThrow();
    expect(await db.events.count()).toBe(0);
    expect(await db.meta.get('seq:agent-a')).toBeUndefined();
    // The next valid event still gets seq 0: a rejected event leaves no gap.
    expect((await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' })).seq).toBe(0);
  });

  it('rejects an empty agent id', async () => {
    await expect(recordEvent(db, inserted('d-1'), { agentId: '' })).rejects.toThrow();
    expect(await db.events.count()).toBe(0);
  });

  it('rejects an invalid event in the middle of a run without disturbing the events around it', async () => {
    await recordEvent(db, shown('d-1'), { agentId: 'agent-a' });
    await expect(recordEvent(db, sent('d-1', 2), { agentId: 'agent-a' })).rejects.toThrow();
    await recordEvent(db, sent('d-1', 0.1), { agentId: 'agent-a' });
    const events = await eventsOfAgent(db, 'agent-a');
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [0, 'shown'],
      [1, 'sent'],
    ]);
  });

  it('gives 20 concurrent records 20 distinct, consecutive seqs', async () => {
    const events = await Promise.all(Array.from({ length: 20 }, (_, i) => recordEvent(db, inserted(`d-${i}`), { agentId: 'agent-a' })));
    expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await db.events.count()).toBe(20);
    expect((await eventsOfAgent(db, 'agent-a')).map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await db.meta.get('seq:agent-a')).toEqual({ key: 'seq:agent-a', value: 19 });
  });

  it('keeps per-agent counters apart under concurrency too', async () => {
    const agents = ['agent-a', 'agent-b', 'agent-c'];
    const events = await Promise.all(
      Array.from({ length: 30 }, (_, i) => recordEvent(db, inserted(`d-${i}`), { agentId: agents[i % 3] ?? 'agent-a' })),
    );
    for (const agentId of agents) {
      const seqs = events.filter((e) => e.agentId === agentId).map((e) => e.seq);
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    }
  });
});

describe('eventsOfAgent', () => {
  it('returns only that agent’s events, in seq order, including seqs past 9 (numeric, not text, order)', async () => {
    for (let i = 0; i < 12; i++) {
      await recordEvent(db, inserted(`a-${i}`), { agentId: 'agent-a', newId: () => `z-${11 - i}` });
      if (i % 4 === 0) await recordEvent(db, inserted(`b-${i}`), { agentId: 'agent-b' });
    }
    // A prefix of another agent's id must not leak in.
    await recordEvent(db, inserted('aa-0'), { agentId: 'agent-aa' });
    const events = await eventsOfAgent(db, 'agent-a');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(events.map((e) => e.draftId)).toEqual(Array.from({ length: 12 }, (_, i) => `a-${i}`));
    expect(events.every((e) => e.agentId === 'agent-a')).toBe(true);
    expect((await eventsOfAgent(db, 'agent-b')).map((e) => e.draftId)).toEqual(['b-0', 'b-4', 'b-8']);
  });

  it('is empty for an agent with no events', async () => {
    await recordEvent(db, inserted('d-1'), { agentId: 'agent-a' });
    expect(await eventsOfAgent(db, 'nobody')).toEqual([]);
  });
});

describe('eventsOfTicket', () => {
  it('returns every agent’s events on the ticket in (agentId, seq) order and nothing from other tickets', async () => {
    await recordEvent(db, shown('d-b', 100, '7'), { agentId: 'agent-b', newId: () => 'e1' });
    await recordEvent(db, shown('d-a', 100, '7'), { agentId: 'agent-a', newId: () => 'e2' });
    await recordEvent(db, shown('d-x', 100, '8'), { agentId: 'agent-a', newId: () => 'e3' });
    await recordEvent(db, inserted('d-b', '7'), { agentId: 'agent-b', newId: () => 'e4' });
    await recordEvent(db, inserted('d-a', '7'), { agentId: 'agent-a', newId: () => 'e0' });
    const events = await eventsOfTicket(db, 'tidydesk:7');
    expect(events.map((e) => [e.agentId, e.seq, e.type])).toEqual([
      ['agent-a', 0, 'shown'],
      ['agent-a', 2, 'inserted'],
      ['agent-b', 0, 'shown'],
      ['agent-b', 1, 'inserted'],
    ]);
    expect(await eventsOfTicket(db, 'tidydesk:9')).toEqual([]);
  });
});
