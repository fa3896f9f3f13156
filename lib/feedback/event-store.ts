import type { CopilotDb, EventPackRecord } from '../db';
import type { CopilotEvent } from './events';
import { sortEvents } from './outcomes';

/**
 * The two places events live. Events recorded here are one record each in `events` (the recorder
 * allocates `seq` and updates outcome rows per event); imported events are stored packed in
 * `eventPacks` (db.ts): a few thousand events of one agent per record, as export lines. Everything
 * that reads events for numbers, exports, the side panel or retention reads both through this module.
 */

/** Top-level fields of an exported event, in the order they are written. */
export const EVENT_FIELDS = ['schema', 'id', 'agentId', 'seq', 'at', 'type', 'draftId', 'ticketKey', 'helpdesk', 'pilotId', 'cohort', 'variant', 'payload'] as const;

/**
 * The payload as it may leave this browser. The reply a `sent` event keeps (`text`) is the agent's
 * words to a customer, often with the customer's personal data in them: it stays in this browser
 * and is never written to an export (nor to the packs an import stores).
 */
function exportablePayload(e: CopilotEvent): CopilotEvent['payload'] {
  if (e.type !== 'sent' || !('text' in e.payload)) return e.payload;
  const { text: _reply, ...rest } = e.payload;
  return rest;
}

/** One NDJSON line (without the newline): the fields in a fixed order, the payload as stored (minus any reply text). */
export function eventLine(e: CopilotEvent): string {
  return JSON.stringify({
    schema: e.schema,
    id: e.id,
    agentId: e.agentId,
    seq: e.seq,
    at: e.at,
    type: e.type,
    draftId: e.draftId,
    ticketKey: e.ticketKey,
    helpdesk: e.helpdesk,
    pilotId: e.pilotId,
    cohort: e.cohort,
    variant: e.variant,
    payload: exportablePayload(e),
  });
}

/** Events per pack: large enough that records are few, small enough that one draft's lookup parses little. */
export const EVENTS_PER_PACK = 2000;

const SEQ_DIGITS = 16;

function packKeyOf(first: CopilotEvent): string {
  return `${first.agentId}\u0000${String(first.seq).padStart(SEQ_DIGITS, '0')}\u0000${first.id}`;
}

/** Key bounds of one agent's packs. */
function agentKeyRange(agentId: string): [string, string] {
  return [`${agentId}\u0000`, `${agentId}\u0000\uffff`];
}

function packRecord(events: readonly CopilotEvent[]): EventPackRecord {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new Error('An event pack needs at least one event.');
  let minAtMs = Infinity;
  let maxAtMs = -Infinity;
  const lines: string[] = [];
  const ids: string[] = [];
  const draftIds = new Set<string>();
  const ticketKeys = new Set<string>();
  for (const e of events) {
    const t = Date.parse(e.at);
    if (t < minAtMs) minAtMs = t;
    if (t > maxAtMs) maxAtMs = t;
    lines.push(eventLine(e));
    ids.push(e.id);
    draftIds.add(e.draftId);
    ticketKeys.add(e.ticketKey);
  }
  // Times are validated on import; a pack without one readable time is never picked by a date.
  if (!Number.isFinite(minAtMs)) minAtMs = maxAtMs = Number.MAX_SAFE_INTEGER;
  return {
    key: packKeyOf(first),
    agentId: first.agentId,
    firstSeq: first.seq,
    lastSeq: last.seq,
    minAtMs,
    maxAtMs,
    count: events.length,
    ids: JSON.stringify(ids),
    draftIds: [...draftIds],
    ticketKeys: [...ticketKeys],
    events: lines.join('\n'),
  };
}

/**
 * Packs of events: grouped by agent, in `seq` order, `EVENTS_PER_PACK` at most each. Event ids must
 * be distinct from every stored one (the key carries the first event's id, so keys never collide).
 */
export function packEvents(events: readonly CopilotEvent[]): EventPackRecord[] {
  const sorted = sortEvents(events);
  const packs: EventPackRecord[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    const agentChanges = i < sorted.length && sorted[i]?.agentId !== sorted[start]?.agentId;
    if (i === sorted.length || agentChanges || i - start === EVENTS_PER_PACK) {
      if (i > start) packs.push(packRecord(sorted.slice(start, i)));
      start = i;
    }
  }
  return packs;
}

/** The events of a pack, in `seq` order, as they were imported. */
export function eventsOfPack(pack: Pick<EventPackRecord, 'events'>): CopilotEvent[] {
  if (!pack.events) return [];
  return JSON.parse(`[${pack.events.split('\n').join(',')}]`) as CopilotEvent[];
}

/** The ids of a pack's events. */
export function idsOfPack(pack: Pick<EventPackRecord, 'ids'>): string[] {
  return JSON.parse(pack.ids) as string[];
}

function distinctPacks(packs: readonly EventPackRecord[]): EventPackRecord[] {
  const seen = new Set<string>();
  return packs.filter((p) => (seen.has(p.key) ? false : (seen.add(p.key), true)));
}

/** Events in `(agentId, seq)` order; a list already in order (the usual case) is not sorted again. */
function ordered(events: CopilotEvent[]): CopilotEvent[] {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1];
    const b = events[i];
    if (a && b && (a.agentId > b.agentId || (a.agentId === b.agentId && a.seq > b.seq))) return sortEvents(events);
  }
  return events;
}

export interface DraftEvents {
  /** Events recorded here (the `events` table). */
  local: CopilotEvent[];
  /** Imported events (packs). */
  packed: CopilotEvent[];
}

/** Every event of some drafts, from both stores, inside the caller's transaction (or none). */
export async function eventsOfDrafts(db: CopilotDb, draftIds: Iterable<string>): Promise<DraftEvents> {
  const ids = [...new Set(draftIds)];
  if (ids.length === 0) return { local: [], packed: [] };
  const wanted = new Set(ids);
  const local = await db.events.where('draftId').anyOf(ids).toArray();
  const packs = distinctPacks(await db.eventPacks.where('draftIds').anyOf(ids).toArray());
  return { local, packed: packedEventsOfDrafts(packs, wanted) };
}

/** The events of these drafts in packs already read. */
export function packedEventsOfDrafts(packs: readonly EventPackRecord[], draftIds: ReadonlySet<string>): CopilotEvent[] {
  const out: CopilotEvent[] = [];
  for (const pack of packs) {
    if (!pack.draftIds.some((id) => draftIds.has(id))) continue;
    for (const e of eventsOfPack(pack)) if (draftIds.has(e.draftId)) out.push(e);
  }
  return out;
}

/** Whether any imported event belongs to this draft (an index lookup, nothing parsed). */
export async function hasPackedEvents(db: CopilotDb, draftId: string): Promise<boolean> {
  return (await db.eventPacks.where('draftIds').equals(draftId).count()) > 0;
}

/** Every event of one agent in `seq` order, recorded and imported. */
export async function eventsOfAgentInStore(db: CopilotDb, agentId: string): Promise<CopilotEvent[]> {
  const local = await db.events.where('[agentId+seq]').between([agentId, -Infinity], [agentId, Infinity]).toArray();
  const [lower, upper] = agentKeyRange(agentId);
  const packs = await db.eventPacks.where('key').between(lower, upper, true, true).toArray();
  if (packs.length === 0) return local;
  const packed = packs.flatMap(eventsOfPack).filter((e) => e.agentId === agentId);
  return ordered([...packed, ...local]);
}

/** Every event touching a ticket, recorded and imported, in `(agentId, seq)` order. */
export async function eventsOfTicketInStore(db: CopilotDb, ticketKey: string): Promise<CopilotEvent[]> {
  const local = await db.events.where('ticketKey').equals(ticketKey).toArray();
  const packs = distinctPacks(await db.eventPacks.where('ticketKeys').equals(ticketKey).toArray());
  const packed = packs.flatMap(eventsOfPack).filter((e) => e.ticketKey === ticketKey);
  return sortEvents([...local, ...packed]);
}

/** Every event in the database, recorded and imported, in `(agentId, seq)` order. */
export async function allEvents(db: CopilotDb): Promise<CopilotEvent[]> {
  const local = await db.events.orderBy('[agentId+seq]').toArray();
  const packs = await db.eventPacks.toArray();
  if (packs.length === 0) return local;
  return ordered([...packs.flatMap(eventsOfPack), ...local]);
}

/**
 * Imported events whose time may fall before `beforeMs` or in `[fromMs, toMs)`: the packs whose
 * span overlaps, parsed. Callers test each event's own time.
 */
export async function packsOverlapping(db: CopilotDb, fromMs: number | null, toMs: number | null): Promise<EventPackRecord[]> {
  const packs = toMs != null ? await db.eventPacks.where('minAtMs').below(toMs).toArray() : await db.eventPacks.toArray();
  return fromMs != null ? packs.filter((p) => p.maxAtMs >= fromMs) : packs;
}

/**
 * The whole log as export text parts, in `(agentId, seq)` order, newline-terminated lines. A pack
 * whose seq span no other event of its agent falls into is written as stored, without parsing;
 * otherwise (packs of several imports interleave) everything is parsed and sorted.
 */
export async function exportParts(db: CopilotDb, chunk: number): Promise<{ parts: string[]; events: number }> {
  const local = await db.events.orderBy('[agentId+seq]').toArray();
  const packs = await db.eventPacks.toArray();
  type Block = { agentId: string; first: number; last: number; event?: CopilotEvent; pack?: EventPackRecord };
  const blocks: Block[] = [
    ...local.map((e): Block => ({ agentId: e.agentId, first: e.seq, last: e.seq, event: e })),
    ...packs.map((p): Block => ({ agentId: p.agentId, first: p.firstSeq, last: p.lastSeq, pack: p })),
  ];
  if (packs.length > 0) blocks.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.first - b.first));
  let disjoint = true;
  for (let i = 1; i < blocks.length && disjoint; i++) {
    const a = blocks[i - 1];
    const b = blocks[i];
    if (a && b && a.agentId === b.agentId && a.last >= b.first) disjoint = false;
  }
  const parts: string[] = [];
  let text = '';
  let inText = 0;
  let count = 0;
  const flush = () => {
    if (text) parts.push(text);
    text = '';
    inText = 0;
  };
  const addLine = (line: string) => {
    text += `${line}\n`;
    inText += 1;
    count += 1;
    if (inText >= chunk) flush();
  };
  if (!disjoint) {
    for (const e of sortEvents([...local, ...packs.flatMap(eventsOfPack)])) addLine(eventLine(e));
    flush();
    return { parts, events: count };
  }
  for (const block of blocks) {
    if (block.event) {
      addLine(eventLine(block.event));
    } else if (block.pack?.events) {
      flush();
      parts.push(`${block.pack.events}\n`);
      count += block.pack.count;
    }
  }
  flush();
  return { parts, events: count };
}
