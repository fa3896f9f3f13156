import type { CopilotDb } from '../db';
import { CopilotEventSchema, EVENT_SCHEMA_VERSION, type CopilotEvent, type NewEvent } from './events';

function seqKey(agentId: string): string {
  return `seq:${agentId}`;
}

export interface RecordOptions {
  agentId: string;
  now?: Date;
  newId?: () => string;
}

/**
 * Append one event. The sequence number is allocated in the same transaction as the write, so
 * `(agentId, seq)` is gap-free and ordered even when several writes race. The event is validated
 * against the schema before it is stored: a malformed event is a bug, not data.
 */
export async function recordEvent(db: CopilotDb, event: NewEvent, options: RecordOptions): Promise<CopilotEvent> {
  const { agentId } = options;
  const newId = options.newId ?? (() => crypto.randomUUID());
  return db.transaction('rw', db.events, db.meta, async () => {
    const counter = await db.meta.get(seqKey(agentId));
    const last = typeof counter?.value === 'number' ? counter.value : -1;
    const seq = last + 1;
    const full = CopilotEventSchema.parse({
      ...event,
      schema: EVENT_SCHEMA_VERSION,
      id: newId(),
      agentId,
      seq,
      at: (options.now ?? new Date()).toISOString(),
    });
    await db.events.add(full);
    await db.meta.put({ key: seqKey(agentId), value: seq });
    return full;
  });
}

/** Every event of one agent in `seq` order. */
export async function eventsOfAgent(db: CopilotDb, agentId: string): Promise<CopilotEvent[]> {
  return db.events.where('[agentId+seq]').between([agentId, -Infinity], [agentId, Infinity]).toArray();
}

/** Every event touching a ticket, in `(agentId, seq)` order. */
export async function eventsOfTicket(db: CopilotDb, ticketKey: string): Promise<CopilotEvent[]> {
  const events = await db.events.where('ticketKey').equals(ticketKey).toArray();
  return events.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.seq - b.seq));
}
