/**
 * The team-numbers benchmarks of `npm run bench` (issue targets in the notes):
 * - stats of 100,000 events read from IndexedDB, NDJSON export and import of them — in Chromium
 *   through the extension's own code bundled into a page, or in Node on fake-indexeddb when no
 *   browser is found (the row says which);
 * - `npm run report` over 1,000,000 events (the file is generated once into .cache/);
 * - the edit ratio of 10,000-character replies.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { editRatio } from '../lib/feedback/edit-ratio';
import { eventLine } from '../lib/feedback/export';
import { generateEvents } from './bench-events';
import type { TeamBenchResult } from './bench-team-entry';
import { findBrowser, REPO_ROOT } from './extension-browser';
import { benchRow, type BenchRow } from './bench-row';
import { browserBundle } from './bench-bundle';
import { startDemoServer } from './demo-server';
import { chromium } from 'playwright-core';
import { seededRandom as prng } from './bench-corpus';

export type TeamBenchRow = BenchRow;

export interface TeamBenchOptions {
  rounds?: number;
  noBrowser?: boolean;
  /** Events for the stats / export / import rows (default 100,000). */
  events?: number;
  /** Events for the report row (default 1,000,000). */
  reportEvents?: number;
}

const row = benchRow;

function entryBundle(): Promise<string> {
  return browserBundle('bench-team-entry.ts', 'team benchmark');
}

function isResult(value: unknown): value is TeamBenchResult {
  return typeof value === 'object' && value !== null && 'statsMs' in value && 'importMs' in value && 'exportMs' in value;
}

async function inChromium(events: number, rounds: number): Promise<TeamBenchResult> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no browser');
  const demo = await startDemoServer({ port: 0 });
  const browser = await chromium.launch({ executablePath, args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    // An http origin of its own: IndexedDB behaves as it does for the extension's pages.
    await page.goto(`${demo.url}about.html`);
    await page.addScriptTag({ content: await entryBundle() });
    const result: unknown = await page.evaluate(
      ([n, r]) => {
        const run: unknown = Reflect.get(globalThis, 'ticketCopilotBenchTeam');
        if (typeof run !== 'function') throw new Error('The team benchmark bundle did not load.');
        return run(n, r);
      },
      [events, rounds] as const,
    );
    if (!isResult(result)) throw new Error('The team benchmark returned nothing usable.');
    return result;
  } finally {
    await browser.close();
    await demo.close();
  }
}

async function inNode(events: number, rounds: number): Promise<TeamBenchResult> {
  const { indexedDB, IDBKeyRange } = await import('fake-indexeddb');
  const { runTeamBench } = await import('./bench-team-entry');
  return runTeamBench(events, rounds, { indexedDB, IDBKeyRange });
}

async function benchStats(options: TeamBenchOptions): Promise<TeamBenchRow[]> {
  const events = options.events ?? 100_000;
  const rounds = Math.max(3, options.rounds ?? 3);
  const browser = !options.noBrowser && findBrowser() !== null;
  const where = browser ? 'Chromium, IndexedDB' : 'Node, fake-indexeddb (no Chromium found)';
  const result = browser ? await inChromium(events, rounds) : await inNode(events, rounds);
  const k = `${(events / 1000).toLocaleString('en')}k`;
  const check = result.consistent ? 'numbers and export match a replay' : 'MISMATCH with a replay of the generated events';
  return [
    row(`stats page: ${k} events from IndexedDB (${where})`, result.statsMs, `${result.drafts.toLocaleString('en')} drafts; reads outcome rows + computes numbers and charts; ${check}; target ≤ 150 ms`),
    row(`export NDJSON: ${k} events (${where})`, result.exportMs, `${(result.exportedBytes / 1e6).toFixed(1)} MB; target ≤ 2,000 ms`),
    row(`import NDJSON: ${k} events into a fresh database (${where})`, [result.importMs], `${result.imported.toLocaleString('en')} imported, outcome rows built; target ≤ 5,000 ms`),
  ];
}

/** The report benchmark's input, generated once (about 400 MB for a million events). */
async function reportFile(events: number): Promise<string> {
  const dir = join(REPO_ROOT, '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-events-${events}.ndjson`);
  if (existsSync(file)) return file;
  const byAgent = new Map<string, string[]>();
  for (const e of generateEvents({ events, agents: 20 })) {
    let lines = byAgent.get(e.agentId);
    if (!lines) byAgent.set(e.agentId, (lines = []));
    lines.push(eventLine(e));
  }
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  for (const agentId of [...byAgent.keys()].sort()) {
    const lines = byAgent.get(agentId) ?? [];
    for (let i = 0; i < lines.length; i += 5000) {
      if (!out.write(`${lines.slice(i, i + 5000).join('\n')}\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, file);
  return file;
}

async function benchReport(options: TeamBenchOptions): Promise<TeamBenchRow[]> {
  const events = options.reportEvents ?? 1_000_000;
  const file = await reportFile(events);
  const samples: number[] = [];
  let note = '';
  for (let r = 0; r < Math.max(1, Math.min(3, options.rounds ?? 1)); r++) {
    const t0 = performance.now();
    const run = spawnSync('npm', ['run', '-s', 'report', '--', file, '--json'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    samples.push(performance.now() - t0);
    if (run.status !== 0) return [{ name: 'npm run report', n: 0, p50Ms: null, p95Ms: null, note: `failed: ${run.stderr.slice(0, 200)}` }];
    const parsed: unknown = JSON.parse(run.stdout);
    const counted = typeof parsed === 'object' && parsed !== null && 'events' in parsed ? Number(parsed.events) : NaN;
    note = `${counted.toLocaleString('en')} distinct events read (whole process, wall clock); target ≤ 10,000 ms`;
  }
  return [row(`npm run report: ${(events / 1e6).toLocaleString('en')}M events`, samples, note)];
}


function benchEditRatio(): TeamBenchRow[] {
  const random = prng(10_000);
  const words = ['refund', 'order', 'parcel', 'thanks', 'the', 'we', 'your', 'delivery', 'Hallo', 'Grüße', 'address', 'today', 'tomorrow', '—', '😀'];
  const reply = () => Array.from({ length: 1800 }, () => words[Math.floor(random() * words.length)] ?? 'x').join(' ').slice(0, 10_000);
  const time = (pairs: [string, string][]) =>
    pairs.map(([a, b]) => {
      const t0 = performance.now();
      editRatio(a, b);
      return performance.now() - t0;
    });
  // An agent's edit: the greeting's name, one sentence in the middle rewritten, a P.S. added.
  const typical: [string, string][] = Array.from({ length: 40 }, () => {
    const draft = reply();
    const mid = Math.floor(draft.length / 2);
    const sent = `Hi Dana,${draft.slice(8, mid)} we have refunded the shipping cost as well.${draft.slice(mid + 60)}\n\nP.S. Your new tracking number is in the next email.`;
    return [draft, sent];
  });
  // The worst case for the algorithm: 800 edits spread over the whole reply.
  const spread: [string, string][] = Array.from({ length: 40 }, () => {
    const draft = reply();
    const chars = [...draft];
    for (let e = 0; e < 800; e++) chars.splice(Math.floor(random() * chars.length), 1, random() < 0.5 ? 'x' : '');
    return [draft, chars.join('')];
  });
  time(typical.slice(0, 5));
  return [
    row('edit ratio: 10,000-character reply, typical edit (Node)', time(typical), 'name, one sentence, a P.S.; block bit-vector Myers; target ≤ 5 ms'),
    row('edit ratio: 10,000-character reply, 800 edits spread out (Node)', time(spread), 'worst case: every 32-character block of the reply is touched'),
  ];
}

export async function benchTeam(options: TeamBenchOptions = {}): Promise<TeamBenchRow[]> {
  return [...benchEditRatio(), ...(await benchStats(options)), ...(await benchReport(options))];
}
