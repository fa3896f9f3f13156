import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { CopilotEventSchema, type CopilotEvent, type NewEvent } from '../../lib/feedback/events';
import { eventsToNdjson } from '../../lib/feedback/export';
import { importEventFiles } from '../../lib/feedback/merge';
import { ensureOutcomeRows, readOutcomeRows } from '../../lib/feedback/outcome-rows';
import { sortEvents, summarizeAll } from '../../lib/feedback/outcomes';
import { allEvents } from '../../lib/feedback/event-store';
import { countEventsOlderThan, deleteEventsOlderThan, eventsOfAgent, eventsOfTicket, recordEvent } from '../../lib/feedback/recorder';
import { computeStats, statsFromSummaries } from '../../lib/feedback/stats';
import { EventStorageFullError, isQuotaError } from '../../lib/feedback/storage-errors';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/events/sequences.json');
const sequences = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { name: string; events: unknown[] }[]).map((s) => ({
  name: s.name,
  events: s.events.map((e) => CopilotEventSchema.parse(e)),
}));

let db: CopilotDb;
beforeEach(async () => {
  db = new CopilotDb(`test-${crypto.randomUUID()}`);
  await db.open();
});
afterEach(async () => {
  vi.restoreAllMocks();
  db.close();
  await db.delete();
});

/** What the service would pass to the recorder for a stored event. */
function asNew(e: CopilotEvent): NewEvent {
  const { schema: _schema, id: _id, agentId: _agentId, seq: _seq, at: _at, ...rest } = e;
  return rest;
}

/** Record a sequence's events through the recorder, in (agentId, seq) order, with their own times and ids. */
async function recordAll(target: CopilotDb, events: readonly CopilotEvent[], prefix = ''): Promise<void> {
  for (const e of sortEvents(events)) {
    await recordEvent(target, { ...asNew(e), draftId: `${prefix}${e.draftId}` }, { agentId: `${prefix}${e.agentId}`, now: new Date(e.at), newId: () => `${prefix}${e.id}` });
  }
}

function quotaError(): DOMException {
  return new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError');
}

describe('outcome rows kept with every event', () => {
  it.each(sequences.map((s) => [s.name, s] as const))('%s: the rows after recording equal a full replay', async (_name, s) => {
    await recordAll(db, s.events);
    const rows = await readOutcomeRows(db);
    const { drafts, shadows } = summarizeAll(await db.events.toArray());
    expect([...rows.drafts].sort((a, b) => (a.draftId < b.draftId ? -1 : 1))).toEqual([...drafts.values()].sort((a, b) => (a.draftId < b.draftId ? -1 : 1)));
    expect(rows.shadows.map((x) => x.draftId).sort()).toEqual([...shadows.keys()].sort());
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(s.events));
  });

  it('writes no row and no event when the event is invalid', async () => {
    const s = sequences.find((x) => x.name === 'as-is');
    const shown = s?.events[0];
    if (!shown || shown.type !== 'shown') throw new Error('fixture changed');
    const { schema: _s, id: _i, agentId: _a, seq: _q, at: _t, ...rest } = shown;
    await expect(recordEvent(db, { ...rest, payload: { ...shown.payload, latencyMs: -1 } }, { agentId: 'agent-a' })).rejects.toThrow();
    expect(await db.outcomes.count()).toBe(0);
  });

  it('filters rows by date range, agent, helpdesk, cohort and variant', async () => {
    for (const s of sequences) await recordAll(db, s.events, `${s.name}/`);
    const all = await readOutcomeRows(db);
    const model = await readOutcomeRows(db, { variants: ['model'] });
    expect(model.drafts.map((d) => d.draftId).sort()).toEqual(all.drafts.filter((d) => d.variant === 'model').map((d) => d.draftId).sort());
    expect(model.drafts.length).toBe(3);
    const none = await readOutcomeRows(db, { cohorts: [null] });
    expect(none.drafts.length).toBe(all.drafts.length - 3);
    const agent = await readOutcomeRows(db, { agentIds: ['mixed-day/agent-a'] });
    expect(agent.drafts.length).toBe(10);
    const day = await readOutcomeRows(db, { fromMs: Date.parse('2025-03-04T00:00:00Z'), toMs: Date.parse('2025-03-05T00:00:00Z') });
    expect(day.drafts.every((d) => d.shownAt.startsWith('2025-03-04'))).toBe(true);
    expect(day.drafts.length).toBe(5);
    expect((await readOutcomeRows(db, { helpdesks: ['zendesk'] })).drafts).toEqual([]);
  });

  it('builds rows once for events recorded before rows existed', async () => {
    const pooled = sequences.flatMap((s) => s.events.map((e) => ({ ...e, id: `${s.name}/${e.id}`, agentId: `${s.name}/${e.agentId}`, draftId: `${s.name}/${e.draftId}` })));
    await db.events.bulkAdd(pooled);
    expect(await db.outcomes.count()).toBe(0);
    await ensureOutcomeRows(db);
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(pooled));
    // A second call leaves rows alone (a row changed by hand stays changed).
    await db.outcomes.clear();
    await ensureOutcomeRows(db);
    expect(await db.outcomes.count()).toBe(0);
  });
});

describe('imported drafts', () => {
  it('a new event recorded here on an imported draft updates its row (rebuilt from all its events)', async () => {
    const s = sequences.find((x) => x.name === 'regenerated-then-accepted');
    if (!s) throw new Error('fixture missing');
    const ordered = sortEvents(s.events);
    const agentId = ordered[0]?.agentId ?? '';
    // Export of another profile of the same agent, up to before the last event, imported here.
    const head = ordered.slice(0, -1);
    const last = ordered.at(-1);
    if (!last) throw new Error('fixture empty');
    await importEventFiles(db, [{ name: 'mine.ndjson', text: eventsToNdjson(head) }]);
    expect(await db.outcomes.count()).toBe(0);
    const recorded = await recordEvent(db, asNew(last), { agentId, now: new Date(last.at), newId: () => last.id });
    expect(recorded.seq).toBe(last.seq);
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(s.events));
    expect(await db.outcomes.get(last.draftId)).toBeDefined();
    // …and the next one goes through the per-draft row as usual.
    const rating = await recordEvent(db, { ...asNew(last), type: 'rated', payload: { thumb: 'up', reasons: [] } } as NewEvent, { agentId, now: new Date(last.at) });
    const after = await readOutcomeRows(db);
    expect(statsFromSummaries(after.drafts, after.shadows)).toEqual(computeStats([...s.events, rating]));
    // The agent's and the ticket's events cover both stores.
    expect((await eventsOfAgent(db, agentId)).map((e) => e.id)).toEqual([...ordered.map((e) => e.id), rating.id]);
    expect((await eventsOfTicket(db, last.ticketKey)).map((e) => e.id)).toEqual(sortEvents([...s.events, rating].filter((e) => e.ticketKey === last.ticketKey)).map((e) => e.id));
  });

  it('rebuilds rows of imported drafts once with the rest', async () => {
    await importEventFiles(db, [{ name: 'all.ndjson', text: eventsToNdjson(sequences.flatMap((x) => x.events.map((e) => ({ ...e, id: `${x.name}/${e.id}`, agentId: `${x.name}/${e.agentId}`, draftId: `${x.name}/${e.draftId}` })))) }]);
    const before = await readOutcomeRows(db);
    await db.meta.delete('outcomes:built');
    await db.meta.where('key').startsWith('opack:').delete();
    await ensureOutcomeRows(db);
    expect(await readOutcomeRows(db)).toEqual(before);
    expect(await db.outcomes.count()).toBe(0);
  });
});

describe('a full storage quota', () => {
  it('throws a typed error the UI can show, and keeps every older event, counter and row', async () => {
    const s = sequences.find((x) => x.name === 'mixed-day');
    if (!s) throw new Error('fixture missing');
    const [first, ...rest] = sortEvents(s.events);
    if (!first) throw new Error('fixture empty');
    await recordAll(db, sortEvents(s.events).slice(0, 6));
    const before = { events: await db.events.toArray(), rows: await db.outcomes.toArray(), counter: await db.meta.get('seq:agent-a') };
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw quotaError();
    });
    const next = rest[5];
    if (!next) throw new Error('fixture too short');
    const attempt = recordEvent(db, asNew(next), { agentId: 'agent-a' });
    await expect(attempt).rejects.toBeInstanceOf(EventStorageFullError);
    await expect(attempt).rejects.toMatchObject({ code: 'storage-full' });
    await expect(attempt).rejects.toThrow(/storage for Ticket Copilot is full\. Everything recorded before is kept\. Export your numbers/);
    expect(await db.events.toArray()).toEqual(before.events);
    expect(await db.outcomes.toArray()).toEqual(before.rows);
    expect(await db.meta.get('seq:agent-a')).toEqual(before.counter);
    // Once space is free again the next event gets the next seq: nothing was skipped.
    vi.restoreAllMocks();
    const recorded = await recordEvent(db, asNew(next), { agentId: 'agent-a' });
    expect(recorded.seq).toBe(6);
  });

  it('turns an import into a clear message and writes none of it', async () => {
    const s = sequences.find((x) => x.name === 'mixed-day');
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw quotaError();
    });
    const result = await importEventFiles(db, [{ name: 'a.ndjson', text: eventsToNdjson(s?.events ?? []) }]);
    expect(result.imported).toBe(0);
    expect(result.error).toMatch(/^This import could not be recorded because the browser's storage for Ticket Copilot is full/);
    vi.restoreAllMocks();
    expect(await db.events.count()).toBe(0);
    expect(await db.eventPacks.count()).toBe(0);
    expect(await db.meta.count()).toBe(0);
  });

  it.each([
    ['a DOMException named QuotaExceededError', quotaError(), true],
    ['Firefox’s name for it', Object.assign(new Error('full'), { name: 'NS_ERROR_DOM_QUOTA_REACHED' }), true],
    ['a wrapper whose inner error is a quota error', Object.assign(new Error('Abort'), { name: 'AbortError', inner: quotaError() }), true],
    ['an error caused by one', new Error('write failed', { cause: quotaError() }), true],
    ['a constraint error', new DOMException('Key already exists', 'ConstraintError'), false],
    ['a plain error', new Error('boom'), false],
    ['not an error', 'QuotaExceededError', false],
  ])('isQuotaError: %s → %s', (_label, error, expected) => {
    expect(isQuotaError(error)).toBe(expected);
  });
});

describe('retention', () => {
  it('deletes events older than N days, keeps the rest and the counters, and updates the numbers', async () => {
    const s = sequences.find((x) => x.name === 'mixed-day');
    if (!s) throw new Error('fixture missing');
    // Spread the day's events over 20 days, one day apart, ending today.
    const now = new Date('2025-04-01T12:00:00Z');
    const ordered = sortEvents(s.events);
    const dated = ordered.map((e, i) => ({ ...e, at: new Date(now.getTime() - (ordered.length - 1 - i) * 86_400_000).toISOString() }));
    await recordAll(db, dated);
    const counter = await db.meta.get('seq:agent-a');
    const result = await deleteEventsOlderThan(db, 10, now);
    const kept = dated.filter((e) => Date.parse(e.at) >= now.getTime() - 10 * 86_400_000);
    expect(result.deleted).toBe(dated.length - kept.length);
    expect(result.deleted).toBeGreaterThan(0);
    expect(result.cutoff).toBe('2025-03-22T12:00:00.000Z');
    expect((await db.events.toArray()).map((e) => e.id).sort()).toEqual(kept.map((e) => e.id).sort());
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(await db.events.toArray()));
    expect(await db.meta.get('seq:agent-a')).toEqual(counter);
  });

  it('deletes imported (packed) events older than N days next to recorded ones, and rebuilds the drafts they touched', async () => {
    const s = sequences.find((x) => x.name === 'mixed-day');
    if (!s) throw new Error('fixture missing');
    const now = new Date('2025-04-01T12:00:00Z');
    const ordered = sortEvents(s.events);
    const dated = ordered.map((e, i) => ({ ...e, at: new Date(now.getTime() - (ordered.length - 1 - i) * 86_400_000).toISOString() }));
    // Another agent's copy of the day, imported (packed), and this agent's events recorded here.
    const imported = dated.map((e) => ({ ...e, id: `imp-${e.id}`, agentId: `imp-${e.agentId}`, draftId: `imp-${e.draftId}` }));
    await recordAll(db, dated);
    await importEventFiles(db, [{ name: 'imp.ndjson', text: eventsToNdjson(imported) }]);
    const kept = [...dated, ...imported].filter((e) => Date.parse(e.at) >= now.getTime() - 10 * 86_400_000);
    const expected = dated.length * 2 - kept.length;
    expect((await countEventsOlderThan(db, 10, now)).deleted).toBe(expected);
    const result = await deleteEventsOlderThan(db, 10, now);
    expect(result.deleted).toBe(expected);
    expect((await allEvents(db)).map((e) => e.id).sort()).toEqual(kept.map((e) => e.id).sort());
    expect((await db.eventPacks.toArray()).reduce((n, p) => n + p.count, 0)).toBe(kept.filter((e) => e.id.startsWith('imp-')).length);
    expect((await db.eventPacks.toArray()).every((p) => p.minAtMs >= now.getTime() - 10 * 86_400_000)).toBe(true);
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(kept));
    expect((await countEventsOlderThan(db, 10, now)).deleted).toBe(0);
    // Everything older than a day goes, packs included.
    await deleteEventsOlderThan(db, 1, new Date('2025-06-01T00:00:00Z'));
    expect(await db.eventPacks.count()).toBe(0);
    expect(await readOutcomeRows(db)).toEqual({ drafts: [], shadows: [] });
  });

  it('refuses fewer than one day', async () => {
    await expect(deleteEventsOlderThan(db, 0)).rejects.toThrow(/at least 1 day/);
    await expect(deleteEventsOlderThan(db, Number.NaN)).rejects.toThrow(/at least 1 day/);
  });
});
