/**
 * `npm run bench [-- --json] [-- --rounds N] [-- --no-browser]`
 *
 * 1. Retrieval over the bundled sample KB, queried with the demo tickets as the extension reads
 *    them (the real adapter on the demo pages): p50 / p95 per query, in Node.
 * 2. Reading a 200-message thread in Chromium, per adapter (the content script's own code on the
 *    fixture's live DOM), and the content script's gzipped size.
 * 3. Ticket-to-draft in the browser: the built extension in Chromium opens each demo ticket; the
 *    time from the content script reading the ticket to the side panel showing the draft's text
 *    (the `shown` event's latencyMs) and the wall time from navigation to a visible draft.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Window } from 'happy-dom';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { percentile } from '../lib/feedback/stats';
import { ticketLanguage, ticketQueryText } from '../lib/drafting/ticket-query';
import { draftFromTemplate } from '../lib/drafting/template-drafter';
import { readTicket } from '../lib/ticket/reader';
import { tidydeskAdapter } from '../lib/ticket/adapters/tidydesk';
import type { Ticket } from '../lib/ticket/schema';
import { RETRIEVAL_K } from '../lib/copilot/service';
import { startDemoServer } from './demo-server';
import { CHROME_BUILD_DIR, findBrowser, launchWithExtension, openPanel, readEvents, REPO_ROOT, tabIdOf } from './extension-browser';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    'no-browser': { type: 'boolean', default: false },
  },
});
const rounds = Math.max(1, Number(values.rounds) || 3);

interface Row {
  name: string;
  n: number;
  p50Ms: number | null;
  p95Ms: number | null;
  note?: string;
  bytes?: number;
}

const round2 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const row = (name: string, samples: number[], note?: string): Row => ({
  name,
  n: samples.length,
  p50Ms: round2(percentile(samples, 50)),
  p95Ms: round2(percentile(samples, 95)),
  ...(note ? { note } : {}),
});

function demoTickets(): Ticket[] {
  const dir = join(REPO_ROOT, 'demo', 'tickets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((file) => {
      const window = new Window({ url: `http://127.0.0.1/tickets/${file}` });
      window.document.write(readFileSync(join(dir, file), 'utf8'));
      // happy-dom implements the DOM the adapter reads, but declares its own types apart from lib.dom.
      const doc = window.document as unknown as Document;
      const ticket = readTicket(tidydeskAdapter, doc, new URL(window.location.href));
      void window.happyDOM.close();
      if (!ticket) throw new Error(`The demo page ${file} did not read as a ticket.`);
      return ticket;
    });
}

function benchRetrieval(): Row[] {
  const kbText = readFileSync(join(REPO_ROOT, 'public', 'kb', 'sample-kb.jsonl'), 'utf8');
  const { docs } = parseKbJsonl(kbText);
  const buildStart = performance.now();
  const { retriever, chunks } = buildRetriever(docs);
  const buildMs = performance.now() - buildStart;
  const tickets = demoTickets();
  const queries = tickets.map((t) => ({ text: ticketQueryText(t), language: ticketLanguage(t) }));
  for (const q of queries) retriever.retrieve(q, RETRIEVAL_K); // warm-up
  const retrieval: number[] = [];
  const drafting: number[] = [];
  for (let r = 0; r < 200; r++) {
    tickets.forEach((ticket, i) => {
      const query = queries[i];
      if (!query) return;
      const t0 = performance.now();
      const retrieved = retriever.retrieve(query, RETRIEVAL_K);
      const t1 = performance.now();
      draftFromTemplate({ ticket, retrieved, agentName: 'Sam Rivera' });
      const t2 = performance.now();
      retrieval.push(t1 - t0);
      drafting.push(t2 - t0);
    });
  }
  return [
    row('sample KB: build index (Node)', [buildMs], `${docs.length} docs, ${chunks.length} chunks`),
    row('sample KB: retrieve top-12 for a demo ticket (Node)', retrieval, `${tickets.length} tickets × 200`),
    row('sample KB: retrieve + template draft (Node)', drafting),
  ];
}

function contentScriptSize(): Row[] {
  const file = join(CHROME_BUILD_DIR, 'content-scripts', 'content.js');
  if (!existsSync(file)) return [{ name: 'content script size (gzip)', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: run `npm run build` first' }];
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 }).length;
  return [{ name: 'content script size (gzip)', n: 1, p50Ms: null, p95Ms: null, note: `${(gz / 1024).toFixed(1)} KB gzipped, ${(raw.length / 1024).toFixed(1)} KB raw (target ≤ 60 KB)`, bytes: gz }];
}

async function extractionBundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'scripts', 'bench-extract-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('The extraction bundle came out empty.');
  return out.text;
}

interface LongThread {
  adapter: string;
  html: string;
  url: string;
}

function longThreadFixtures(): LongThread[] {
  const root = join(REPO_ROOT, 'tests', 'fixtures', 'adapters');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'long-thread.html')))
    .map((d) => {
      const expected: unknown = JSON.parse(readFileSync(join(root, d.name, 'long-thread.expected.json'), 'utf8'));
      const url = typeof expected === 'object' && expected !== null && 'url' in expected && typeof expected.url === 'string' ? expected.url : 'https://example.test/';
      return { adapter: d.name, html: readFileSync(join(root, d.name, 'long-thread.html'), 'utf8'), url };
    });
}

async function benchExtraction(browser: Awaited<ReturnType<typeof launchWithExtension>>): Promise<Row[]> {
  const fixtures = longThreadFixtures();
  if (fixtures.length === 0) return [];
  const bundle = await extractionBundle();
  const page = await browser.context.newPage();
  const rows: Row[] = [];
  const all: number[] = [];
  for (const fixture of fixtures) {
    // The saved page's own scripts never run: only its DOM is read.
    await page.setContent(fixture.html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ''), { waitUntil: 'load' });
    await page.addScriptTag({ content: bundle });
    const result: unknown = await page.evaluate(
      ([url, runs]) => {
        const time: unknown = Reflect.get(globalThis, 'ticketCopilotTimeExtraction');
        if (typeof time !== 'function') throw new Error('The extraction bundle did not load.');
        time(url, 5);
        return time(url, runs);
      },
      [fixture.url, 60] as const,
    );
    const parsed = typeof result === 'object' && result !== null && 'samples' in result ? result : null;
    const rawSamples: unknown = parsed?.samples;
    const samples = Array.isArray(rawSamples) ? rawSamples.map(Number) : [];
    const picked = parsed && 'adapter' in parsed ? String(parsed.adapter) : '?';
    const messages = parsed && 'messages' in parsed ? Number(parsed.messages) : 0;
    all.push(...samples);
    rows.push(row(`Chromium: read 200-message ${fixture.adapter} thread`, samples, `adapter ${picked}, ${messages} messages`));
  }
  rows.push(row('Chromium: read a 200-message thread, all adapters', all, 'target p95 ≤ 20 ms'));
  await page.close();
  return rows;
}

async function benchBrowser(): Promise<Row[]> {
  if (values['no-browser']) return [];
  if (!findBrowser()) return [{ name: 'browser: ticket → draft', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: no Chromium (set CHROME_PATH)' }];
  if (!existsSync(join(CHROME_BUILD_DIR, 'manifest.json'))) {
    return [{ name: 'browser: ticket → draft', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: run `npm run build` first' }];
  }
  const demo = await startDemoServer({ port: 0 });
  const browser = await launchWithExtension();
  try {
    const ids = readdirSync(join(REPO_ROOT, 'demo', 'tickets'))
      .filter((f) => f.endsWith('.html'))
      .sort();
    const page = await browser.context.newPage();
    const first = `${demo.url}tickets/${ids[0] ?? '1001.html'}`;
    await page.goto(first);
    const panel = await openPanel(browser, await tabIdOf(browser, first));
    await panel.getByTestId('kb-status').filter({ hasText: /KB entries/ }).waitFor({ timeout: 30_000 });
    await panel.getByTestId('draft-text').waitFor({ timeout: 10_000 });
    const wall: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const file of ids) {
        const subject = await (async () => {
          const t0 = performance.now();
          await page.goto(`${demo.url}tickets/${file}`);
          const expected = (await page.locator('h1').first().textContent())?.trim() ?? '';
          await panel.getByTestId('ticket-subject').filter({ hasText: expected }).waitFor({ timeout: 10_000 });
          await panel.getByTestId('draft-text').waitFor({ timeout: 10_000 });
          wall.push(performance.now() - t0);
          return expected;
        })();
        void subject;
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    const shown = (await readEvents(panel)).filter((e) => e.type === 'shown').map((e) => Number(e.payload.latencyMs));
    const extraction = await benchExtraction(browser);
    return [
      ...extraction,
      row('browser: ticket read → draft shown (shown.latencyMs)', shown, `${ids.length} demo tickets × ${rounds} + warm-up`),
      row('browser: navigation → draft visible in panel (wall)', wall, 'includes page load'),
    ];
  } finally {
    await browser.close();
    await demo.close();
  }
}

const rows = [...benchRetrieval(), ...contentScriptSize(), ...(await benchBrowser())];
if (values.json) {
  console.log(JSON.stringify({ rows }, null, 2));
} else {
  const header = ['benchmark', 'n', 'p50 ms', 'p95 ms', 'note'];
  const table = rows.map((r) => [r.name, String(r.n), r.p50Ms === null ? '–' : r.p50Ms.toFixed(3), r.p95Ms === null ? '–' : r.p95Ms.toFixed(3), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
}
