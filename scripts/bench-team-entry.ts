/**
 * Bundled by `npm run bench` (scripts/bench-team.ts) and run in a page in Chromium, or in Node on
 * fake-indexeddb when no browser is found: imports generated events into a fresh IndexedDB through
 * the options page's own code, then times the stats page's read (outcome rows from IndexedDB + the
 * numbers and charts) and the NDJSON export.
 */
import type { DexieOptions } from 'dexie';
import { CopilotDb } from '../lib/db';
import { eventsToNdjson, exportNdjson } from '../lib/feedback/export';
import { importEventFiles } from '../lib/feedback/merge';
import { computeStats } from '../lib/feedback/stats';
import { loadStatsView } from '../lib/feedback/stats-view';
import { generateEvents } from './bench-events';

export interface TeamBenchResult {
  events: number;
  drafts: number;
  imported: number;
  importMs: number;
  statsMs: number[];
  exportMs: number[];
  exportedBytes: number;
  /** The stats read back from IndexedDB agree with a replay of the generated events. */
  consistent: boolean;
}

/** JSON with object keys sorted, so two equal results compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

export async function runTeamBench(events: number, rounds: number, dbOptions?: DexieOptions): Promise<TeamBenchResult> {
  const generated = [...generateEvents({ events, agents: 20 })];
  const text = eventsToNdjson(generated);
  const db = new CopilotDb(`bench-team-${Date.now()}`, dbOptions);
  await db.open();
  try {
    const t0 = performance.now();
    const result = await importEventFiles(db, [{ name: 'bench.ndjson', text }]);
    const importMs = performance.now() - t0;
    if (result.error) throw new Error(result.error);
    const statsMs: number[] = [];
    let drafts = 0;
    let consistent = true;
    const expected = computeStats(generated);
    for (let r = 0; r < rounds; r++) {
      const s0 = performance.now();
      const view = await loadStatsView(db);
      statsMs.push(performance.now() - s0);
      drafts = view.stats.shownDrafts;
      consistent &&= canonical(view.stats) === canonical(expected);
    }
    const exportMs: number[] = [];
    let exportedBytes = 0;
    for (let r = 0; r < Math.max(1, Math.ceil(rounds / 2)); r++) {
      const e0 = performance.now();
      const { parts } = await exportNdjson(db);
      const blob = new Blob(parts, { type: 'application/x-ndjson' });
      exportMs.push(performance.now() - e0);
      exportedBytes = blob.size;
      // Payload keys come back in schema order, so compare parsed events, not bytes.
      if (r === 0) consistent &&= canonical(parts.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)) === canonical(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown));
    }
    return { events, drafts, imported: result.imported, importMs, statsMs, exportMs, exportedBytes, consistent };
  } finally {
    db.close();
    await db.delete();
  }
}

Object.assign(globalThis, { ticketCopilotBenchTeam: runTeamBench });
