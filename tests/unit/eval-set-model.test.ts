import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEvalSet, runEvalSet, setChecksum, type EvalSetResult } from '../../lib/eval/eval-set';
import { gate } from '../../lib/eval/gate';
import { makeModelDrafter } from '../../lib/eval/model-drafter';
import { createClient } from '../../lib/drafting/model-client';
import { ProviderSettingsSchema, type ProviderSettings } from '../../lib/drafting/provider-settings';
import { DEFAULT_POLICY, decidePolicy } from '../../lib/guard/policy';
import { buildRetriever } from '../../lib/kb/build';
import { parseKbJsonl } from '../../lib/kb/jsonl';
import { ticketLanguage } from '../../lib/drafting/ticket-query';
import { ticketFromLine } from '../../lib/eval/ticket-lines';
import { evalLock, evalSet } from '../../scripts/eval-set';
import { startOpenAIServer, type OpenAIServer, type ScriptedReply } from '../support/openai-server';

const SET = 'evals/demo-shop.jsonl';
const KB = 'public/kb/sample-kb.jsonl';
const SET_TEXT = readFileSync(SET, 'utf8');
const TICKETS = parseEvalSet(SET_TEXT).tickets;
const DOCS = parseKbJsonl(readFileSync(KB, 'utf8')).docs;

/** Tickets of the demo set the default policy lets a model draft (the others never reach one). */
const MODEL_TICKETS = TICKETS.filter((t) => {
  const ticket = ticketFromLine(t);
  const mode = decidePolicy(ticket, DEFAULT_POLICY, ticketLanguage(ticket)).mode;
  return mode === 'draft' || mode === 'review';
});

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
  server.setDefault({ content: 'OK' });
});

// ── A model made of the request: it reads the numbered sources in the prompt and answers from them ──

function userPrompt(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const user = messages.find((m): m is { role: string; content: string } => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user');
  return user?.content ?? '';
}

/** The `[n] Title\ntext` sources of a prompt, by marker. */
function sourcesOf(body: Record<string, unknown>): Map<number, string> {
  const block = /<sources>\n([\s\S]*?)\n<\/sources>/.exec(userPrompt(body))?.[1] ?? '';
  const out = new Map<number, string>();
  for (const part of block.split(/\n\n(?=\[\d+\] )/)) {
    const m = /^\[(\d+)\] [^\n]*\n([\s\S]*)$/.exec(part);
    if (m) out.set(Number(m[1]), m[2] ?? '');
  }
  return out;
}

/** The first two sentences of a source, with list markers and headings stripped. */
function sentencesOf(text: string): string[] {
  const flat = text
    .replace(/^#+\s.*$/gm, '')
    .replace(/^\s*[-*]\s+/gm, '')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return (flat.match(/[^.!?]+[.!?]/g) ?? [flat]).slice(0, 2).map((x) => x.trim());
}

/** A model that answers from source `pick(markers)` and cites it. */
function echoing(pick: (markers: number[]) => number): ScriptedReply {
  return {
    respond: (body) => {
      const sources = sourcesOf(body);
      const markers = [...sources.keys()];
      if (markers.length === 0) return { content: JSON.stringify({ text: 'A colleague will follow up on this.', citations: [], confidence: 0.2, needsHuman: true }) };
      const marker = pick(markers);
      // Each sentence quoted from the source and cited, as a careful model would.
      const quoted = sentencesOf(sources.get(marker) ?? '').map((x) => `${x.replace(/[.!?]$/, '')} [${marker}].`);
      const text = `Hello,\n\n${quoted.join(' ')}\n\nBest wishes,\nSam`;
      return { content: JSON.stringify({ text, citations: [marker], confidence: 0.8, needsHuman: false }) };
    },
  };
}
const GOOD = echoing((m) => m[0] ?? 1);
/** The planted regression: the same kind of answer, citing (and quoting) the lowest-ranked source. */
const WRONG_SOURCE = echoing((m) => m[m.length - 1] ?? 1);

function settings(over: Record<string, unknown> = {}): ProviderSettings {
  return ProviderSettingsSchema.parse({ preset: 'custom', baseUrl: server.baseUrl, model: 'eval-model', outputMode: 'json-schema', timeoutMs: 10_000, ...over });
}

function fakeClock(): () => number {
  let t = 0;
  return () => (t += 5);
}

async function runModel(s: ProviderSettings = settings()): Promise<EvalSetResult> {
  const { retriever, chunks } = buildRetriever(DOCS);
  return runEvalSet({
    setName: 'demo-shop.jsonl',
    sha256: await setChecksum(SET_TEXT),
    tickets: TICKETS,
    retriever,
    chunks: new Map(chunks.map((c) => [c.chunkId, c])),
    kbDocs: DOCS.length,
    drafter: makeModelDrafter({ settings: s, client: createClient(s, { maxRetries: 0 }) }),
    variant: 'model',
    now: fakeClock(),
    concurrency: 2,
  });
}

const chatRequests = () => server.requests.filter((r) => r.path.endsWith('/chat/completions'));

describe('model variant of an eval set (library)', () => {
  it('scores citation precision and groundedness from the model drafts, with tokens and cost', async () => {
    expect(MODEL_TICKETS.length).toBeGreaterThanOrEqual(8);
    expect(MODEL_TICKETS.length).toBeLessThan(TICKETS.length);
    server.setDefault(GOOD);
    const result = await runModel(settings({ priceInPerMillion: 2, priceOutPerMillion: 8 }));

    // Only tickets the policy lets a model see were sent, each once, and each became a model draft.
    expect(chatRequests()).toHaveLength(MODEL_TICKETS.length);
    const modelIds = new Set(MODEL_TICKETS.map((t) => t.id));
    for (const t of result.tickets) {
      expect(t.modelAttempted).toBe(modelIds.has(t.id));
      if (modelIds.has(t.id)) {
        expect(t.drafter).toBe('model');
        expect(t.fallback).toBeNull();
        expect(t.tokensIn).toBeGreaterThan(0);
        // The model step's own check agrees the quoted sentence is grounded in its cited source.
        expect(t.modelGroundedness, t.id).toBeGreaterThan(0.5);
      } else {
        expect(t.drafter === 'template' || t.drafter === null).toBe(true);
        expect(t.tokensIn).toBe(0);
      }
    }
    const o = result.overall;
    expect(o.modelAttempts).toBe(MODEL_TICKETS.length);
    expect(o.fallbackRate).toBe(0);
    expect(o.fallbacks).toEqual({});
    // Cost from the server's usage and the prices per million tokens.
    expect(o.tokensIn).toBeGreaterThan(0);
    expect(o.costUsd).toBeCloseTo((o.tokensIn * 2 + o.tokensOut * 8) / 1e6, 6);
    expect(o.costPerTicketUsd).toBeGreaterThan(0);

    // Citation precision from what the model cited: [1] is retrieval's best passage, mostly an expected document.
    expect(o.citationPrecision).toBeGreaterThan(0.7);
    // Each model draft quotes its cited source, so its sentences are grounded.
    const modelScores = result.tickets.filter((t) => t.drafter === 'model');
    for (const t of modelScores) expect(t.groundedness).toBeGreaterThanOrEqual(0.99);
    expect(o.groundedness).toBeGreaterThan(0.8);
  });

  it('an answer that invents its content is measured as ungrounded', async () => {
    server.setDefault({
      respond: () => ({
        content: JSON.stringify({
          text: 'Hello,\n\nEvery order ships by private helicopter within one hour of payment [1]. We also include a complimentary diamond bracelet with each parcel [1].\n\nBest wishes,\nSam',
          citations: [1],
          confidence: 0.9,
          needsHuman: false,
        }),
      }),
    });
    const result = await runModel();
    const model = result.tickets.filter((t) => t.drafter === 'model');
    expect(model.length).toBe(MODEL_TICKETS.length);
    for (const t of model) {
      expect(t.groundedness).toBe(0);
      expect(t.ungrounded.join(' ')).toMatch(/helicopter/);
    }
  });

  it('a scripted 500 falls back to the template draft and is counted', async () => {
    const failing = MODEL_TICKETS[1];
    if (!failing) throw new Error('the demo set has too few model tickets');
    const marker = failing.messages.at(-1)?.text.slice(0, 40) ?? '';
    server.setDefault({
      respond: (body) => (userPrompt(body).includes(marker) ? { status: 500, errorMessage: 'scripted outage' } : (GOOD.respond?.(body) ?? {})),
    });
    const result = await runModel();
    const t = result.tickets.find((s) => s.id === failing.id);
    expect(t?.modelAttempted).toBe(true);
    expect(t?.fallback).toBe('server');
    expect(t?.drafter).toBe('template');
    expect(t?.citedDocIds.length).toBeGreaterThan(0);
    expect(result.overall.fallbacks).toEqual({ server: 1 });
    expect(result.overall.fallbackRate).toBeCloseTo(1 / MODEL_TICKETS.length, 4);
    // The per-slice numbers carry it too.
    const topic = failing.slices.topic ?? '';
    expect(result.slices.topic?.[topic]?.fallbacks).toEqual({ server: 1 });
  });

  it('the gate passes the model run against itself and fails a planted wrong-source regression', async () => {
    server.setDefault(GOOD);
    const baseline = await runModel();
    server.setDefault(GOOD);
    const again = await runModel();
    expect(gate(baseline, baseline).pass).toBe(true);
    expect(gate(again, baseline).pass).toBe(true);

    server.setDefault(WRONG_SOURCE);
    const regressed = await runModel();
    // Same groundedness (it still quotes what it cites), lower citation precision.
    expect(regressed.overall.citationPrecision).toBeLessThan((baseline.overall.citationPrecision ?? 0) - 0.02);
    const result = gate(regressed, baseline);
    expect(result.pass).toBe(false);
    expect(result.failures.join(' ')).toMatch(/citationPrecision dropped/);

    // More fallbacks than the baseline fail the gate as well.
    const flaky = { ...baseline, overall: { ...baseline.overall, fallbackRate: 0.2 } };
    expect(gate(flaky, baseline).failures.join(' ')).toMatch(/fallbackRate rose/);
  });
});

// ── The CLI ──────────────────────────────────────────────────────────────────────────────────────

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('npm run eval -- set with a model variant', () => {
  let dir: string;
  let set: string;
  const savedKey = process.env.OPENAI_API_KEY;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evalset-model-'));
    set = join(dir, 'demo.jsonl');
    copyFileSync(SET, set);
    expect(await evalLock([set], io().io)).toBe(0);
    delete process.env.OPENAI_API_KEY;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
  });

  function pilot(variant: Record<string, unknown>): string {
    const path = join(dir, 'pilot.json');
    writeFileSync(
      path,
      JSON.stringify({
        id: 'p1',
        name: 'Model pilot',
        startsAt: '2026-01-01',
        endsAt: '2026-12-31',
        variants: [{ id: 'control', drafter: 'template' }, { id: 'challenger', ...variant }],
        cohorts: [{ id: 'all', agents: '*', allocation: { control: 1, challenger: 1 } }],
        shadow: false,
        unit: 'agent',
      }),
    );
    return path;
  }

  it('without an endpoint, says which flags to pass (exit 2)', async () => {
    const run = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model'], run.io)).toBe(2);
    const text = run.err.join('\n');
    expect(text).toMatch(/--base-url URL and --model NAME/);
    expect(text).toMatch(/OPENAI_API_KEY/);
    expect(chatRequests()).toHaveLength(0);

    const noModel = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model', '--base-url', server.baseUrl], noModel.io)).toBe(2);
    expect(noModel.err.join('\n')).toMatch(/pass --model NAME/);

    const badMode = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model', '--base-url', server.baseUrl, '--model', 'm', '--output-mode', 'xml'], badMode.io)).toBe(2);
    expect(badMode.err.join('\n')).toMatch(/--output-mode must be/);
  });

  it('runs a model variant, sends the key from OPENAI_API_KEY only, and gates a regression (exit 1)', async () => {
    process.env.OPENAI_API_KEY = 'sk-eval-env';
    server.setDefault(GOOD);
    const base = [set, '--kb', KB, '--variant', 'model', '--base-url', server.baseUrl, '--model', 'eval-model', '--price-in', '1', '--price-out', '4'];
    const first = io();
    expect(await evalSet([...base, '--json'], first.io)).toBe(0);
    const result: EvalSetResult = JSON.parse(first.out[0] ?? '{}');
    expect(result.variant).toBe('model');
    expect(result.model).toMatchObject({ name: 'eval-model', outputMode: 'json-schema', priceInPerMillion: 1, priceOutPerMillion: 4 });
    expect(JSON.stringify(result)).not.toContain('sk-eval-env');
    expect(result.retrieval).toMatchObject({ k: 12, hybrid: false, hybridRequested: false });
    expect(result.overall.modelAttempts).toBe(MODEL_TICKETS.length);
    expect(result.overall.fallbackRate).toBe(0);
    expect(result.overall.costUsd).toBeGreaterThan(0);
    const chats = chatRequests();
    expect(chats).toHaveLength(MODEL_TICKETS.length);
    for (const r of chats) expect(r.headers.authorization).toBe('Bearer sk-eval-env');

    const baselinePath = join(dir, 'baseline.json');
    writeFileSync(baselinePath, first.out[0] ?? '');
    server.setDefault(WRONG_SOURCE);
    const regressed = io();
    expect(await evalSet([...base, '--baseline', baselinePath], regressed.io)).toBe(1);
    const text = regressed.out.join('\n');
    expect(text).toMatch(/model eval-model at 127\.0\.0\.1:\d+ \(json-schema\)/);
    expect(text).toMatch(/Gate FAILED[\s\S]*citationPrecision dropped/);
  });

  it('counts a 500 as a fallback, and exits 1 when every model draft failed', async () => {
    server.setDefault({ status: 500, errorMessage: 'scripted outage', headers: { 'retry-after-ms': '1' } });
    const run = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model', '--base-url', server.baseUrl, '--model', 'eval-model', '--json'], run.io)).toBe(1);
    const result: EvalSetResult = JSON.parse(run.out[0] ?? '{}');
    expect(result.overall.fallbackRate).toBe(1);
    expect(result.overall.fallbacks).toEqual({ server: MODEL_TICKETS.length });
    expect(run.err.join('\n')).toMatch(/Every model draft failed, so these numbers are the template's/);
    // The SDK's own retries (2) ran before each fallback.
    expect(chatRequests()).toHaveLength(MODEL_TICKETS.length * 3);
  });

  it("applies a pilot variant's model, k and hybrid retrieval", async () => {
    server.setDefault(GOOD);
    const path = pilot({ drafter: 'model', model: 'pilot-model', retrieval: { k: 3, hybrid: true } });
    const run = io();
    expect(
      await evalSet(
        [set, '--kb', KB, '--pilot', path, '--variant', 'challenger', '--base-url', server.baseUrl, '--embedding-model', 'embed-test', '--concurrency', '3', '--json'],
        run.io,
      ),
    ).toBe(0);
    const result: EvalSetResult = JSON.parse(run.out[0] ?? '{}');
    expect(result.model?.name).toBe('pilot-model');
    expect(result.retrieval).toMatchObject({ k: 3, hybrid: true, hybridRequested: true, embeddingModel: 'embed-test', note: null });
    for (const t of result.tickets.filter((s) => s.modelAttempted)) expect(t.retrieval).toBe('hybrid');
    const chats = chatRequests();
    expect(chats.length).toBe(MODEL_TICKETS.length);
    for (const r of chats) {
      expect((r.body as { model?: string }).model).toBe('pilot-model');
      // k = 3: the model never sees more than three sources.
      expect(Math.max(...sourcesOf(r.body as Record<string, unknown>).keys())).toBeLessThanOrEqual(3);
    }
    // The KB's passages in one or more batches, then one masked query per model ticket.
    const embeds = server.requests.filter((r) => r.path.endsWith('/embeddings'));
    const inputs = embeds.map((r) => (r.body as { input: string[] }).input);
    expect(inputs.filter((i) => i.length === 1).length).toBeGreaterThanOrEqual(MODEL_TICKETS.length);
    for (const r of embeds) expect((r.body as { model?: string }).model).toBe('embed-test');
    // The queries that left were masked: the guard's placeholders stand where personal data was.
    expect(JSON.stringify(inputs.filter((i) => i.length === 1))).toMatch(/⟦[A-Z]+_\d+⟧/);

    // --model overrides the pilot's model; without an embedding model, hybrid is said to be not applied.
    server.requests.length = 0;
    const lexical = io();
    expect(await evalSet([set, '--kb', KB, '--pilot', path, '--variant', 'challenger', '--base-url', server.baseUrl, '--model', 'override', '--json'], lexical.io)).toBe(0);
    const r2: EvalSetResult = JSON.parse(lexical.out[0] ?? '{}');
    expect(r2.model?.name).toBe('override');
    expect(r2.retrieval).toMatchObject({ k: 3, hybrid: false, hybridRequested: true });
    expect(r2.retrieval?.note).toMatch(/hybrid NOT applied/);
    expect(lexical.err.join('\n')).toMatch(/no --embedding-model NAME was given: this run retrieves lexically \(hybrid NOT applied\)/);
    expect(server.requests.filter((r) => r.path.endsWith('/embeddings'))).toHaveLength(0);
  });

  it("applies a template variant's k and says hybrid does not apply to it", async () => {
    const path = pilot({ drafter: 'template', retrieval: { k: 2, hybrid: true } });
    const run = io();
    expect(await evalSet([set, '--kb', KB, '--pilot', path, '--variant', 'challenger', '--json'], run.io)).toBe(0);
    const result: EvalSetResult = JSON.parse(run.out[0] ?? '{}');
    expect(result.retrieval).toMatchObject({ k: 2, hybrid: false, hybridRequested: true });
    expect(run.err.join('\n')).toMatch(/template variants retrieve lexically .* hybrid was NOT applied/);
    // With two passages a template draft cites at most two documents.
    for (const t of result.tickets) expect(t.citedDocIds.length).toBeLessThanOrEqual(2);
    expect(chatRequests()).toHaveLength(0);
  });

  it('the lock still guards the set: a tampered set fails before any model call', async () => {
    server.setDefault(GOOD);
    writeFileSync(set, readFileSync(set, 'utf8').replace('"channel": "email"', '"channel": "chat"'));
    const run = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model', '--base-url', server.baseUrl, '--model', 'eval-model'], run.io)).toBe(1);
    expect(run.err.join('\n')).toMatch(/no longer matches its lock/);
    expect(run.out).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
