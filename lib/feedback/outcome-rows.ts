import type { CopilotDb, OutcomeRecord } from '../db';
import type { CopilotEvent } from './events';
import { allEvents, eventsOfDrafts, hasPackedEvents } from './event-store';
import {
  applyToDraft,
  applyToShadow,
  draftFromShown,
  OUTCOMES,
  shadowFromEvent,
  summarizeAll,
  type DraftSummary,
  type ShadowSummary,
  type Summaries,
} from './outcomes';

/**
 * What the `outcomes` table keeps per draft, in `value`: the summary of a shown draft (its outcome
 * and numbers) or of a shadow draft (its spend only). The stats page reads these rows instead of
 * replaying every event; the recorder updates a row in the same transaction as each event, and
 * imports and retention rebuild the rows of the drafts they touch.
 *
 * IndexedDB costs about as much per record as per kilobyte, so reading 30,000 per-draft rows takes
 * half a second. The same rows are therefore also kept packed, one `meta` record per UTC day and
 * agent (`opack:<day>:<agentId>` → `{ [draftId]: OutcomeValue }`), written in the same
 * transactions; the stats page reads the packs (a few hundred records). A draft with events
 * recorded here (the `events` table) also has a per-draft record, which the recorder updates
 * event by event; a draft known only from imported events (`eventPacks`) has its packed row only,
 * so an import writes a few hundred records rather than one per draft.
 */
export type OutcomeValue = { kind: 'shown'; draft: DraftSummary } | { kind: 'shadow'; shadow: ShadowSummary };

/** Bumped when the meaning of a row changes: rows of an older build are rebuilt from the events. */
export const OUTCOME_ROWS_VERSION = 1;
const ROWS_BUILT_KEY = 'outcomes:built';

export function outcomeRecord(value: OutcomeValue): OutcomeRecord {
  if (value.kind === 'shown') return { draftId: value.draft.draftId, agentId: value.draft.agentId, shownAt: value.draft.shownAt, value };
  return { draftId: value.shadow.draftId, agentId: value.shadow.agentId, shownAt: value.shadow.madeAt, value };
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * A cheap structural check of a stored row (thousands are read per render, so no full schema parse):
 * rows come from this code, but a row written by another build is skipped rather than trusted.
 */
export function outcomeValueOf(record: OutcomeRecord): OutcomeValue | null {
  const v = record.value;
  if (!isRecord(v)) return null;
  if (v.kind === 'shown' && isRecord(v.draft)) {
    const d = v.draft;
    if (typeof d.draftId === 'string' && typeof d.outcome === 'string' && OUTCOME_SET.has(d.outcome) && typeof d.latencyMs === 'number') {
      return v as OutcomeValue;
    }
  }
  if (v.kind === 'shadow' && isRecord(v.shadow) && typeof v.shadow.draftId === 'string' && typeof v.shadow.costUsd === 'number') {
    return v as OutcomeValue;
  }
  return null;
}

/**
 * Bring one draft's row up to date with an event that was just stored, inside the caller's
 * transaction (which must include `outcomes`, `eventPacks` and `meta`). Events of one agent arrive
 * in `seq` order, so this gives the same row as replaying all of the draft's events. A draft known
 * so far only from imported events has no per-draft record: its row is rebuilt from all its events.
 */
export async function applyEventToRows(db: CopilotDb, event: CopilotEvent): Promise<void> {
  const record = await db.outcomes.get(event.draftId);
  if (!record && (await hasPackedEvents(db, event.draftId))) {
    const { local, packed } = await eventsOfDrafts(db, [event.draftId]);
    const previous = recordsOf(summarizeAll([...packed, ...local.filter((e) => e.id !== event.id)]));
    const rows = recordsOf(summarizeAll([...packed, ...local]));
    await db.outcomes.bulkPut(rows);
    await updatePacks(db, previous, rows);
    return;
  }
  const current = record ? outcomeValueOf(record) : null;
  const write = async (value: OutcomeValue) => {
    const next = outcomeRecord(value);
    await db.outcomes.put(next);
    await updatePacks(db, record ? [record] : [], [next]);
  };
  if (event.type === 'shown') {
    if (current?.kind === 'shown') return;
    await write({ kind: 'shown', draft: draftFromShown(event) });
    return;
  }
  if (current?.kind === 'shown') {
    applyToDraft(current.draft, event);
    await write(current);
    return;
  }
  if (event.type === 'shadow') {
    if (current?.kind === 'shadow') applyToShadow(current.shadow, event);
    await write(current?.kind === 'shadow' ? current : { kind: 'shadow', shadow: shadowFromEvent(event) });
  }
}

// ── packs ─────────────────────────────────────────────────────────────────────────────────────────

const PACK_PREFIX = 'opack:';

/** `opack:<UTC day>:<agentId>`: days sort first, so a date range is a key range. */
export function packKey(record: Pick<OutcomeRecord, 'shownAt' | 'agentId'>): string {
  const t = Date.parse(record.shownAt);
  const day = Number.isNaN(t) ? record.shownAt.slice(0, 10) : new Date(t).toISOString().slice(0, 10);
  return `${PACK_PREFIX}${day}:${record.agentId}`;
}

type Pack = Record<string, OutcomeValue>;

/**
 * Rows inside a pack are stored as arrays of their fields in a fixed order (the draft id is the
 * pack's key, the agent id is in the pack's key): about half the bytes of objects with named keys,
 * and JSON.parse builds arrays faster. Packs written as objects by an earlier build still read.
 */
const DRAFT_FIELDS = [
  'ticketKey',
  'helpdesk',
  'pilotId',
  'cohort',
  'variant',
  'shownAt',
  'latencyMs',
  'costUsd',
  'tokensIn',
  'tokensOut',
  'cacheHit',
  'used',
  'editRatio',
  'outcome',
  'thumb',
  'reasons',
] as const satisfies readonly (keyof DraftSummary)[];
const SHADOW_FIELDS = [
  'ticketKey',
  'helpdesk',
  'pilotId',
  'cohort',
  'variant',
  'madeAt',
  'costUsd',
  'tokensIn',
  'tokensOut',
  'costed',
  'similarity',
] as const satisfies readonly (keyof ShadowSummary)[];
// Every field but the two the pack's keys carry must be listed (a new summary field fails to compile here).
const draftFieldsComplete: [Exclude<keyof DraftSummary, (typeof DRAFT_FIELDS)[number] | 'draftId' | 'agentId'>] extends [never] ? true : never = true;
const shadowFieldsComplete: [Exclude<keyof ShadowSummary, (typeof SHADOW_FIELDS)[number] | 'draftId' | 'agentId'>] extends [never] ? true : never = true;
void draftFieldsComplete;
void shadowFieldsComplete;

function encodeValue(value: OutcomeValue): unknown[] {
  if (value.kind === 'shown') return ['d', ...DRAFT_FIELDS.map((f) => value.draft[f])];
  return ['s', ...SHADOW_FIELDS.map((f) => value.shadow[f])];
}

/**
 * A row back from its array (an object literal per kind, so every row has the same shape), with the
 * same cheap checks as `outcomeValueOf`. The indexes follow DRAFT_FIELDS / SHADOW_FIELDS, plus one
 * for the kind tag in front; the round trip is tested against a full replay.
 */
function decodeValue(draftId: string, agentId: string, raw: unknown): OutcomeValue | null {
  if (!Array.isArray(raw)) return isRecord(raw) ? outcomeValueOf({ draftId, agentId, shownAt: '', value: raw }) : null;
  const r: unknown[] = raw;
  if (r[0] === 'd') {
    const outcome = r[14];
    if (typeof outcome !== 'string' || !OUTCOME_SET.has(outcome) || typeof r[7] !== 'number') return null;
    const draft = {
      draftId,
      agentId,
      ticketKey: r[1],
      helpdesk: r[2],
      pilotId: r[3],
      cohort: r[4],
      variant: r[5],
      shownAt: r[6],
      latencyMs: r[7],
      costUsd: r[8],
      tokensIn: r[9],
      tokensOut: r[10],
      cacheHit: r[11],
      used: r[12],
      editRatio: r[13],
      outcome,
      thumb: r[15],
      reasons: r[16],
    } as DraftSummary;
    return { kind: 'shown', draft };
  }
  if (r[0] === 's') {
    if (typeof r[7] !== 'number') return null;
    const shadow = {
      draftId,
      agentId,
      ticketKey: r[1],
      helpdesk: r[2],
      pilotId: r[3],
      cohort: r[4],
      variant: r[5],
      madeAt: r[6],
      costUsd: r[7],
      tokensIn: r[8],
      tokensOut: r[9],
      costed: r[10],
      similarity: r[11],
    } as ShadowSummary;
    return { kind: 'shadow', shadow };
  }
  return null;
}

/** The agent id of a pack key (`opack:<day>:<agentId>`). */
function agentOfPack(key: string): string {
  return key.slice(PACK_PREFIX.length + 11);
}

/**
 * A pack is stored as one JSON string: IndexedDB copies a string far faster than it rebuilds
 * thousands of small objects, and JSON.parse then builds them quicker than structured clone does.
 */
function packOf(value: unknown, key: string): Pack {
  if (typeof value !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const agentId = agentOfPack(key);
  const pack: Pack = {};
  for (const draftId in parsed) {
    const decoded = decodeValue(draftId, agentId, parsed[draftId]);
    if (decoded) pack[draftId] = decoded;
  }
  return pack;
}

function packText(pack: ReadonlyMap<string, OutcomeValue>): string {
  const out: Record<string, unknown[]> = {};
  for (const [draftId, value] of pack) out[draftId] = encodeValue(value);
  return JSON.stringify(out);
}

/**
 * Move rows between packs inside the caller's transaction (`meta` included): every `removed` row
 * leaves its pack, every `added` row enters (or replaces itself in) its pack; emptied packs go.
 */
export async function updatePacks(db: CopilotDb, removed: readonly OutcomeRecord[], added: readonly OutcomeRecord[]): Promise<void> {
  const keys = [...new Set([...removed.map(packKey), ...added.map(packKey)])];
  if (keys.length === 0) return;
  const stored = await db.meta.bulkGet(keys);
  const packs = new Map(keys.map((k, i) => [k, new Map(Object.entries(packOf(stored[i]?.value, k)))]));
  for (const r of removed) packs.get(packKey(r))?.delete(r.draftId);
  for (const r of added) {
    const value = outcomeValueOf(r);
    if (value) packs.get(packKey(r))?.set(r.draftId, value);
  }
  const empty = [...packs].filter(([, pack]) => pack.size === 0).map(([k]) => k);
  await db.meta.bulkDelete(empty);
  await db.meta.bulkPut([...packs].filter(([, pack]) => pack.size > 0).map(([key, pack]) => ({ key, value: packText(pack) })));
}

/** Replace every pack by packs of these rows (a full rebuild). */
async function rewriteAllPacks(db: CopilotDb, rows: readonly OutcomeRecord[]): Promise<void> {
  await db.meta.where('key').startsWith(PACK_PREFIX).delete();
  await updatePacks(db, [], rows);
}

/** Rows for summaries: every shown draft and every shadow draft. */
export function recordsOf(summaries: Summaries): OutcomeRecord[] {
  const rows: OutcomeRecord[] = [];
  for (const draft of summaries.drafts.values()) rows.push(outcomeRecord({ kind: 'shown', draft }));
  for (const shadow of summaries.shadows.values()) rows.push(outcomeRecord({ kind: 'shadow', shadow }));
  return rows;
}

/**
 * Replace the rows of some drafts after their events changed, inside the caller's transaction
 * (`outcomes` and `meta`): `previous` are the rows before the change (where their packed copies
 * are), `rows` the rows now. Per-draft records are kept for the drafts in `local` (those with
 * events in the `events` table) and dropped for the rest of `hadRecord`.
 */
export async function replaceOutcomeRows(
  db: CopilotDb,
  previous: readonly OutcomeRecord[],
  rows: readonly OutcomeRecord[],
  local: ReadonlySet<string>,
  hadRecord: Iterable<string>,
): Promise<void> {
  const candidates = [...new Set(hadRecord)];
  const old = candidates.length ? (await db.outcomes.bulkGet(candidates)).filter((r): r is OutcomeRecord => r !== undefined) : [];
  const perDraft = rows.filter((r) => local.has(r.draftId));
  const kept = new Set(perDraft.map((r) => r.draftId));
  await db.outcomes.bulkDelete(old.filter((r) => !kept.has(r.draftId)).map((r) => r.draftId));
  await db.outcomes.bulkPut(perDraft);
  await updatePacks(db, [...old, ...previous], rows);
}

/**
 * Recompute the rows of some drafts from all their stored events, recorded and imported, inside
 * the caller's transaction (`events`, `eventPacks`, `outcomes`, `meta`). `previous` are the drafts'
 * rows before their events changed (needed for drafts known only from imports, which have no
 * per-draft record saying where their packed row is). A draft with no events left loses its row.
 */
export async function rebuildOutcomeRows(db: CopilotDb, draftIds: Iterable<string>, previous: readonly OutcomeRecord[] = []): Promise<void> {
  const ids = [...new Set(draftIds)];
  if (ids.length === 0) return;
  const { local, packed } = await eventsOfDrafts(db, ids);
  const rows = recordsOf(summarizeAll([...local, ...packed]));
  await replaceOutcomeRows(db, previous, rows, new Set(local.map((e) => e.draftId)), ids);
}

/**
 * Rows for events recorded before rows existed (a database from an older build): rebuilt once from
 * all events, then kept up to date by the recorder and imports. Safe to call on every start.
 */
export async function ensureOutcomeRows(db: CopilotDb): Promise<void> {
  const built = await db.meta.get(ROWS_BUILT_KEY);
  if (built?.value === OUTCOME_ROWS_VERSION) return;
  await db.transaction('rw', [db.events, db.eventPacks, db.outcomes, db.meta], async () => {
    const again = await db.meta.get(ROWS_BUILT_KEY);
    if (again?.value === OUTCOME_ROWS_VERSION) return;
    const rows = recordsOf(summarizeAll(await allEvents(db)));
    const local = new Set(await db.events.orderBy('draftId').uniqueKeys());
    await db.outcomes.clear();
    await db.outcomes.bulkPut(rows.filter((r) => local.has(r.draftId)));
    await rewriteAllPacks(db, rows);
    await db.meta.put({ key: ROWS_BUILT_KEY, value: OUTCOME_ROWS_VERSION });
  });
}

/** A date range: `from` inclusive, `to` exclusive, both in ms since the epoch; either may be open. */
export interface DateRange {
  fromMs?: number | null;
  toMs?: number | null;
}

export function inRange(at: string, range: DateRange | undefined): boolean {
  if (!range || (range.fromMs == null && range.toMs == null)) return true;
  const t = Date.parse(at);
  if (range.fromMs != null && !(t >= range.fromMs)) return false;
  if (range.toMs != null && !(t < range.toMs)) return false;
  return true;
}

/**
 * ISO strings with different UTC offsets do not sort as instants, so an index range is widened by
 * the largest offset (14 h) and the exact test is done on the parsed time.
 */
const OFFSET_SLACK_MS = 14 * 3600_000;
const MIN_ISO = '0000';
const MAX_ISO = '9999';

export function indexBounds(range: DateRange | undefined): [string, string] {
  const lower = range?.fromMs != null ? new Date(Math.max(0, range.fromMs - OFFSET_SLACK_MS)).toISOString() : MIN_ISO;
  const upper = range?.toMs != null ? new Date(range.toMs + OFFSET_SLACK_MS).toISOString() : MAX_ISO;
  return [lower, upper];
}

/** Which rows the stats page asks for. Empty lists and nulls mean "all". */
export interface OutcomeFilter extends DateRange {
  agentIds?: readonly string[];
  helpdesks?: readonly string[];
  cohorts?: readonly (string | null)[];
  variants?: readonly (string | null)[];
}

function allows<T>(list: readonly T[] | undefined, value: T): boolean {
  return !list || list.length === 0 || list.includes(value);
}

export function rowMatches(row: DraftSummary | ShadowSummary, at: string, filter: OutcomeFilter): boolean {
  return (
    inRange(at, filter) &&
    allows(filter.agentIds, row.agentId) &&
    allows(filter.helpdesks, row.helpdesk) &&
    allows(filter.cohorts, row.cohort) &&
    allows(filter.variants, row.variant)
  );
}

export interface OutcomeRows {
  drafts: DraftSummary[];
  shadows: ShadowSummary[];
}

/**
 * The summaries of the drafts shown (or shadow drafts made) in a range and matching the filter,
 * read from the packed copies of the `outcomes` rows.
 */
export async function readOutcomeRows(db: CopilotDb, filter: OutcomeFilter = {}): Promise<OutcomeRows> {
  // Packs are per UTC day; widen by a day each side, then test each row's own time.
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const lower = filter.fromMs != null ? `${PACK_PREFIX}${day(filter.fromMs - 86_400_000)}` : PACK_PREFIX;
  const upper = filter.toMs != null ? `${PACK_PREFIX}${day(filter.toMs + 86_400_000)}\uffff` : `${PACK_PREFIX}\uffff`;
  const packs = await db.meta.where('key').between(lower, upper, true, true).toArray();
  const drafts: DraftSummary[] = [];
  const shadows: ShadowSummary[] = [];
  for (const record of packs) {
    const pack = packOf(record.value, record.key);
    for (const draftId in pack) {
      const value = pack[draftId];
      if (value?.kind === 'shown') {
        if (rowMatches(value.draft, value.draft.shownAt, filter)) drafts.push(value.draft);
      } else if (value?.kind === 'shadow' && rowMatches(value.shadow, value.shadow.madeAt, filter)) {
        shadows.push(value.shadow);
      }
    }
  }
  return { drafts, shadows };
}
