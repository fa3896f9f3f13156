import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { CopilotDb } from '../../lib/db';
import { CopilotEventSchema } from '../../lib/feedback/events';
import { exportNdjson } from '../../lib/feedback/export';
import { importEventFiles } from '../../lib/feedback/merge';
import { ensureOutcomeRows, readOutcomeRows } from '../../lib/feedback/outcome-rows';
import { eventsOfAgent, eventsOfTicket, recordEvent } from '../../lib/feedback/recorder';
import { computeStats, statsFromSummaries } from '../../lib/feedback/stats';

/** Events as version 1 of the extension wrote them: no pilotId, cohort or variant fields. */
const V1_EVENTS = [
  {
    schema: 1,
    id: 'v1-0',
    agentId: 'agent-a',
    seq: 0,
    at: '2025-01-10T08:00:00.000Z',
    type: 'shown',
    draftId: 'd-1',
    ticketKey: 'tidydesk:1001',
    helpdesk: 'tidydesk',
    payload: {
      latencyMs: 820,
      confidence: { score: 0.74, level: 'high' },
      policy: 'allow',
      injectionSuspected: false,
      model: null,
      promptVersion: 'template-1',
      kbVersion: 3,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      cacheHit: false,
    },
  },
  { schema: 1, id: 'v1-1', agentId: 'agent-a', seq: 1, at: '2025-01-10T08:01:00.000Z', type: 'inserted', draftId: 'd-1', ticketKey: 'tidydesk:1001', helpdesk: 'tidydesk', payload: {} },
  {
    schema: 1,
    id: 'v1-2',
    agentId: 'agent-a',
    seq: 2,
    at: '2025-01-12T16:30:00.000Z',
    type: 'sent',
    draftId: 'd-1',
    ticketKey: 'tidydesk:1001',
    helpdesk: 'tidydesk',
    payload: { used: true, editRatio: 0.12 },
  },
  {
    schema: 1,
    id: 'v1-3',
    agentId: 'agent-a',
    seq: 3,
    at: '2025-01-20T11:00:00.000Z',
    type: 'rated',
    draftId: 'd-1',
    ticketKey: 'tidydesk:1001',
    helpdesk: 'tidydesk',
    payload: { thumb: 'down', reasons: ['tone'], comment: 'A bit stiff.', fieldFromTheFuture: 7 },
  },
  {
    schema: 1,
    id: 'v1-4',
    agentId: 'agent-b',
    seq: 0,
    at: '2025-02-01T09:00:00.000Z',
    type: 'discarded',
    draftId: 'd-2',
    ticketKey: 'tidydesk:1002',
    helpdesk: 'tidydesk',
    payload: { reason: 'agent' },
  },
  // One event already carrying pilot fields must keep them.
  {
    schema: 1,
    id: 'v1-5',
    agentId: 'agent-b',
    seq: 1,
    at: '2025-02-03T09:00:00.000Z',
    type: 'copied',
    draftId: 'd-3',
    ticketKey: 'tidydesk:1003',
    helpdesk: 'tidydesk',
    pilotId: 'pilot-1',
    cohort: 'treatment',
    variant: 'model',
    payload: {},
  },
];

const names: string[] = [];

async function createV1Database(): Promise<string> {
  const name = `test-${crypto.randomUUID()}`;
  names.push(name);
  const v1 = new Dexie(name);
  v1.version(1).stores({ events: 'id, [agentId+seq], draftId, ticketKey', meta: 'key' });
  await v1.open();
  await v1.table('events').bulkAdd(V1_EVENTS);
  await v1.table('meta').bulkPut([
    { key: 'seq:agent-a', value: 3 },
    { key: 'seq:agent-b', value: 1 },
  ]);
  v1.close();
  return name;
}

const open: CopilotDb[] = [];

function openCurrent(name: string): CopilotDb {
  const db = new CopilotDb(name);
  open.push(db);
  return db;
}

afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

describe('upgrading a version-1 database', () => {
  it('opens at the current version', async () => {
    const db = openCurrent(await createV1Database());
    await db.open();
    expect(db.verno).toBe(4);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['drafts', 'embeddings', 'eventPacks', 'events', 'kbChunks', 'kbDocs', 'meta', 'modelCache', 'outcomes']);
  });

  it('keeps every event: same ids, seqs, types, times and payloads', async () => {
    const db = openCurrent(await createV1Database());
    const stored = await db.events.toArray();
    expect(stored).toHaveLength(V1_EVENTS.length);
    for (const original of V1_EVENTS) {
      const event = stored.find((e) => e.id === original.id);
      expect(event, original.id).toBeDefined();
      expect(event).toMatchObject({
        id: original.id,
        agentId: original.agentId,
        seq: original.seq,
        at: original.at,
        type: original.type,
        draftId: original.draftId,
        ticketKey: original.ticketKey,
        helpdesk: original.helpdesk,
      });
      expect(event?.payload).toEqual(original.payload);
    }
  });

  it('adds pilotId, cohort and variant as null, and keeps them where they were set', async () => {
    const db = openCurrent(await createV1Database());
    const stored = await db.events.toArray();
    for (const event of stored.filter((e) => e.id !== 'v1-5')) {
      expect(event, event.id).toMatchObject({ pilotId: null, cohort: null, variant: null });
      expect(Object.keys(event)).toEqual(expect.arrayContaining(['pilotId', 'cohort', 'variant']));
    }
    expect(await db.events.get('v1-5')).toMatchObject({ pilotId: 'pilot-1', cohort: 'treatment', variant: 'model' });
  });

  it('leaves every event valid under the current event schema', async () => {
    const db = openCurrent(await createV1Database());
    for (const event of await db.events.toArray()) {
      const parsed = CopilotEventSchema.safeParse(event);
      expect(parsed.success, `${event.id}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
  });

  it('keeps the old indexes working', async () => {
    const db = openCurrent(await createV1Database());
    expect((await eventsOfAgent(db, 'agent-a')).map((e) => e.id)).toEqual(['v1-0', 'v1-1', 'v1-2', 'v1-3']);
    expect((await eventsOfTicket(db, 'tidydesk:1001')).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(await db.events.where('draftId').equals('d-2').count()).toBe(1);
  });

  it('indexes the old events by `at` for date-range queries', async () => {
    const db = openCurrent(await createV1Database());
    const january = await db.events.where('at').between('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z').toArray();
    expect(january.map((e) => e.id).sort()).toEqual(['v1-0', 'v1-1', 'v1-2', 'v1-3']);
    const ordered = await db.events.orderBy('at').reverse().limit(2).toArray();
    expect(ordered.map((e) => e.id)).toEqual(['v1-5', 'v1-4']);
  });

  it('creates the new tables empty, and they accept rows', async () => {
    const db = openCurrent(await createV1Database());
    expect(await db.drafts.count()).toBe(0);
    expect(await db.kbDocs.count()).toBe(0);
    expect(await db.kbChunks.count()).toBe(0);
    await db.kbChunks.put({ chunkId: 'doc#0', docId: 'doc', ordinal: 0, title: 'T', text: 'Body', kind: 'article', language: 'en' });
    expect(await db.kbChunks.where('docId').equals('doc').count()).toBe(1);
  });

  it('keeps the meta rows, and recordEvent continues each agent’s seq after its stored counter', async () => {
    const db = openCurrent(await createV1Database());
    expect(await db.meta.get('seq:agent-a')).toEqual({ key: 'seq:agent-a', value: 3 });
    const a = await recordEvent(
      db,
      { type: 'inserted', draftId: 'd-9', ticketKey: 'tidydesk:1009', helpdesk: 'tidydesk', pilotId: null, cohort: null, variant: null, payload: {} },
      { agentId: 'agent-a' },
    );
    const b = await recordEvent(
      db,
      { type: 'copied', draftId: 'd-8', ticketKey: 'tidydesk:1008', helpdesk: 'tidydesk', pilotId: null, cohort: null, variant: null, payload: {} },
      { agentId: 'agent-b' },
    );
    expect(a.seq).toBe(4);
    expect(b.seq).toBe(2);
    expect((await eventsOfAgent(db, 'agent-a')).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('upgrades only once: reopening changes nothing', async () => {
    const name = await createV1Database();
    const first = openCurrent(name);
    const before = await first.events.toArray();
    first.close();
    const second = openCurrent(name);
    expect(await second.events.toArray()).toEqual(before);
  });

  it('opens an empty version-1 database too', async () => {
    const name = `test-${crypto.randomUUID()}`;
    names.push(name);
    const v1 = new Dexie(name);
    v1.version(1).stores({ events: 'id, [agentId+seq], draftId, ticketKey', meta: 'key' });
    await v1.open();
    v1.close();
    const db = openCurrent(name);
    expect(await db.events.count()).toBe(0);
    expect((await recordEvent(db, { type: 'inserted', draftId: 'd', ticketKey: 'k', helpdesk: 'h', pilotId: null, cohort: null, variant: null, payload: {} }, { agentId: 'a' })).seq).toBe(0);
  });
});

const V3_EVENTS = V1_EVENTS.map((e) => CopilotEventSchema.parse({ pilotId: null, cohort: null, variant: null, ...e }));

/** A database with version 3's schema, its events (as v2 upgraded them), a counter and a draft; `fill` adds more. */
async function createV3Database(fill?: (v3: Dexie) => Promise<void>): Promise<string> {
  const name = `test-${crypto.randomUUID()}`;
  names.push(name);
  const v3 = new Dexie(name);
  v3.version(1).stores({ events: 'id, [agentId+seq], draftId, ticketKey', meta: 'key' });
  v3.version(2).stores({ events: 'id, [agentId+seq], draftId, ticketKey, at', drafts: 'draftId, ticketKey, createdAt', kbDocs: 'id, kind', kbChunks: 'chunkId, docId', meta: 'key' });
  v3.version(3).stores({ embeddings: 'key, model, chunkId', modelCache: 'key, createdAt', outcomes: 'draftId, shownAt, agentId' });
  await v3.open();
  await v3.table('events').bulkAdd(V3_EVENTS);
  await v3.table('meta').put({ key: 'seq:agent-a', value: 3 });
  await v3.table('drafts').put({ draftId: 'd-1', ticketKey: 'tidydesk:1001', createdAt: 1 });
  await fill?.(v3);
  v3.close();
  return name;
}

describe('upgrading a version-3 database to version 4', () => {
  it('keeps events, outcome rows, packed rows, drafts and counters, and adds an empty eventPacks table', async () => {
    const outcome = { draftId: 'd-1', agentId: 'agent-a', shownAt: '2025-01-10T08:00:00.000Z', value: { kind: 'shown', draft: { draftId: 'd-1' } } };
    const name = await createV3Database(async (v3) => {
      await v3.table('outcomes').put(outcome);
      await v3.table('meta').bulkPut([
        { key: 'opack:2025-01-10:agent-a', value: '{}' },
        { key: 'outcomes:built', value: 1 },
      ]);
    });
    const db = openCurrent(name);
    await db.open();
    expect(db.verno).toBe(4);
    expect(await db.events.toArray()).toEqual(V3_EVENTS);
    expect(await db.outcomes.toArray()).toEqual([outcome]);
    expect(await db.meta.get('opack:2025-01-10:agent-a')).toEqual({ key: 'opack:2025-01-10:agent-a', value: '{}' });
    expect(await db.meta.get('seq:agent-a')).toEqual({ key: 'seq:agent-a', value: 3 });
    expect(await db.drafts.get('d-1')).toEqual({ draftId: 'd-1', ticketKey: 'tidydesk:1001', createdAt: 1 });
    expect(await db.eventPacks.count()).toBe(0);
  });

  it('then imports into packs next to the recorded events: exports, agent lists and numbers cover both', async () => {
    const db = openCurrent(await createV3Database());
    await ensureOutcomeRows(db);
    const imported = [
      { ...V1_EVENTS[4], id: 'imp-0', agentId: 'agent-c', seq: 0, draftId: 'd-c1' },
      { ...V1_EVENTS[0], id: 'imp-1', agentId: 'agent-a', seq: 7, draftId: 'd-a7' },
    ].map((e) => CopilotEventSchema.parse({ pilotId: null, cohort: null, variant: null, ...e }));
    const text = imported.map((e) => JSON.stringify(e)).join('\n');
    expect(await importEventFiles(db, [{ name: 'more.ndjson', text }])).toMatchObject({ imported: 2, duplicates: 0, error: null });
    expect(await db.events.count()).toBe(V1_EVENTS.length);
    expect(await db.eventPacks.count()).toBe(2);
    expect((await eventsOfAgent(db, 'agent-a')).map((e) => e.id)).toEqual(['v1-0', 'v1-1', 'v1-2', 'v1-3', 'imp-1']);
    const exported = (await exportNdjson(db)).parts.join('').trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(exported).toEqual(['v1-0', 'v1-1', 'v1-2', 'v1-3', 'imp-1', 'v1-4', 'v1-5', 'imp-0']);
    const all = [...(await db.events.toArray()), ...imported];
    const rows = await readOutcomeRows(db);
    expect(statsFromSummaries(rows.drafts, rows.shadows)).toEqual(computeStats(all));
  });
});
