/**
 * The model drafter inside the copilot service, end to end in Node: the real openai SDK against the
 * scriptable local server (real HTTP and SSE), Dexie on fake-indexeddb. Covers streaming with
 * placeholders filled back, citation checks, on-request mode, fallback on failures, cache, cost,
 * the monthly cap, abort on a ticket switch, rewrites and servers without structured output.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DexieAnswerCache } from '../../lib/copilot/answer-cache';
import { CopilotService, monthStart, type CopilotDeps } from '../../lib/copilot/service';
import { MemoryTabStore } from '../../lib/copilot/tab-store';
import { CopilotDb } from '../../lib/db';
import { createClient } from '../../lib/drafting/model-client';
import { ProviderSettingsSchema, type ProviderSettings, type ProviderSettingsInput } from '../../lib/drafting/provider-settings';
import type { CopilotEvent } from '../../lib/feedback/events';
import { TICKET_DATA_CLOSE, TICKET_DATA_OPEN } from '../../lib/guard/outbound';
import { KbDocSchema, type KbDoc } from '../../lib/kb/schema';
import type { PanelState } from '../../lib/messages';
import type { Ticket } from '../../lib/ticket/schema';
import { startOpenAIServer, type OpenAIServer, type ScriptedReply } from '../support/openai-server';
import { createEmbedder } from '../../lib/retrieval/embeddings';
import { syncEmbeddings } from '../../lib/kb/embedding-store';

const KB: KbDoc[] = [
  {
    id: 'art-damaged',
    kind: 'article',
    language: 'en',
    title: 'Items that arrive damaged',
    body: 'If an item arrives damaged or broken, take a photo of the damage and the packaging. We offer a replacement or a full refund. You do not need to send damaged items back.',
  },
  {
    id: 'art-address',
    kind: 'article',
    language: 'en',
    title: 'Changing a delivery address',
    body: 'You can change the delivery address of an order until it is dispatched. Send us the new address and we update the order; once dispatched, the carrier must redirect it.',
  },
  {
    id: 'mac-password',
    kind: 'macro',
    language: 'en',
    title: 'Password reset email not arriving',
    body: 'Hi {{customer.first_name}},\n\nPlease request one new reset link with Forgot password; it arrives within ten minutes.\n\nBest wishes,\n{{agent.name}}',
  },
].map((d) => KbDocSchema.parse(d));

const AGENT = { agentId: 'agent-model', displayName: 'Sam Rivera' };
const TAB = 3;
const EMAIL = 'oliver.grant.home@example.net';
const PHONE = '+44 20 7946 0958';
const CARD = '4539 1488 0343 6467';
const SECRET = 'Sunflower!2024';

function ticket(id: string, subject: string, text: string): Ticket {
  return {
    helpdesk: 'tidydesk',
    ticketId: id,
    url: `https://desk.example/tickets/${id}`,
    subject,
    requester: { name: 'Oliver Grant', email: 'oliver.grant@example.com' },
    messages: [{ role: 'customer', author: 'Oliver Grant', text }],
    tags: [],
    signals: {},
  };
}

const ADDRESS = ticket(
  '2001',
  'Parcel to a new address, please',
  `I have moved and my order has not shipped yet. Can you change the delivery address? If anything needs paying use my card ${CARD}. Reach me on ${PHONE} or at ${EMAIL}. My account passcode is ${SECRET} in case you need it.\n\nThanks, Oliver Grant`,
);
const DAMAGED = ticket('2002', 'My vase arrived damaged', 'Hello, the vase I ordered arrived broken. Can I get a replacement?');
const PASSWORD = ticket('2003', 'Password reset email never arrives', 'I clicked forgot password three times but the reset email never arrives.');

function json(text: string, citations: number[], confidence = 0.8, needsHuman = false): string {
  return JSON.stringify({ text, citations, confidence, needsHuman });
}

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: 'sk-unit', models: ['m'] });
});
afterAll(async () => {
  await server.close();
});

interface Harness {
  service: CopilotService;
  db: CopilotDb;
  clock: { now: number };
  provider: { value: ProviderSettings | null };
  streams: string[];
  state(): Promise<PanelState>;
  events(): Promise<CopilotEvent[]>;
}

let h: Harness;

function providerSettings(over: Partial<ProviderSettingsInput> = {}): ProviderSettings {
  return ProviderSettingsSchema.parse({ preset: 'custom', baseUrl: server.baseUrl, model: 'm', apiKey: 'sk-unit', draftMode: 'auto', outputMode: 'json-schema', timeoutMs: 5000, ...over });
}

function makeHarness(over: Partial<ProviderSettingsInput> = {}, deps: Partial<CopilotDeps> = {}): Harness {
  const db = new CopilotDb(`model-${crypto.randomUUID()}`);
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const provider = { value: providerSettings(over) as ProviderSettings | null };
  const service = new CopilotService({
    db,
    tabs: new MemoryTabStore(),
    getAgent: async () => AGENT,
    loadSampleKb: async () => KB,
    sendToTab: async () => ({ ok: true }),
    getProvider: async () => provider.value,
    // No SDK retries here: retries are the SDK's own and are tested in model-drafting.test.ts.
    createModelClient: (s) => createClient(s, { maxRetries: 0 }),
    createEmbedder: (s) => createEmbedder(s, { maxRetries: 0 }),
    answerCache: new DexieAnswerCache(db),
    now: () => clock.now,
    ...deps,
  });
  const streams: string[] = [];
  service.onStream((tabId, text) => {
    if (tabId === TAB) streams.push(text);
  });
  return {
    service,
    db,
    clock,
    provider,
    streams,
    state: () => service.panelState(TAB),
    events: async () => (await db.events.toArray()).sort((a, b) => a.seq - b.seq),
  };
}

beforeEach(() => {
  h = makeHarness();
  server.requests.length = 0;
  server.setDefault({ content: 'OK' });
  server.options.jsonSchema = true;
  server.options.jsonObject = true;
});
afterEach(async () => {
  h.db.close();
  await h.db.delete();
});

function userMessage(i = -1): string {
  const body = server.requests.filter((r) => r.path.endsWith('/chat/completions')).at(i)?.body as { messages: { role: string; content: string }[] };
  return body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

async function draftOf(t: Ticket, reply?: ScriptedReply): Promise<PanelState> {
  if (reply) server.script(reply);
  await h.service.ticketRead(TAB, t, h.clock.now);
  return h.state();
}

describe('model drafts in the service', () => {
  it('streams, masks what leaves, fills placeholders back, and cites retrieved sources', async () => {
    const content = json('Hi Oliver, we can change the address while the order is not dispatched [1]. We will confirm to ⟦EMAIL_2⟧ or call ⟦PHONE_1⟧.', [1], 0.9);
    const state = await draftOf(ADDRESS, { content, chunks: content.match(/.{1,6}/gs) ?? [], chunkDelayMs: 3 });
    const draft = state.draft;
    expect(draft?.variant).toBe('model');
    expect(draft?.model).toBe('m');
    expect(draft?.text).toContain(EMAIL);
    expect(draft?.text).toContain(PHONE);
    expect(draft?.text).not.toMatch(/⟦/);
    // Streamed text grew piece by piece, with the placeholders already filled back.
    expect(h.streams.length).toBeGreaterThan(3);
    expect(h.streams.at(-1)).toContain(EMAIL);
    expect(h.streams.some((s) => s.includes('⟦'))).toBe(false);
    // Every marker names a source the ticket retrieved.
    expect(draft?.citations).toEqual([{ marker: 1, chunkId: expect.any(String) }]);
    expect(draft?.sources.map((s) => s.marker)).toEqual([1]);
    expect(draft?.sources[0]?.docId).toBe('art-address');
    // What left: no raw value, no secret, the ticket inside the data block, the key only in the header.
    const sent = server.requests[0];
    expect(sent?.headers.authorization).toBe('Bearer sk-unit');
    for (const raw of [EMAIL, PHONE, CARD, SECRET, 'sk-unit']) expect(sent?.rawBody).not.toContain(raw);
    const user = userMessage();
    expect(user).toContain('⟦EMAIL_2⟧');
    const open = user.indexOf(TICKET_DATA_OPEN);
    expect(open).toBeGreaterThan(0);
    expect(user.indexOf('⟦CARD_1⟧')).toBeGreaterThan(open);
    expect(user.indexOf('⟦CARD_1⟧')).toBeLessThan(user.indexOf(TICKET_DATA_CLOSE));
    expect(draft?.outbound.sent).toBe(true);
    expect(draft?.groundedness).toBeGreaterThan(0);
  });

  it('fills back placeholders the model mangled, even split across stream chunks', async () => {
    const content = json('We will write to [EMAIL_2] and call {{phone_1}} once the address is changed [1].', [1]);
    const state = await draftOf(ADDRESS, { content, chunks: content.match(/.{1,3}/gs) ?? [] });
    expect(state.draft?.text).toContain(EMAIL);
    expect(state.draft?.text).toContain(PHONE);
    expect(h.streams.at(-1)).toContain(EMAIL);
    expect(h.streams.some((t) => /EMAIL_|phone_1/i.test(t))).toBe(false);
  });

  it('records tokens and cost from usage, and the shown latency ends at the first streamed words', async () => {
    h = makeHarness({ priceInPerMillion: 2, priceOutPerMillion: 10 });
    const content = json('We can change the delivery address until the order is dispatched [1].', [1]);
    const state = await draftOf(DAMAGED, { content, usage: { prompt_tokens: 1000, completion_tokens: 50 } });
    expect(state.draft).toMatchObject({ tokensIn: 1000, tokensOut: 50, costUsd: (1000 * 2 + 50 * 10) / 1e6, cacheHit: false });
    const id = state.draft?.draftId ?? '';
    await h.service.shown(id, h.clock.now + 500);
    const shown = (await h.events()).find((e) => e.type === 'shown');
    expect(shown?.payload).toMatchObject({ model: 'm', tokensIn: 1000, tokensOut: 50, cacheHit: false, latencyMs: 0 });
  });

  it('serves identical input from the cache: no call, no cost; Regenerate asks the model again', async () => {
    const content = json('We offer a replacement or a full refund [1].', [1]);
    server.setDefault({ content });
    const first = await draftOf(DAMAGED);
    expect(server.requests).toHaveLength(1);
    expect(first.draft?.cacheHit).toBe(false);
    // Another ticket, then back to the same one: same content, KB version and settings.
    await h.service.ticketRead(TAB, PASSWORD, h.clock.now + 1);
    await h.service.ticketRead(TAB, DAMAGED, h.clock.now + 2);
    const again = await h.state();
    expect(server.requests).toHaveLength(1);
    expect(again.draft).toMatchObject({ cacheHit: true, costUsd: 0, tokensIn: 0, text: first.draft?.text });
    await h.service.shown(again.draft?.draftId ?? '', h.clock.now + 3);
    expect((await h.events()).find((e) => e.type === 'shown' && e.draftId === again.draft?.draftId)?.payload).toMatchObject({ cacheHit: true });
    const result = await h.service.regenerate(again.draft?.draftId ?? '');
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect((await h.state()).draft?.cacheHit).toBe(false);
    // A changed setting is a different key.
    h.provider.value = providerSettings({ temperature: 0.7 });
    await h.service.ticketRead(TAB, PASSWORD, h.clock.now + 4);
    await h.service.ticketRead(TAB, DAMAGED, h.clock.now + 5);
    expect(server.requests).toHaveLength(3);
  });

  it('removes markers that name no source and keeps the draft below medium', async () => {
    const state = await draftOf(DAMAGED, { content: json('We will send a replacement [1]. Shipping is free worldwide [7].', [1, 7], 0.95) });
    expect(state.draft?.text).not.toContain('[7]');
    expect(state.draft?.citations.map((c) => c.marker)).toEqual([1]);
    expect(state.draft?.confidence.level).not.toBe('high');
    expect(state.draft?.confidence.reasons.join(' ')).toMatch(/pointed at nothing that was retrieved/);
  });

  it('on request: nothing is sent until the agent asks, then the draft comes', async () => {
    h = makeHarness({ draftMode: 'on-request' });
    const waiting = await draftOf(DAMAGED);
    expect(waiting.status).toBe('on-request');
    expect(waiting.draft).toBeNull();
    expect(server.requests).toHaveLength(0);
    server.script({ content: json('We offer a replacement or a full refund [1].', [1]) });
    const result = await h.service.requestDraft(TAB);
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect((await h.state()).draft?.variant).toBe('model');
  });

  it('a template-only ticket (password) never reaches the server, even in auto mode', async () => {
    const state = await draftOf(PASSWORD);
    expect(server.requests).toHaveLength(0);
    expect(state.draft?.variant).toBe('template');
    expect(state.draft?.outbound.sent).toBe(false);
  });

  it.each([
    ['server', { status: 500 }],
    ['auth', { status: 401 }],
    ['rate-limit', { status: 429, headers: { 'retry-after': '0' } }],
    ['malformed', { content: '{"text": "half an answer' }],
    ['interrupted', { content: 'x'.repeat(200), stopAfterChunks: 3 }],
  ] as const)('falls back to the template draft with a banner on %s', async (kind, reply) => {
    const state = await draftOf(DAMAGED, reply as ScriptedReply);
    expect(state.status).toBe('ready');
    expect(state.draft?.variant).toBe('template');
    expect(state.draft?.fallback?.kind).toBe(kind);
    expect(state.draft?.fallback?.message).toMatch(/^The model could not draft this reply: .+ This is the template draft instead\.$/);
    await h.service.shown(state.draft?.draftId ?? '', h.clock.now);
    expect((await h.events()).find((e) => e.type === 'shown')?.payload).toMatchObject({ error: kind });
  });

  it('stops at the monthly cap: the template answers, nothing is sent', async () => {
    h = makeHarness({ monthlyCapUsd: 0.001, priceInPerMillion: 1000 });
    const first = await draftOf(DAMAGED, { content: json('We offer a replacement [1].', [1]), usage: { prompt_tokens: 2, completion_tokens: 0 } });
    expect(first.draft?.costUsd).toBe(0.002);
    expect(server.requests).toHaveLength(1);
    await h.service.ticketRead(TAB, ADDRESS, h.clock.now + 1);
    const capped = await h.state();
    expect(server.requests).toHaveLength(1);
    expect(capped.draft?.fallback?.kind).toBe('cap');
    expect(capped.draft?.fallback?.message).toContain('US$0.00');
    expect(capped.draft?.fallback?.message).toContain('Options → Model');
    // Spend counts from the start of the month.
    expect(await h.service.monthSpend()).toBe(0.002);
    expect(monthStart(Date.parse('2026-11-20T10:00:00'))).toBe(new Date(2026, 10, 1).getTime());
  });

  it('a ticket switch aborts the running request; the old ticket gets no draft', async () => {
    server.script({ content: json('Slow answer [1].', [1]), delayMs: 1500 }, { content: json('We can change the address before dispatch [1].', [1]) });
    const first = h.service.ticketRead(TAB, DAMAGED, h.clock.now);
    await new Promise((r) => setTimeout(r, 150));
    await h.service.ticketRead(TAB, ADDRESS, h.clock.now + 1);
    await first;
    const state = await h.state();
    expect(state.ticket?.ticketId).toBe('2001');
    expect(state.draft?.text).toContain('before dispatch');
    expect(await h.db.drafts.count()).toBe(1);
    expect(h.service.modelRequestsOpen).toBe(0);
  });

  it('rewrites the current draft as a new draft, sending the old text masked', async () => {
    const original = await draftOf(ADDRESS, { content: json(`We can change the address before dispatch [1]. We will write to ⟦EMAIL_2⟧.`, [1]) });
    const id = original.draft?.draftId ?? '';
    await h.service.shown(id, h.clock.now);
    server.script({ content: json('Address change is fine before dispatch [1].', [1]) });
    const result = await h.service.rewrite(id, 'shorter');
    expect(result.ok).toBe(true);
    const rewritten = (await h.state()).draft;
    expect(rewritten).toMatchObject({ parentDraftId: id, rewrite: 'shorter', variant: 'model' });
    const user = userMessage();
    expect(user).toContain('<draft>');
    expect(user.slice(user.indexOf('<draft>'))).toContain('⟦EMAIL_2⟧');
    expect(user).toMatch(/noticeably shorter/);
    expect(server.requests.at(-1)?.rawBody).not.toContain(EMAIL);
    const events = await h.events();
    expect(events.find((e) => e.type === 'regenerated')?.payload).toMatchObject({ newDraftId: rewritten?.draftId, rewrite: 'shorter' });
    expect(events.find((e) => e.type === 'discarded')?.payload).toEqual({ reason: 'superseded' });
  });

  it('rewrites need a model', async () => {
    h.provider.value = null;
    const state = await draftOf(DAMAGED);
    expect(state.model).toBeNull();
    expect(await h.service.rewrite(state.draft?.draftId ?? '', 'formal')).toEqual({ ok: false, message: 'Rewrites need a model. Set one up in Options → Model.' });
  });

  it('steps down to JSON mode, then to plain text, on a server without structured output', async () => {
    server.options.jsonSchema = false;
    server.options.jsonObject = false;
    const state = await draftOf(DAMAGED, { content: 'We offer a replacement or a full refund [1].\nCONFIDENCE: 0.7\nNEEDS_HUMAN: no' });
    expect(state.draft?.variant).toBe('model');
    expect(state.draft?.text).toBe('We offer a replacement or a full refund [1].');
    const formats = server.requests.map((r) => (r.body as { response_format?: { type: string } }).response_format?.type ?? 'none');
    expect(formats).toEqual(['json_schema', 'json_object', 'none']);
    // Remembered: the next draft goes straight to plain text.
    server.script({ content: 'We can change the address before dispatch [1].' });
    await h.service.ticketRead(TAB, ADDRESS, h.clock.now + 1);
    expect((server.requests.at(-1)?.body as { response_format?: unknown }).response_format).toBeUndefined();
  });

  it('the model saying it needs a human caps confidence and flags the draft', async () => {
    const state = await draftOf(DAMAGED, { content: json('I am not sure the sources cover this [1].', [1], 0.9, true) });
    expect(state.draft?.needsHuman).toBe(true);
    expect(state.draft?.confidence.level).not.toBe('high');
  });

  it('with embeddings on, retrieval is hybrid and the query sent for embedding is masked', async () => {
    h = makeHarness({ embeddingsEnabled: true, embeddingModel: 'embed-m' });
    await h.service.ready();
    const provider = h.provider.value;
    if (!provider) throw new Error('no provider');
    const synced = await syncEmbeddings(h.db, createEmbedder(provider, { maxRetries: 0 }));
    expect(synced.embedded).toBeGreaterThan(0);
    server.requests.length = 0;
    const state = await draftOf(ADDRESS, { content: json('We can change the address before dispatch [1].', [1]) });
    expect(state.draft?.variant).toBe('model');
    const embedCalls = server.requests.filter((r) => r.path.endsWith('/embeddings'));
    expect(embedCalls).toHaveLength(1);
    for (const raw of [EMAIL, PHONE, CARD, SECRET]) expect(embedCalls[0]?.rawBody).not.toContain(raw);
    expect(embedCalls[0]?.rawBody).toContain('⟦');
    // A password ticket sends nothing, embeddings included.
    server.requests.length = 0;
    await h.service.ticketRead(TAB, PASSWORD, h.clock.now + 1);
    expect(server.requests).toHaveLength(0);
  });

  describe('pilots', () => {
    const arm = (variant: string, drafter: 'template' | 'model', shadow = false, model?: string) => ({
      assignment: { pilotId: 'p1', cohort: 'tier1', variant },
      variant: { id: variant, drafter, ...(model ? { model } : {}) },
      shadow,
    });

    it('stamps the arm on the draft and every event; a model arm may name its model', async () => {
      h = makeHarness({}, { getPilotArm: async () => arm('challenger', 'model', false, 'm-big') });
      server.options.models = ['m', 'm-big'];
      const state = await draftOf(DAMAGED, { content: json('We offer a replacement [1].', [1]) });
      expect(state.pilot).toEqual({ pilotId: 'p1', cohort: 'tier1', variant: 'challenger', shadow: false });
      expect(state.draft?.variant).toBe('challenger');
      expect((server.requests.at(-1)?.body as { model: string }).model).toBe('m-big');
      await h.service.shown(state.draft?.draftId ?? '', h.clock.now);
      await h.service.rate(state.draft?.draftId ?? '', 'up', []);
      const events = await h.events();
      expect(events.length).toBe(2);
      for (const e of events) expect(e).toMatchObject({ pilotId: 'p1', cohort: 'tier1', variant: 'challenger' });
      server.options.models = ['m'];
    });

    it('a template arm never calls the model, even with one configured', async () => {
      h = makeHarness({}, { getPilotArm: async () => arm('baseline', 'template') });
      const state = await draftOf(DAMAGED);
      expect(server.requests).toHaveLength(0);
      expect(state.draft).toMatchObject({ variant: 'baseline', promptVersion: 'template-1' });
    });

    it('shadow mode: the draft is recorded, not shown, and its similarity to the sent reply is recorded', async () => {
      h = makeHarness({ draftMode: 'on-request' }, { getPilotArm: async () => arm('challenger', 'model', true) });
      const content = json('We offer a replacement or a full refund [1].', [1]);
      const state = await draftOf(DAMAGED, { content, chunks: content.match(/.{1,6}/gs) ?? [] });
      expect(state.status).toBe('shadow');
      expect(state.draft).toBeNull();
      expect(state.stream).toBeNull();
      expect(h.streams).toHaveLength(0);
      expect(server.requests).toHaveLength(1);
      const shadow = (await h.events()).filter((e) => e.type === 'shadow');
      expect(shadow).toHaveLength(1);
      expect(shadow[0]).toMatchObject({ pilotId: 'p1', variant: 'challenger', payload: { model: 'm', cacheHit: false } });
      // The agent replies on their own; the shadow draft is compared with it.
      await h.service.replySent(TAB, 'tidydesk:2002', 'We offer a replacement or a full refund.');
      const after = (await h.events()).filter((e) => e.type === 'shadow');
      expect(after).toHaveLength(2);
      expect(after[1]?.payload.similarity).toBe(1);
      expect((await h.events()).some((e) => e.type === 'shown' || e.type === 'sent')).toBe(false);
    });
  });

  it('a full storage quota: the action says so, the panel shows it, older events stay', async () => {
    h.provider.value = null;
    const state = await draftOf(DAMAGED);
    const id = state.draft?.draftId ?? '';
    await h.service.shown(id, h.clock.now);
    const before = await h.events();
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError');
    });
    try {
      const result = await h.service.handlePanel({ type: 'rate', draftId: id, requestId: 'r1', thumb: 'up', reasons: [] }, TAB);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/storage for Ticket Copilot is full.*Export your numbers/);
      const panel = await h.state();
      expect(panel.status).toBe('error');
      expect(panel.message).toMatch(/is full/);
      expect(panel.draft?.draftId).toBe(id);
    } finally {
      spy.mockRestore();
    }
    expect(await h.events()).toEqual(before);
    // Once a write succeeds again, the message goes.
    expect((await h.service.handlePanel({ type: 'rate', draftId: id, requestId: 'r2', thumb: 'up', reasons: [] }, TAB)).ok).toBe(true);
    expect((await h.state()).status).toBe('ready');
  });
});
