import type { CopilotDb } from '../db';
import { idsOfPack, packedEventsOfDrafts, packEvents } from './event-store';
import { CopilotEventSchema, EVENT_SCHEMA_VERSION, type CopilotEvent } from './events';
import { recordsOf, replaceOutcomeRows } from './outcome-rows';
import { summarizeAll } from './outcomes';
import { EventStorageFullError, isQuotaError } from './storage-errors';

/**
 * Import and merge NDJSON exports (docs/events.md) from many agents: every line is checked on its
 * own, so one bad line never stops the rest; an event already present (same `id`) is dropped and
 * counted; a line of an unknown schema version is refused, never guessed at.
 */

export interface ImportFile {
  name: string;
  text: string;
}

export interface LineProblem {
  file: string;
  line: number;
  message: string;
}

export interface RefusedVersion {
  file: string;
  version: string;
  lines: number;
  firstLine: number;
}

export interface ParsedLine {
  kind: 'event' | 'blank' | 'problem' | 'refused';
  event?: CopilotEvent;
  problem?: string;
  version?: string;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : 'the event';
}

/** Parse one line of an export. Exported for the report CLI, which reads the same lines. */
export function parseEventLine(raw: string): ParsedLine {
  const line = raw.trim();
  if (!line) return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'problem', problem: 'is not valid JSON (each line must be one whole event object)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'problem', problem: 'is not an event object' };
  }
  const version: unknown = Reflect.get(value, 'schema');
  if (version === undefined) return { kind: 'problem', problem: 'has no "schema" field, so it is not a Ticket Copilot event' };
  if (version !== EVENT_SCHEMA_VERSION) return { kind: 'refused', version: JSON.stringify(version) };
  const parsed = CopilotEventSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'problem', problem: issue ? `has a bad ${describePath(issue.path)}: ${issue.message}` : 'does not match event schema 1' };
  }
  return { kind: 'event', event: parsed.data };
}

export interface ParsedFiles {
  /** Distinct new events (first occurrence of each id across the files). */
  events: CopilotEvent[];
  lines: number;
  duplicates: number;
  problems: LineProblem[];
  refused: RefusedVersion[];
}

/** Parse many files; duplicates between and within files are dropped and counted. */
export function parseEventFiles(files: readonly ImportFile[]): ParsedFiles {
  const seen = new Set<string>();
  const events: CopilotEvent[] = [];
  const problems: LineProblem[] = [];
  const refused = new Map<string, RefusedVersion>();
  let duplicates = 0;
  let lines = 0;
  for (const file of files) {
    const text = file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text;
    let start = 0;
    let lineNo = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      lineNo += 1;
      const parsed = parseEventLine(text.slice(start, end));
      start = end + 1;
      if (parsed.kind === 'blank') continue;
      lines += 1;
      if (parsed.kind === 'problem') {
        problems.push({ file: file.name, line: lineNo, message: `${file.name} line ${lineNo} ${parsed.problem ?? 'could not be read'}.` });
      } else if (parsed.kind === 'refused') {
        const version = parsed.version ?? '?';
        const key = `${file.name}\u0000${version}`;
        const entry = refused.get(key) ?? { file: file.name, version, lines: 0, firstLine: lineNo };
        entry.lines += 1;
        refused.set(key, entry);
      } else if (parsed.event) {
        if (seen.has(parsed.event.id)) {
          duplicates += 1;
          continue;
        }
        seen.add(parsed.event.id);
        events.push(parsed.event);
      }
    }
  }
  return { events, lines, duplicates, problems, refused: [...refused.values()] };
}

export interface ImportResult {
  files: number;
  lines: number;
  imported: number;
  duplicates: number;
  problems: LineProblem[];
  refused: RefusedVersion[];
  /** Set when nothing could be stored (the storage is full): no event of this import was written. */
  error: string | null;
}

/**
 * Import files into the database in one transaction. New events are stored packed (`eventPacks`,
 * see db.ts), since one IndexedDB record per event would take seconds for a team's month; an
 * event whose id is already stored, recorded or imported, is a duplicate. The outcome rows of
 * every draft the new events touch are recomputed from all of that draft's events (packed rows
 * only for drafts known just from imports), and each imported agent's sequence counter is moved
 * past its highest imported `seq`, so an event recorded later under the same agent id never
 * collides with an imported one.
 */
export async function importEventFiles(db: CopilotDb, files: readonly ImportFile[]): Promise<ImportResult> {
  const parsed = parseEventFiles(files);
  const base = { files: files.length, lines: parsed.lines, problems: parsed.problems, refused: parsed.refused };
  try {
    return await db.transaction('rw', [db.events, db.eventPacks, db.outcomes, db.meta], async () => {
      if (parsed.events.length === 0) return { ...base, imported: 0, duplicates: parsed.duplicates, error: null };
      // Every stored id, recorded or imported: the same id under another draft (an edited file) is still the same event.
      const stored = new Set(await db.events.toCollection().primaryKeys());
      const packs = await db.eventPacks.toArray();
      for (const pack of packs) for (const id of idsOfPack(pack)) stored.add(id);
      const fresh = parsed.events.filter((e) => !stored.has(e.id));
      const duplicates = parsed.duplicates + (parsed.events.length - fresh.length);
      if (fresh.length === 0) return { ...base, imported: 0, duplicates, error: null };
      // The touched drafts' events already stored, so their rows are recomputed from all of them.
      const drafts = new Set(fresh.map((e) => e.draftId));
      const local = await db.events.where('draftId').anyOf([...drafts]).toArray();
      const before = [...local, ...packedEventsOfDrafts(packs, drafts)];
      await db.eventPacks.bulkAdd(packEvents(fresh));
      const localDrafts = new Set(local.map((e) => e.draftId));
      const previous = before.length ? recordsOf(summarizeAll(before)) : [];
      await replaceOutcomeRows(db, previous, recordsOf(summarizeAll([...before, ...fresh])), localDrafts, localDrafts);
      const maxSeq = new Map<string, number>();
      for (const e of fresh) maxSeq.set(e.agentId, Math.max(maxSeq.get(e.agentId) ?? -1, e.seq));
      for (const [agentId, seq] of maxSeq) {
        const counter = await db.meta.get(`seq:${agentId}`);
        const last = typeof counter?.value === 'number' ? counter.value : -1;
        if (seq > last) await db.meta.put({ key: `seq:${agentId}`, value: seq });
      }
      return { ...base, imported: fresh.length, duplicates, error: null };
    });
  } catch (error) {
    if (isQuotaError(error)) {
      return { ...base, imported: 0, duplicates: parsed.duplicates, error: new EventStorageFullError('This import', { cause: error }).message };
    }
    throw error;
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The result as people read it: what was imported, what was skipped and why, what to do. */
export function describeImport(result: ImportResult): string[] {
  if (result.error) return [result.error];
  const lines = [
    `Imported ${plural(result.imported, 'event')} from ${plural(result.files, 'file')}; ${plural(result.duplicates, 'duplicate')} (same event id) dropped.`,
  ];
  for (const r of result.refused) {
    lines.push(
      `${r.file}: ${plural(r.lines, 'line')} (first at line ${r.firstLine}) use event schema version ${r.version}, which this version of Ticket Copilot does not read (it reads version ${EVENT_SCHEMA_VERSION}); they were not imported. Update Ticket Copilot, then import the file again.`,
    );
  }
  const shown = result.problems.slice(0, 20);
  for (const p of shown) lines.push(`${p.message} It was skipped; the other lines were imported.`);
  if (result.problems.length > shown.length) lines.push(`…and ${plural(result.problems.length - shown.length, 'more bad line')}.`);
  return lines;
}
