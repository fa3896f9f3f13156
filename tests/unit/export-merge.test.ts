import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { CopilotEventSchema, type CopilotEvent } from '../../lib/feedback/events';
import { CSV_COLUMNS, EVENT_FIELDS, draftsToCsv, eventLine, eventsToNdjson, exportCsv, exportFileName, exportNdjson } from '../../lib/feedback/export';
import { allEvents, EVENTS_PER_PACK } from '../../lib/feedback/event-store';
import { describeImport, importEventFiles, parseEventFiles, parseEventLine } from '../../lib/feedback/merge';
import { ensureOutcomeRows, readOutcomeRows } from '../../lib/feedback/outcome-rows';
import { summarizeAll, summarizeDrafts } from '../../lib/feedback/outcomes';
import { computeStats, statsFromSummaries } from '../../lib/feedback/stats';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/events/sequences.json');
const sequences = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { name: string; events: unknown[] }[]).map((s) => ({
  name: s.name,
  events: s.events.map((e) => CopilotEventSchema.parse(e)),
}));

/** Every fixture event at once, agents and drafts prefixed by their sequence so they do not collide. */
const pooled: CopilotEvent[] = sequences.flatMap((s) =>
  s.events.map((e) => ({ ...e, id: `${s.name}/${e.id}`, agentId: `${s.name}/${e.agentId}`, draftId: `${s.name}/${e.draftId}` })),
);

let db: CopilotDb;
beforeEach(async () => {
  db = new CopilotDb(`test-${crypto.randomUUID()}`);
  await db.open();
});
afterEach(async () => {
  db.close();
  await db.delete();
});

async function exportAll(target: CopilotDb, range?: { fromMs?: number; toMs?: number }): Promise<string> {
  return (await exportNdjson(target, range)).parts.join('');
}

describe('NDJSON export', () => {
  it('writes one line per event with the fields of schema 1 in a fixed order, sorted by (agentId, seq)', () => {
    const text = eventsToNdjson([...pooled].reverse());
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    const parsed = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toHaveLength(pooled.length);
    for (const p of parsed) expect(Object.keys(p)).toEqual([...EVENT_FIELDS]);
    const keys = parsed.map((p) => [String(p.agentId), Number(p.seq)] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(keys).toEqual(sorted);
  });

  it('keeps payload fields it does not know (readers ignore them, exports carry them)', () => {
    const first = pooled[0];
    if (!first) throw new Error('fixture empty');
    const extended = CopilotEventSchema.parse({ ...first, payload: { ...first.payload, addedLater: { x: 1 } } });
    expect(JSON.parse(eventLine(extended)).payload.addedLater).toEqual({ x: 1 });
  });

  it('never writes the reply text a sent event keeps in this browser', async () => {
    const sent = pooled.find((e) => e.type === 'sent');
    if (!sent || sent.type !== 'sent') throw new Error('fixture has no sent event');
    const withText: CopilotEvent = { ...sent, payload: { ...sent.payload, text: 'Hi Dana, your refund to dana@example.com is on its way.' } };
    await db.events.add(withText);
    const exported = await exportAll(db);
    expect(exported).not.toContain('dana@example.com');
    expect(JSON.parse(exported.trim())).toMatchObject({ id: sent.id, payload: { used: sent.payload.used, editRatio: sent.payload.editRatio } });
    expect((await db.events.get(sent.id))?.payload).toMatchObject({ text: expect.stringContaining('refund') });
  });

  it('exports a date range, from inclusive and to exclusive, from the database', async () => {
    await db.events.bulkAdd(pooled);
    const all = await exportNdjson(db);
    expect(all.events).toBe(pooled.length);
    const fromMs = Date.parse('2025-03-03T09:30:00.000Z');
    const toMs = Date.parse('2025-03-03T10:00:00.000Z');
    const ranged = await exportNdjson(db, { fromMs, toMs });
    const expected = pooled.filter((e) => Date.parse(e.at) >= fromMs && Date.parse(e.at) < toMs);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(pooled.length);
    expect(ranged.parts.join('')).toBe(eventsToNdjson(expected));
  });

  it('includes an event exactly at `from` and leaves out one exactly at `to`', async () => {
    const first = pooled[0];
    if (!first) throw new Error('fixture empty');
    await db.events.bulkAdd([
      { ...first, id: 'at-from', seq: 100, at: '2025-06-01T00:00:00.000Z' },
      { ...first, id: 'at-to', seq: 101, at: '2025-06-02T00:00:00.000Z' },
    ]);
    const ranged = await exportNdjson(db, { fromMs: Date.parse('2025-06-01T00:00:00Z'), toMs: Date.parse('2025-06-02T00:00:00Z') });
    expect(ranged.parts.join('').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['at-from']);
  });

  it('compares times with UTC offsets as instants', async () => {
    const first = pooled[0];
    if (!first) throw new Error('fixture empty');
    // 11:30+02:00 is 09:30Z: inside [09:00Z, 10:00Z) although the string sorts after "10:".
    await db.events.add({ ...first, id: 'offset', at: '2025-03-03T11:30:00+02:00' });
    const ranged = await exportNdjson(db, { fromMs: Date.parse('2025-03-03T09:00:00Z'), toMs: Date.parse('2025-03-03T10:00:00Z') });
    expect(ranged.events).toBe(1);
    const outside = await exportNdjson(db, { fromMs: Date.parse('2025-03-03T10:00:00Z'), toMs: Date.parse('2025-03-03T12:00:00Z') });
    expect(outside.events).toBe(0);
  });

  it('names files by what and when', () => {
    expect(exportFileName('events', { fromMs: Date.parse('2025-03-01'), toMs: Date.parse('2025-04-01') })).toBe(
      'ticket-copilot-events-2025-03-01-to-2025-03-31.ndjson',
    );
    expect(exportFileName('drafts', undefined, new Date('2025-05-02T10:00:00Z'))).toBe('ticket-copilot-drafts-all-2025-05-02.csv');
  });
});

describe('export → import → export', () => {
  it('is lossless: the same bytes, the same events, the same numbers', async () => {
    await db.events.bulkAdd(pooled);
    const first = await exportAll(db);
    const fresh = new CopilotDb(`test-${crypto.randomUUID()}`);
    await fresh.open();
    try {
      const result = await importEventFiles(fresh, [{ name: 'a.ndjson', text: first }]);
      expect(result).toMatchObject({ imported: pooled.length, duplicates: 0, problems: [], refused: [], error: null });
      const second = await exportAll(fresh);
      expect(second).toBe(first);
      const byId = (events: CopilotEvent[]) => [...events].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(byId(await allEvents(fresh))).toEqual(byId(pooled));
      // Imported events are stored packed, with packed outcome rows only.
      expect(await fresh.events.count()).toBe(0);
      expect(await fresh.eventPacks.count()).toBeGreaterThan(0);
      expect(await fresh.outcomes.count()).toBe(0);
      // The outcome rows written by the import give the numbers a full replay gives.
      const rows = await readOutcomeRows(fresh);
      expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(pooled));
    } finally {
      fresh.close();
      await fresh.delete();
    }
  });
});

describe('import and merge', () => {
  const text = eventsToNdjson(pooled);
  const lines = text.trimEnd().split('\n');
  const half = Math.floor(lines.length / 2);

  it('merges several agents’ files and drops duplicates between and within files, counting them', async () => {
    const a = `${lines.slice(0, half + 3).join('\n')}\n`;
    const b = `${lines.slice(half).join('\n')}\n${lines[half + 5] ?? ''}\n`;
    const result = await importEventFiles(db, [
      { name: 'a.ndjson', text: a },
      { name: 'b.ndjson', text: b },
    ]);
    expect(result.imported).toBe(pooled.length);
    expect(result.duplicates).toBe(4);
    expect(result.lines).toBe(pooled.length + 4);
    expect((await allEvents(db)).length).toBe(pooled.length);
    // Importing again adds nothing and counts every line as a duplicate.
    const again = await importEventFiles(db, [{ name: 'a.ndjson', text }]);
    expect(again).toMatchObject({ imported: 0, duplicates: pooled.length });
    expect(describeImport(again)[0]).toBe(`Imported 0 events from 1 file; ${pooled.length} duplicates (same event id) dropped.`);
  });

  it('reports bad lines by file and line number and imports the rest', async () => {
    const broken = [lines[0], '{"schema":1,"id":"x"', lines[1], '', '[1,2]', lines[2], JSON.stringify({ ...JSON.parse(lines[3] ?? '{}'), seq: -1 }), 'hello'].join('\n');
    const result = await importEventFiles(db, [{ name: 'agent-b.ndjson', text: broken }]);
    expect(result.imported).toBe(3);
    expect(result.problems.map((p) => [p.file, p.line])).toEqual([
      ['agent-b.ndjson', 2],
      ['agent-b.ndjson', 5],
      ['agent-b.ndjson', 7],
      ['agent-b.ndjson', 8],
    ]);
    expect(result.problems[0]?.message).toBe('agent-b.ndjson line 2 is not valid JSON (each line must be one whole event object).');
    expect(result.problems[2]?.message).toMatch(/^agent-b\.ndjson line 7 has a bad seq: /);
    const described = describeImport(result);
    expect(described[0]).toBe('Imported 3 events from 1 file; 0 duplicates (same event id) dropped.');
    expect(described[1]).toContain('It was skipped; the other lines were imported.');
  });

  it('refuses lines of an unknown schema version with a message saying what to do, and imports the rest', async () => {
    const v2 = (line: string | undefined) => JSON.stringify({ ...JSON.parse(line ?? '{}'), schema: 2 });
    const result = await importEventFiles(db, [{ name: 'new.ndjson', text: [lines[0], v2(lines[1]), v2(lines[2]), lines[3]].join('\r\n') }]);
    expect(result.imported).toBe(2);
    expect(result.refused).toEqual([{ file: 'new.ndjson', version: '2', lines: 2, firstLine: 2 }]);
    expect(describeImport(result)[1]).toBe(
      'new.ndjson: 2 lines (first at line 2) use event schema version 2, which this version of Ticket Copilot does not read (it reads version 1); they were not imported. Update Ticket Copilot, then import the file again.',
    );
    expect(result.problems).toEqual([]);
  });

  it('skips a byte-order mark and a line without a schema field is a bad line, not a refusal', () => {
    const parsed = parseEventFiles([{ name: 'bom.ndjson', text: `\ufeff${lines[0]}\n{"id":"x"}\n` }]);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.refused).toEqual([]);
    expect(parsed.problems[0]?.message).toBe('bom.ndjson line 2 has no "schema" field, so it is not a Ticket Copilot event.');
    expect(parseEventLine('   ')).toEqual({ kind: 'blank' });
  });

  it('recomputes a draft’s outcome when its events arrive in different files, in any order', async () => {
    const s = sequences.find((x) => x.name === 'regenerated-then-accepted');
    if (!s) throw new Error('fixture missing');
    const reversed = [...s.events].reverse();
    for (const e of reversed) await importEventFiles(db, [{ name: `${e.id}.ndjson`, text: eventLine(e) }]);
    const rows = await readOutcomeRows(db);
    const expected = summarizeDrafts(s.events);
    expect(Object.fromEntries(rows.drafts.map((d) => [d.draftId, d.outcome]))).toEqual(
      Object.fromEntries([...expected.values()].map((d) => [d.draftId, d.outcome])),
    );
  });

  it('counts an event whose id is already stored under another draft as a duplicate, and imports the rest', async () => {
    const [a, b, c] = pooled;
    if (!a || !b || !c) throw new Error('fixture too small');
    await importEventFiles(db, [{ name: 'first.ndjson', text: eventLine(a) }]);
    const edited = { ...b, id: a.id, draftId: 'elsewhere' };
    const result = await importEventFiles(db, [{ name: 'second.ndjson', text: [eventLine(edited), eventLine(c)].join('\n') }]);
    expect(result).toMatchObject({ imported: 1, duplicates: 1, error: null });
    expect((await allEvents(db)).map((e) => e.id).sort()).toEqual([a.id, c.id].sort());
  });

  it('stores the events as packs of one agent each and writes packed outcome rows only, equal to a full replay', async () => {
    await importEventFiles(db, [{ name: 'all.ndjson', text: eventsToNdjson(pooled) }]);
    const packs = await db.eventPacks.toArray();
    expect(packs.reduce((n, p) => n + p.count, 0)).toBe(pooled.length);
    expect(packs.length).toBe(new Set(pooled.map((e) => e.agentId)).size);
    for (const p of packs) expect(p.events.split('\n').every((l) => (JSON.parse(l) as CopilotEvent).agentId === p.agentId)).toBe(true);
    expect(await db.events.count()).toBe(0);
    expect(await db.outcomes.count()).toBe(0);
    const rows = await readOutcomeRows(db);
    const replay = summarizeAll(pooled);
    const byDraft = <T extends { draftId: string }>(list: Iterable<T>) => [...list].sort((a, b) => (a.draftId < b.draftId ? -1 : 1));
    expect(byDraft(rows.drafts)).toEqual(byDraft(replay.drafts.values()));
    expect(byDraft(rows.shadows)).toEqual(byDraft(replay.shadows.values()));
  });

  it('splits an agent’s events into packs of at most EVENTS_PER_PACK, in seq order', async () => {
    const base = pooled[0];
    if (!base) throw new Error('fixture too small');
    const many = Array.from({ length: EVENTS_PER_PACK * 2 + 5 }, (_, i) => ({ ...base, id: `many-${i}`, seq: i, draftId: `many-d-${i % 7}` }));
    await importEventFiles(db, [{ name: 'many.ndjson', text: eventsToNdjson([...many].reverse()) }]);
    const packs = await db.eventPacks.orderBy('key').toArray();
    expect(packs.map((p) => [p.firstSeq, p.lastSeq, p.count])).toEqual([
      [0, EVENTS_PER_PACK - 1, EVENTS_PER_PACK],
      [EVENTS_PER_PACK, EVENTS_PER_PACK * 2 - 1, EVENTS_PER_PACK],
      [EVENTS_PER_PACK * 2, EVENTS_PER_PACK * 2 + 4, 5],
    ]);
    expect(await exportAll(db)).toBe(eventsToNdjson(many));
  });

  it('drops duplicates against recorded events and earlier imports alike: the same file twice adds nothing', async () => {
    // Some events recorded here (the events table), the rest imported (packs).
    const recorded = pooled.filter((_, i) => i % 3 === 0);
    await db.events.bulkAdd(recorded);
    await ensureOutcomeRows(db);
    const first = await importEventFiles(db, [{ name: 'all.ndjson', text }]);
    expect(first).toMatchObject({ imported: pooled.length - recorded.length, duplicates: recorded.length });
    const again = await importEventFiles(db, [{ name: 'all.ndjson', text }]);
    expect(again).toMatchObject({ imported: 0, duplicates: pooled.length, error: null });
    expect(await db.events.count()).toBe(recorded.length);
    expect((await db.eventPacks.toArray()).reduce((n, p) => n + p.count, 0)).toBe(pooled.length - recorded.length);
    // Drafts with recorded events keep their per-draft rows; the numbers are those of every event.
    expect((await db.outcomes.toArray()).every((r) => recorded.some((e) => e.draftId === r.draftId))).toBe(true);
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(pooled));
    expect(await exportAll(db)).toBe(text);
  });

  it('exports recorded and imported events of interleaved seqs in (agentId, seq) order, and round-trips byte for byte', async () => {
    const even = pooled.filter((e) => e.seq % 2 === 0);
    const odd = pooled.filter((e) => e.seq % 2 === 1);
    await importEventFiles(db, [{ name: 'even.ndjson', text: eventsToNdjson(even.filter((_, i) => i % 2 === 0)) }]);
    await importEventFiles(db, [{ name: 'odd.ndjson', text: eventsToNdjson(odd) }]);
    await db.events.bulkAdd(even.filter((_, i) => i % 2 === 1));
    const first = await exportAll(db);
    expect(first).toBe(text);
    const fresh = new CopilotDb(`test-${crypto.randomUUID()}`);
    await fresh.open();
    try {
      expect(await importEventFiles(fresh, [{ name: 'all.ndjson', text: first }])).toMatchObject({ imported: pooled.length, duplicates: 0 });
      expect(await exportAll(fresh)).toBe(first);
      // A date range reads packs too.
      const range = { fromMs: Date.parse('2025-03-03T00:00:00Z'), toMs: Date.parse('2025-03-04T00:00:00Z') };
      expect(await exportAll(fresh, range)).toBe(eventsToNdjson(pooled, range));
      expect(await exportAll(db, range)).toBe(eventsToNdjson(pooled, range));
    } finally {
      fresh.close();
      await fresh.delete();
    }
  });

  it('moves each imported agent’s sequence counter past its highest seq', async () => {
    await db.meta.put({ key: 'seq:agent-a', value: 1 });
    await importEventFiles(db, [{ name: 'a.ndjson', text: eventsToNdjson(sequences.find((x) => x.name === 'mixed-day')?.events ?? []) }]);
    const counter = await db.meta.get('seq:agent-a');
    expect(counter?.value).toBeGreaterThan(1);
  });
});

describe('CSV export', () => {
  it('has one row per shown draft with its outcome, in the documented columns', async () => {
    await importEventFiles(db, [{ name: 'all.ndjson', text: eventsToNdjson(pooled) }]);
    const { text, drafts } = await exportCsv(db);
    const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
    const expected = summarizeDrafts(pooled);
    expect(drafts).toBe(expected.size);
    expect(parsed.data).toHaveLength(expected.size);
    for (const row of parsed.data) {
      const d = expected.get(row.draftId ?? '');
      expect(d, row.draftId).toBeDefined();
      expect(row.outcome).toBe(d?.outcome);
      expect(row.accepted).toBe(String(['as-is', 'edited', 'rewritten'].includes(d?.outcome ?? '')));
      expect(row.editRatio).toBe(d?.editRatio === null ? '' : String(d?.editRatio));
      expect(row.reasons).toBe(d?.reasons.join(';'));
      expect(Number(row.latencyMs)).toBe(d?.latencyMs);
    }
  });

  it('never lets a spreadsheet run a cell as a formula', () => {
    const d = [...summarizeDrafts(pooled).values()][0];
    if (!d) throw new Error('fixture empty');
    const csv = draftsToCsv([{ ...d, ticketKey: '=HYPERLINK("x")' }]);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
