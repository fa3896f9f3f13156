import Papa from 'papaparse';
import type { CopilotDb } from '../db';
import type { CopilotEvent } from './events';
import { eventLine, eventsOfPack, exportParts, packsOverlapping } from './event-store';
import { indexBounds, inRange, readOutcomeRows, type DateRange } from './outcome-rows';
import { isAccepted, sortEvents, type DraftSummary } from './outcomes';

/**
 * The export formats of docs/events.md. NDJSON carries every event exactly as recorded (schema 1),
 * one per line, in `(agentId, seq)` order; CSV carries one row per shown draft with its outcome.
 */

export { EVENT_FIELDS, eventLine } from './event-store';

/** Events as NDJSON: filtered to the range, sorted by `(agentId, seq)`, one line each, newline-terminated. */
export function eventsToNdjson(events: readonly CopilotEvent[], range?: DateRange): string {
  let out = '';
  for (const e of sortEvents(events.filter((x) => inRange(x.at, range)))) out += `${eventLine(e)}\n`;
  return out;
}

/**
 * The NDJSON export of a database (recorded and imported events), as text parts ready for a `Blob`.
 * Recorded events are read in index order of `[agentId+seq]` and imported packs are already in
 * order, so the whole log needs no sort; a date range narrows by `at` first.
 */
export async function exportNdjson(db: CopilotDb, range?: DateRange): Promise<{ parts: string[]; events: number }> {
  const CHUNK = 2000;
  const ranged = range && (range.fromMs != null || range.toMs != null);
  if (!ranged) return exportParts(db, CHUNK);
  const [lower, upper] = indexBounds(range);
  const local = await db.events.where('at').between(lower, upper, true, true).toArray();
  const packs = await packsOverlapping(db, range.fromMs ?? null, range.toMs ?? null);
  const events = sortEvents([...local, ...packs.flatMap(eventsOfPack)].filter((e) => inRange(e.at, range)));
  const parts: string[] = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    let chunk = '';
    for (const e of events.slice(i, i + CHUNK)) chunk += `${eventLine(e)}\n`;
    parts.push(chunk);
  }
  return { parts, events: events.length };
}

/** Columns of the per-draft CSV, in order (docs/events.md describes each). */
export const CSV_COLUMNS = [
  'draftId',
  'agentId',
  'ticketKey',
  'helpdesk',
  'pilotId',
  'cohort',
  'variant',
  'shownAt',
  'outcome',
  'accepted',
  'used',
  'editRatio',
  'thumb',
  'reasons',
  'latencyMs',
  'tokensIn',
  'tokensOut',
  'costUsd',
  'cacheHit',
] as const;

/** One row per shown draft; empty cells for nulls; reasons joined with `;`. */
export function draftsToCsv(drafts: readonly DraftSummary[]): string {
  const sorted = [...drafts].sort((a, b) => (a.shownAt < b.shownAt ? -1 : a.shownAt > b.shownAt ? 1 : a.draftId < b.draftId ? -1 : 1));
  const rows = sorted.map((d) => [
    d.draftId,
    d.agentId,
    d.ticketKey,
    d.helpdesk,
    d.pilotId ?? '',
    d.cohort ?? '',
    d.variant ?? '',
    d.shownAt,
    d.outcome,
    isAccepted(d.outcome),
    d.used,
    d.editRatio ?? '',
    d.thumb ?? '',
    d.reasons.join(';'),
    d.latencyMs,
    d.tokensIn,
    d.tokensOut,
    d.costUsd,
    d.cacheHit,
  ]);
  // Cells that start with = + - @ are quoted with a leading ' so a spreadsheet never runs them.
  return `${Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: '\r\n', escapeFormulae: true })}\r\n`;
}

/** The CSV export of the drafts shown in a range, read from the per-draft outcome rows. */
export async function exportCsv(db: CopilotDb, range?: DateRange): Promise<{ text: string; drafts: number }> {
  const { drafts } = await readOutcomeRows(db, range);
  return { text: draftsToCsv(drafts), drafts: drafts.length };
}

/** `ticket-copilot-events-2025-03-01-to-2025-03-31.ndjson` and the like. */
export function exportFileName(kind: 'events' | 'drafts', range: DateRange | undefined, now: Date = new Date()): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const from = range?.fromMs != null ? day(range.fromMs) : null;
  const to = range?.toMs != null ? day(range.toMs - 1) : null;
  const span = from && to ? `${from}-to-${to}` : from ? `from-${from}` : to ? `to-${to}` : `all-${day(now.getTime())}`;
  return `ticket-copilot-${kind}-${span}.${kind === 'events' ? 'ndjson' : 'csv'}`;
}
