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
 * 4. Team numbers (scripts/bench-team.ts): edit ratio, stats / export / import of 100,000 events
 *    in IndexedDB, `npm run report` over 1,000,000 events.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import { deserialize, serialize } from 'node:v8';
import { parseQueriesJsonl, scoreRankings, type RetrievalQuery } from '../lib/eval/retrieval-metrics';
import { LexicalIndex } from '../lib/retrieval/lexical-index';
import type { KbDoc } from '../lib/kb/schema';
import { withDistractors } from './bench-corpus';
import { benchEmbeddings } from './bench-embed';
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
import { benchModelOverhead } from './bench-model';
import { benchRow, type BenchRow } from './bench-row';
import { browserBundle } from './bench-bundle';
import { CHROME_BUILD_DIR, findBrowser, launchWithExtension, openPanel, readEvents, REPO_ROOT, tabIdOf } from './extension-browser';
import { benchTeam } from './bench-team';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    'no-browser': { type: 'boolean', default: false },
  },
});
const rounds = Math.max(1, Number(values.rounds) || 3);

type Row = BenchRow;
const row = benchRow;

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

const STACKFAQ = join(REPO_ROOT, '..', 'shared', 'data', 'stackfaq');

function timeQueries(queries: readonly RetrievalQuery[], rank: (q: string) => string[]) {
  const times: number[] = [];
  const rankings = queries.map((q) => {
    const t0 = performance.now();
    const ranked = rank(q.query);
    times.push(performance.now() - t0);
    return { relevant: q.relevant, ranked };
  });
  return { times, metrics: scoreRankings(rankings) };
}

/** Ours against MiniSearch 7 in its default configuration, same corpus, same queries, one run. */
function benchCorpus(label: string, docs: readonly KbDoc[], queries: readonly RetrievalQuery[]): Row[] {
  const t0 = performance.now();
  const { retriever, index } = buildRetriever(docs);
  const buildMs = performance.now() - t0;
  // Loading the persisted index: a structured-clone round trip (as IndexedDB does) and fromJSON.
  const stored = serialize(index.toJSON());
  const t1 = performance.now();
  LexicalIndex.fromJSON(deserialize(stored));
  const loadMs = performance.now() - t1;
  const ours = timeQueries(queries, (q) => retriever.rankDocuments({ text: q, language: 'en' }, 10).map((d) => d.docId));

  const t2 = performance.now();
  const mini = new MiniSearch<KbDoc>({ fields: ['title', 'body'], searchOptions: { combineWith: 'OR', boost: { title: 2 } } });
  mini.addAll(docs);
  const miniBuildMs = performance.now() - t2;
  const theirs = timeQueries(queries, (q) => mini.search(q).slice(0, 10).map((h) => String(h.id)));

  const r = (x: number) => Math.round(x * 1000) / 1000;
  const ourP95 = percentile(ours.times, 95) ?? 0;
  const theirP95 = percentile(theirs.times, 95) ?? 0;
  return [
    {
      ...row(`${label}: Ticket Copilot BM25`, ours.times, `${docs.length} docs; build ${Math.round(buildMs)} ms, load ${Math.round(loadMs)} ms; recall@5 ${ours.metrics.recallAt5.toFixed(3)}, MRR@10 ${ours.metrics.mrrAt10.toFixed(3)}; p95 ${ourP95 > 0 ? (theirP95 / ourP95).toFixed(0) : '∞'}× faster`),
      recallAt5: r(ours.metrics.recallAt5),
      mrrAt10: r(ours.metrics.mrrAt10),
      buildMs: Math.round(buildMs),
      loadMs: Math.round(loadMs),
    },
    {
      ...row(`${label}: MiniSearch 7 default`, theirs.times, `build ${Math.round(miniBuildMs)} ms; recall@5 ${theirs.metrics.recallAt5.toFixed(3)}, MRR@10 ${theirs.metrics.mrrAt10.toFixed(3)}`),
      recallAt5: r(theirs.metrics.recallAt5),
      mrrAt10: r(theirs.metrics.mrrAt10),
      buildMs: Math.round(miniBuildMs),
    },
  ];
}

function benchRetrievalVsMiniSearch(): Row[] {
  if (!existsSync(join(STACKFAQ, 'kb.jsonl'))) {
    return [{ name: 'stackfaq: retrieval vs MiniSearch', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: ../shared/data/stackfaq not found' }];
  }
  const docs = parseKbJsonl(readFileSync(join(STACKFAQ, 'kb.jsonl'), 'utf8')).docs;
  const queries = parseQueriesJsonl(readFileSync(join(STACKFAQ, 'queries.jsonl'), 'utf8')).queries;
  return [...benchCorpus('stackfaq (125 docs)', docs, queries), ...benchCorpus('stackfaq + distractors', withDistractors(docs, 12_500), queries)];
}

function contentScriptSize(): Row[] {
  const file = join(CHROME_BUILD_DIR, 'content-scripts', 'content.js');
  if (!existsSync(file)) return [{ name: 'content script size (gzip)', n: 0, p50Ms: null, p95Ms: null, note: 'skipped: run `npm run build` first' }];
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 }).length;
  return [{ name: 'content script size (gzip)', n: 1, p50Ms: null, p95Ms: null, note: `${(gz / 1024).toFixed(1)} KB gzipped, ${(raw.length / 1024).toFixed(1)} KB raw (target ≤ 60 KB)`, bytes: gz }];
}

function extractionBundle(): Promise<string> {
  return browserBundle('bench-extract-entry.ts', 'extraction');
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
  const scans: number[] = [];
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
    const scan: unknown = await page.evaluate((runs) => {
      const time: unknown = Reflect.get(globalThis, 'ticketCopilotTimeHiddenScan');
      if (typeof time !== 'function') throw new Error('The extraction bundle did not load.');
      return time(runs);
    }, 20);
    if (Array.isArray(scan)) scans.push(...scan.map(Number));
  }
  rows.push(row('Chromium: read a 200-message thread, all adapters', all, 'target p95 ≤ 20 ms'));
  rows.push(row('Chromium: hidden-text scan of those pages', scans, 'once per new ticket state, not per read'));
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
        const t0 = performance.now();
        await page.goto(`${demo.url}tickets/${file}`);
        const expected = (await page.locator('h1').first().textContent())?.trim() ?? '';
        await panel.getByTestId('ticket-subject').filter({ hasText: expected }).waitFor({ timeout: 10_000 });
        // A no-AI ticket shows its note instead of a draft; only drafts are timed.
        await panel.getByTestId('draft-text').or(panel.getByTestId('no-ai-note')).first().waitFor({ timeout: 10_000 });
        if ((await panel.getByTestId('draft-text').count()) > 0) wall.push(performance.now() - t0);
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

const rows: Row[] = [
  ...benchRetrieval(),
  ...benchRetrievalVsMiniSearch(),
  ...benchEmbeddings(),
  ...contentScriptSize(),
  ...(await benchModelOverhead(rounds * 10)),
  ...(await benchBrowser()),
  ...(await benchTeam({ rounds, noBrowser: values['no-browser'] })),
];
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
