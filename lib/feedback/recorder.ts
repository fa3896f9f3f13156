import type { CopilotDb } from '../db';
import { CopilotEventSchema, EVENT_SCHEMA_VERSION, type CopilotEvent, type NewEvent } from './events';
import { eventsOfAgentInStore, eventsOfDrafts, eventsOfPack, eventsOfTicketInStore, packEvents, packsOverlapping } from './event-store';
import { applyEventToRows, indexBounds, recordsOf, replaceOutcomeRows } from './outcome-rows';
import { summarizeAll } from './outcomes';
import { EventStorageFullError, isQuotaError } from './storage-errors';

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
 * `(agentId, seq)` is gap-free and ordered even when several writes race; the draft's row in
 * `outcomes` is updated in that transaction too, so the stats never see an event without its
 * outcome. The event is validated against the schema before it is stored: a malformed event is a
 * bug, not data. When the browser's storage is full the transaction rolls back (nothing stored
 * before is touched) and an `EventStorageFullError` is thrown for the UI to show.
 */
export async function recordEvent(db: CopilotDb, event: NewEvent, options: RecordOptions): Promise<CopilotEvent> {
  const { agentId } = options;
  const newId = options.newId ?? (() => crypto.randomUUID());
  try {
    return await db.transaction('rw', [db.events, db.eventPacks, db.meta, db.outcomes], async () => {
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
      await applyEventToRows(db, full);
      return full;
    });
  } catch (error) {
    if (isQuotaError(error)) throw new EventStorageFullError(`This "${event.type}" step`, { cause: error });
    throw error;
  }
}

/** Every event of one agent in `seq` order, recorded here or imported. */
export async function eventsOfAgent(db: CopilotDb, agentId: string): Promise<CopilotEvent[]> {
  return eventsOfAgentInStore(db, agentId);
}

/** Every event touching a ticket, recorded here or imported, in `(agentId, seq)` order. */
export async function eventsOfTicket(db: CopilotDb, ticketKey: string): Promise<CopilotEvent[]> {
  return eventsOfTicketInStore(db, ticketKey);
}

export interface RetentionResult {
  deleted: number;
  cutoff: string;
}

function cutoffOf(days: number, now: Date): number {
  if (!Number.isFinite(days) || days < 1) throw new Error('Keep events for at least 1 day: enter a whole number of days of 1 or more.');
  return now.getTime() - Math.floor(days) * 86_400_000;
}

/**
 * Delete every event recorded more than `days` days before `now`, recorded here or imported, and
 * bring the outcome rows of the drafts they belonged to up to date (a draft whose `shown` event is
 * gone leaves the numbers). Packs holding old events are rewritten with the rest, or dropped. The
 * per-agent sequence counters are kept, so later events never reuse a deleted event's `seq`.
 */
export async function deleteEventsOlderThan(db: CopilotDb, days: number, now: Date = new Date()): Promise<RetentionResult> {
  const cutoffMs = cutoffOf(days, now);
  const cutoff = new Date(cutoffMs).toISOString();
  // The `at` index compares strings; offsets other than Z are settled on the parsed time.
  const [, upper] = indexBounds({ toMs: cutoffMs });
  return db.transaction('rw', [db.events, db.eventPacks, db.outcomes, db.meta], async () => {
    const candidates = await db.events.where('at').below(upper).toArray();
    const oldLocal = candidates.filter((e) => Date.parse(e.at) < cutoffMs);
    const packs = await packsOverlapping(db, null, cutoffMs);
    const oldPacked: CopilotEvent[] = [];
    const keptPacked: CopilotEvent[] = [];
    for (const pack of packs) for (const e of eventsOfPack(pack)) (Date.parse(e.at) < cutoffMs ? oldPacked : keptPacked).push(e);
    const drafts = new Set([...oldLocal, ...oldPacked].map((e) => e.draftId));
    if (drafts.size === 0) return { deleted: 0, cutoff };
    const before = await eventsOfDrafts(db, drafts);
    const previous = recordsOf(summarizeAll([...before.local, ...before.packed]));
    await db.events.bulkDelete(oldLocal.map((e) => e.id));
    await db.eventPacks.bulkDelete(packs.map((p) => p.key));
    await db.eventPacks.bulkAdd(packEvents(keptPacked));
    const gone = new Set([...oldLocal, ...oldPacked].map((e) => e.id));
    const after = [...before.local, ...before.packed].filter((e) => !gone.has(e.id));
    const local = new Set(before.local.filter((e) => !gone.has(e.id)).map((e) => e.draftId));
    await replaceOutcomeRows(db, previous, recordsOf(summarizeAll(after)), local, before.local.map((e) => e.draftId));
    return { deleted: oldLocal.length + oldPacked.length, cutoff };
  });
}

/** How many events `deleteEventsOlderThan` would delete: what the confirmation asks about. */
export async function countEventsOlderThan(db: CopilotDb, days: number, now: Date = new Date()): Promise<RetentionResult> {
  const cutoffMs = cutoffOf(days, now);
  const [, upper] = indexBounds({ toMs: cutoffMs });
  let deleted = 0;
  await db.events
    .where('at')
    .below(upper)
    .each((e) => {
      if (Date.parse(e.at) < cutoffMs) deleted += 1;
    });
  for (const pack of await packsOverlapping(db, null, cutoffMs)) {
    // A pack wholly before the cutoff is counted without parsing its events.
    if (pack.maxAtMs < cutoffMs) deleted += pack.count;
    else for (const e of eventsOfPack(pack)) if (Date.parse(e.at) < cutoffMs) deleted += 1;
  }
  return { deleted, cutoff: new Date(cutoffMs).toISOString() };
}
