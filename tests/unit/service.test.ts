import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CopilotService, type CopilotDeps } from '../../lib/copilot/service';
import { MemoryTabStore } from '../../lib/copilot/tab-store';
import { CopilotDb } from '../../lib/db';
import { citationMarkers } from '../../lib/drafting/citations';
import { insertableText } from '../../lib/drafting/insertable';
import { editRatio } from '../../lib/feedback/edit-ratio';
import { CopilotEventSchema, type CopilotEvent } from '../../lib/feedback/events';
import { summarizeDrafts } from '../../lib/feedback/outcomes';
import { computeStats } from '../../lib/feedback/stats';
import { KbDocSchema, type KbDoc, type KbDocInput } from '../../lib/kb/schema';
import type { BackgroundToContent, ContentReply, PanelState } from '../../lib/messages';
import { ticketKeyOf, type Ticket } from '../../lib/ticket/schema';

const KB_INPUT: KbDocInput[] = [
  {
    id: 'mac-damaged-refund',
    kind: 'macro',
    language: 'en',
    title: 'Damaged item – refund issued',
    body: 'Hi {{customer.first_name}},\n\nI am sorry your item arrived damaged. I have issued a full refund to your original payment method; it shows within five working days.\n\nBest wishes,\n{{agent.name}}',
  },
  {
    id: 'mac-damaged-replacement',
    kind: 'macro',
    language: 'en',
    title: 'Damaged item – replacement sent',
    body: 'Hi {{customer.first_name}},\n\nSorry the item arrived damaged. We are sending a replacement today at no cost, and you do not need to return the broken one.\n\nKind regards,\n{{agent.name}}',
  },
  {
    id: 'art-damaged',
    kind: 'article',
    language: 'en',
    title: 'Items that arrive damaged',
    body: 'If an item arrives damaged or broken, take a photo of the damage and the packaging. We offer a replacement or a full refund. You do not need to send damaged items back.',
  },
  {
    id: 'mac-password',
    kind: 'macro',
    language: 'en',
    title: 'Password reset email not arriving',
    body: 'Hi {{customer.first_name}},\n\nPlease request one new reset link with Forgot password; it arrives within ten minutes and works for sixty minutes. Check your spam folder too.\n\nBest wishes,\n{{agent.name}}',
  },
  {
    id: 'art-password',
    kind: 'article',
    language: 'en',
    title: 'Resetting your password',
    body: 'Choose Forgot password on the sign-in page. The reset email comes from help@shop.example and the link expires after sixty minutes.',
  },
];
const KB: KbDoc[] = KB_INPUT.map((d) => KbDocSchema.parse(d));

const AGENT = { agentId: 'agent-test', displayName: 'Sam Rivera' };
const TAB = 7;
const START = Date.parse('2025-03-03T09:00:00.000Z');

function ticket(id: string, subject: string, text: string): Ticket {
  return {
    helpdesk: 'tidydesk',
    ticketId: id,
    url: `https://desk.example/tickets/${id}`,
    subject,
    requester: { name: 'Dana Whitfield', email: 'dana@example.com' },
    messages: [{ role: 'customer', text }],
    tags: [],
    signals: {},
  };
}

const DAMAGED = ticket('1042', 'My vase arrived damaged', 'Hello, the vase I ordered arrived broken. Can I get a refund or a replacement?\n\nThanks, Dana');
const PASSWORD = ticket('1043', 'Password reset email never arrives', 'I clicked forgot password three times but the reset email never arrives.');

interface Harness {
  service: CopilotService;
  db: CopilotDb;
  tabs: MemoryTabStore;
  sendToTab: ReturnType<typeof vi.fn<(tabId: number, message: BackgroundToContent) => Promise<ContentReply>>>;
  clock: { now: number };
  events(): Promise<CopilotEvent[]>;
  eventsOf(draftId: string): Promise<CopilotEvent[]>;
  state(): Promise<PanelState>;
  draftId(): Promise<string>;
}

let harness: Harness;

function makeHarness(overrides: Partial<CopilotDeps> = {}): Harness {
  const db = new CopilotDb(`test-${crypto.randomUUID()}`);
  const tabs = new MemoryTabStore();
  const clock = { now: START };
  const sendToTab = vi.fn<(tabId: number, message: BackgroundToContent) => Promise<ContentReply>>(async () => ({ ok: true }));
  const service = new CopilotService({
    db,
    tabs,
    getAgent: async () => AGENT,
    loadSampleKb: async () => KB,
    sendToTab,
    now: () => clock.now,
    ...overrides,
  });
  const events = async () => (await db.events.where('[agentId+seq]').between([AGENT.agentId, -Infinity], [AGENT.agentId, Infinity]).toArray());
  return {
    service,
    db,
    tabs,
    sendToTab,
    clock,
    events,
    eventsOf: async (draftId) => (await events()).filter((e) => e.draftId === draftId),
    state: () => service.panelState(TAB),
    draftId: async () => {
      const id = (await service.panelState(TAB)).draft?.draftId;
      if (!id) throw new Error('no draft attached to the tab');
      return id;
    },
  };
}

beforeEach(() => {
  harness = makeHarness();
});

afterEach(async () => {
  harness.db.close();
  await harness.db.delete();
});

/** Read a ticket at the current clock and report its first draft shown `delay` ms later. */
async function readAndShow(t: Ticket = DAMAGED, delay = 1200): Promise<string> {
  const { service, clock } = harness;
  await service.ticketRead(TAB, t, clock.now);
  const id = await harness.draftId();
  clock.now += delay;
  await service.shown(id, clock.now);
  return id;
}

describe('CopilotService', () => {
  describe('ticketRead', () => {
    it('installs the sample KB and attaches a cited draft to the tab', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const state = await harness.state();
      expect(state.status).toBe('ready');
      expect(state.ticket).toEqual(DAMAGED);
      expect(state.kb).toMatchObject({ ready: true, docs: KB.length });
      expect(state.agentId).toBe('agent-test');
      const draft = state.draft;
      if (!draft) throw new Error('no draft');
      expect(draft.citations.length).toBeGreaterThanOrEqual(1);
      expect(draft.sources[0]?.docId).toMatch(/^mac-damaged-/);
      expect(draft.text.startsWith('Hi Dana,')).toBe(true);
      expect(draft.text).toContain('Sam Rivera');
      expect(draft.ticketKey).toBe('tidydesk:1042');
      expect(draft.variant).toBe('template');
      expect(draft).not.toHaveProperty('parentDraftId');
      for (const m of citationMarkers(draft.text)) expect(draft.citations.map((c) => c.marker)).toContain(m);
      // Making a draft is not showing it: nothing is recorded yet.
      expect(await harness.events()).toEqual([]);
    });

    it('tells the panel when there is no tab, no state yet, or no ticket on the page', async () => {
      const { service, clock } = harness;
      expect((await service.panelState(null)).status).toBe('no-tab');
      expect((await service.panelState(TAB)).status).toBe('waiting');
      await service.ticketRead(TAB, null, clock.now);
      const state = await harness.state();
      expect(state.status).toBe('no-ticket');
      expect(state.draft).toBeNull();
      expect(await harness.db.drafts.count()).toBe(0);
    });

    it('keeps the draft when the same ticket is read again', async () => {
      const { service, clock } = harness;
      const id = await readAndShow();
      await service.ticketRead(TAB, { ...DAMAGED, messages: [...DAMAGED.messages, { role: 'customer', text: 'Any news?' }] }, clock.now);
      expect(await harness.draftId()).toBe(id);
      expect(await harness.db.drafts.count()).toBe(1);
      expect((await harness.events()).map((e) => e.type)).toEqual(['shown']);
    });

    it('discards a shown draft with reason ticket-changed when the tab moves to another ticket', async () => {
      const { service, clock } = harness;
      const first = await readAndShow(DAMAGED);
      clock.now += 5000;
      await service.ticketRead(TAB, PASSWORD, clock.now);
      const discarded = (await harness.eventsOf(first)).filter((e) => e.type === 'discarded');
      expect(discarded.map((e) => e.payload)).toEqual([{ reason: 'ticket-changed' }]);
      const state = await harness.state();
      expect(state.ticket?.ticketId).toBe('1043');
      expect(state.draft?.draftId).not.toBe(first);
      expect(state.draft?.ticketKey).toBe('tidydesk:1043');
      expect(summarizeDrafts(await harness.events()).get(first)?.outcome).toBe('abandoned');
    });

    it('discards a shown draft when the tab leaves tickets altogether', async () => {
      const { service, clock } = harness;
      const first = await readAndShow();
      await service.ticketRead(TAB, null, clock.now);
      expect((await harness.eventsOf(first)).map((e) => e.type)).toEqual(['shown', 'discarded']);
      expect((await harness.state()).status).toBe('no-ticket');
    });

    it('records nothing for a draft that was never shown when the ticket changes', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      await service.ticketRead(TAB, PASSWORD, clock.now);
      expect(await harness.events()).toEqual([]);
    });
  });

  describe('shown', () => {
    it('writes one shown event with latencyMs = shownAt − readAt, and only once', async () => {
      const { service, clock } = harness;
      const readAt = clock.now;
      await service.ticketRead(TAB, DAMAGED, readAt);
      const id = await harness.draftId();
      expect(await service.shown(id, readAt + 1500)).toEqual({ ok: true });
      expect(await service.shown(id, readAt + 9000)).toEqual({ ok: true });
      const events = await harness.events();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(CopilotEventSchema.safeParse(event).success).toBe(true);
      expect(event).toMatchObject({
        type: 'shown',
        draftId: id,
        agentId: 'agent-test',
        seq: 0,
        ticketKey: 'tidydesk:1042',
        helpdesk: 'tidydesk',
        variant: 'template',
        pilotId: null,
        cohort: null,
        at: new Date(clock.now).toISOString(),
      });
      const state = await harness.state();
      expect(event?.payload).toMatchObject({
        latencyMs: 1500,
        confidence: { score: state.draft?.confidence.score, level: state.draft?.confidence.level },
        policy: state.draft?.policy,
        model: null,
        promptVersion: 'template-1',
        costUsd: 0,
        cacheHit: false,
      });
    });

    it('never records a negative latency', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const id = await harness.draftId();
      await service.shown(id, clock.now - 50);
      expect((await harness.events())[0]?.payload).toMatchObject({ latencyMs: 0 });
    });

    it('answers a helpful message for an unknown draft and records nothing', async () => {
      const result = await harness.service.shown('no-such-draft', START);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/Regenerate/);
      expect(await harness.events()).toEqual([]);
    });
  });

  describe('insert', () => {
    it('sends the draft without [n] markers to the tab and records inserted', async () => {
      const { service, sendToTab } = harness;
      const id = await readAndShow();
      const draft = (await harness.state()).draft;
      const result = await service.insert(id);
      expect(result.ok).toBe(true);
      expect(sendToTab).toHaveBeenCalledTimes(1);
      const [tabId, message] = sendToTab.mock.calls[0] ?? [];
      expect(tabId).toBe(TAB);
      expect(message?.type).toBe('editor/insert');
      expect(message?.type === 'editor/insert' ? message.ticketKey : null).toBe('tidydesk:1042');
      const text = message?.type === 'editor/insert' ? message.text : '';
      expect(text).toBe(insertableText(draft?.text ?? ''));
      expect(text).not.toMatch(/\[\d+\]/);
      expect(text.startsWith('Hi Dana,')).toBe(true);
      expect((await harness.eventsOf(id)).map((e) => e.type)).toEqual(['shown', 'inserted']);
    });

    it('records shown first when the panel had not reported it yet', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const id = await harness.draftId();
      clock.now += 700;
      await service.insert(id);
      const events = await harness.events();
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [0, 'shown'],
        [1, 'inserted'],
      ]);
      expect(events[0]?.payload).toMatchObject({ latencyMs: 700 });
    });

    it('returns a helpful message and records nothing when the tab does not answer', async () => {
      harness.sendToTab.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const id = await harness.draftId();
      const result = await service.insert(id);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/did not answer/);
      expect(result.message).toMatch(/Copy/);
      expect(await harness.events()).toEqual([]);
    });

    it('passes on the content script’s own error and records no insert', async () => {
      harness.sendToTab.mockResolvedValueOnce({ ok: false, error: 'The reply box is read-only right now.' });
      const id = await readAndShow();
      const result = await harness.service.insert(id);
      expect(result).toEqual({ ok: false, message: 'The reply box is read-only right now.' });
      expect((await harness.eventsOf(id)).map((e) => e.type)).toEqual(['shown']);
    });
  });

  describe('copied', () => {
    it('records shown (if needed) and copied', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const id = await harness.draftId();
      expect((await service.copied(id)).ok).toBe(true);
      expect((await harness.eventsOf(id)).map((e) => e.type)).toEqual(['shown', 'copied']);
      expect(harness.sendToTab).not.toHaveBeenCalled();
    });
  });

  describe('replySent', () => {
    it('records sent with used=true and the edit ratio against the inserted text, and counts as accepted', async () => {
      const { service } = harness;
      const id = await readAndShow();
      await service.insert(id);
      const inserted = insertableText((await harness.state()).draft?.text ?? '');
      const sentText = `${inserted.replace('Hi Dana,', 'Dear Dana,')}\n\nP.S. Your order number is 55-1042.`;
      const event = await service.replySent(TAB, 'tidydesk:1042', sentText);
      expect(event?.type).toBe('sent');
      const stored = (await harness.eventsOf(id)).at(-1);
      expect(stored).toEqual(event);
      if (stored?.type !== 'sent') throw new Error('expected a sent event');
      expect(stored.payload.used).toBe(true);
      expect(stored.payload.editRatio).toBeGreaterThan(0);
      expect(stored.payload.editRatio).toBeLessThan(1);
      expect(stored.payload.editRatio).toBeCloseTo(editRatio(inserted, sentText), 12);
      const stats = computeStats(await harness.events());
      expect(stats.acceptanceRate).toMatchObject({ numerator: 1, denominator: 1 });
      expect(stats.outcomes.edited + stats.outcomes['as-is']).toBe(1);
    });

    it('scores an unchanged reply as as-is, whitespace differences aside', async () => {
      const id = await readAndShow();
      await harness.service.copied(id);
      const inserted = insertableText((await harness.state()).draft?.text ?? '');
      const sentText = `  ${inserted.replace(/\n\n/g, '\n')}  `;
      const event = await harness.service.replySent(TAB, 'tidydesk:1042', sentText);
      expect(event?.payload).toEqual({ used: true, editRatio: 0, text: sentText });
      expect(summarizeDrafts(await harness.events()).get(id)?.outcome).toBe('as-is');
    });

    it('records used=false and no edit ratio when no draft was used: the draft is ignored', async () => {
      const id = await readAndShow();
      const event = await harness.service.replySent(TAB, 'tidydesk:1042', 'I wrote this reply myself.');
      expect(event).toMatchObject({ type: 'sent', draftId: id, payload: { used: false, editRatio: null } });
      expect(summarizeDrafts(await harness.events()).get(id)?.outcome).toBe('ignored');
      expect(computeStats(await harness.events()).acceptanceRate).toMatchObject({ numerator: 0, denominator: 1 });
    });

    it('records nothing when no draft was shown on the ticket, but marks the tab as sent', async () => {
      const { service, clock, tabs } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      expect(await service.replySent(TAB, 'tidydesk:1042', 'Manual reply')).toBeNull();
      expect(await harness.events()).toEqual([]);
      expect((await tabs.get(TAB))?.sent).toBe(true);
    });

    it('attributes the reply to the last draft used on that ticket, not to other tickets', async () => {
      const { service, clock } = harness;
      const first = await readAndShow(DAMAGED);
      await service.insert(first);
      clock.now += 1000;
      const second = await readAndShow(PASSWORD);
      const event = await service.replySent(TAB, 'tidydesk:1042', 'Short reply.');
      expect(event?.draftId).toBe(first);
      expect(event?.payload).toMatchObject({ used: true });
      expect((await harness.eventsOf(second)).map((e) => e.type)).toEqual(['shown']);
    });
  });

  describe('two tabs and repeated reads', () => {
    it('keeps drafts of two tabs apart', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      await service.ticketRead(TAB + 1, PASSWORD, clock.now);
      const a = await service.panelState(TAB);
      const b = await service.panelState(TAB + 1);
      expect(a.draft?.ticketKey).toBe('tidydesk:1042');
      expect(b.draft?.ticketKey).toBe('tidydesk:1043');
      expect(b.draft?.sources[0]?.docId).toBe('mac-password');
      await service.dismiss(a.draft?.draftId ?? '');
      expect((await service.panelState(TAB + 1)).draft?.draftId).toBe(b.draft?.draftId);
      expect(service.followedTab).toBe(TAB + 1);
    });

    it('remembers the followed tab in the tab store, so a restarted worker picks it up', async () => {
      const { service, clock, tabs } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      expect(await tabs.getFollowed()).toBe(TAB);
      const restarted = new CopilotService({
        db: harness.db,
        tabs,
        getAgent: async () => AGENT,
        loadSampleKb: async () => KB,
        sendToTab: harness.sendToTab,
        now: () => clock.now,
      });
      expect(restarted.followedTab).toBeNull();
      await restarted.restoreFollowed();
      expect(restarted.followedTab).toBe(TAB);
      await restarted.tabClosed(TAB);
      expect(restarted.followedTab).toBeNull();
      expect(await tabs.getFollowed()).toBeNull();
    });

    it('makes one draft when the same ticket is read twice at once', async () => {
      const { service, clock } = harness;
      await Promise.all([service.ticketRead(TAB, DAMAGED, clock.now), service.ticketRead(TAB, DAMAGED, clock.now)]);
      expect(await harness.db.drafts.count()).toBe(1);
      expect((await harness.state()).status).toBe('ready');
    });

    // A reply answers a draft still open: one already sent belongs to an earlier reply.
    it('attributes a later reply to the draft shown for it, not to an insert already sent', async () => {
      const { service, clock } = harness;
      const first = await readAndShow(DAMAGED);
      await service.insert(first);
      await service.replySent(TAB, 'tidydesk:1042', 'Reply one.');
      clock.now += 86_400_000;
      await service.ticketRead(TAB, PASSWORD, clock.now);
      const second = await readAndShow(DAMAGED);
      expect(second).not.toBe(first);
      const event = await service.replySent(TAB, 'tidydesk:1042', 'A reply the agent wrote by hand.');
      expect(event).toMatchObject({ draftId: second, payload: { used: false, editRatio: null } });
    });
  });

  describe('regenerate', () => {
    it('records regenerated and discarded superseded on the old draft, and attaches a child with another macro', async () => {
      const { service } = harness;
      const first = await readAndShow();
      const firstDraft = await harness.db.drafts.get(first);
      expect(await service.regenerate(first)).toEqual({ ok: true });
      const state = await harness.state();
      const second = state.draft;
      if (!second) throw new Error('no new draft');
      expect(second.draftId).not.toBe(first);
      expect(second.parentDraftId).toBe(first);
      const oldMacro = firstDraft?.sources.find((s) => s.kind === 'macro')?.docId;
      const newMacro = second.sources.find((s) => s.kind === 'macro')?.docId;
      expect(oldMacro).toMatch(/^mac-damaged-/);
      expect(newMacro).toMatch(/^mac-damaged-/);
      expect(newMacro).not.toBe(oldMacro);
      const events = await harness.eventsOf(first);
      expect(events.map((e) => [e.type, e.payload])).toEqual([
        ['shown', expect.anything()],
        ['regenerated', { newDraftId: second.draftId }],
        ['discarded', { reason: 'superseded' }],
      ]);
      expect(summarizeDrafts(await harness.events()).get(first)?.outcome).toBe('abandoned');
    });

    it('records nothing on a draft that was never shown', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const first = await harness.draftId();
      expect((await service.regenerate(first)).ok).toBe(true);
      expect(await harness.draftId()).not.toBe(first);
      expect(await harness.events()).toEqual([]);
    });

    it('times the new draft from the moment of regeneration', async () => {
      const { service, clock } = harness;
      const first = await readAndShow(DAMAGED, 60_000);
      clock.now += 10_000;
      await service.regenerate(first);
      const second = await harness.draftId();
      clock.now += 300;
      await service.shown(second, clock.now);
      expect((await harness.eventsOf(second))[0]?.payload).toMatchObject({ latencyMs: 300 });
    });

    it('refuses when the tab has moved to another ticket', async () => {
      const { service, clock } = harness;
      const first = await readAndShow(DAMAGED);
      await service.ticketRead(TAB, PASSWORD, clock.now);
      const result = await service.regenerate(first);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/another ticket/);
    });
  });

  describe('dismiss and refresh', () => {
    it('records discarded agent, clears the draft, and a refresh makes a new, different draft', async () => {
      const { service } = harness;
      const first = await readAndShow();
      const firstMacro = (await harness.db.drafts.get(first))?.sources.find((s) => s.kind === 'macro')?.docId;
      expect(await service.dismiss(first)).toEqual({ ok: true });
      expect((await harness.eventsOf(first)).map((e) => [e.type, e.payload])).toEqual([
        ['shown', expect.anything()],
        ['discarded', { reason: 'agent' }],
      ]);
      const dismissed = await harness.state();
      expect(dismissed.draft).toBeNull();
      expect(dismissed.status).toBe('ready');
      expect(dismissed.message).toMatch(/dismissed/i);

      expect((await service.refresh(TAB)).ok).toBe(true);
      const state = await harness.state();
      expect(state.status).toBe('ready');
      expect(state.message).toBeNull();
      const next = state.draft;
      expect(next?.draftId).not.toBe(first);
      expect(next?.sources.find((s) => s.kind === 'macro')?.docId).not.toBe(firstMacro);
      expect(summarizeDrafts(await harness.events()).get(first)?.outcome).toBe('dismissed');
    });

    it('does not draft again by itself after a dismissal when the same ticket is re-read', async () => {
      const { service, clock } = harness;
      const first = await readAndShow();
      await service.dismiss(first);
      await service.ticketRead(TAB, DAMAGED, clock.now);
      await service.panelOpened(TAB);
      expect((await harness.state()).draft).toBeNull();
      expect(await harness.db.drafts.count()).toBe(1);
    });

    it('dismisses only once', async () => {
      const first = await readAndShow();
      await harness.service.dismiss(first);
      await harness.service.dismiss(first);
      expect((await harness.eventsOf(first)).filter((e) => e.type === 'discarded')).toHaveLength(1);
    });

    // A dismissed draft stays dismissed (an override) when the agent then sends their own reply.
    it('keeps a dismissed draft counted as an override after the agent sends their own reply', async () => {
      const first = await readAndShow();
      await harness.service.dismiss(first);
      await harness.service.replySent(TAB, 'tidydesk:1042', 'I wrote this one myself.');
      const stats = computeStats(await harness.events());
      expect(stats.outcomes.dismissed).toBe(1);
      expect(stats.overrideRate).toMatchObject({ numerator: 1, denominator: 1 });
    });

    it('refuses a refresh for a tab without a ticket', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, null, clock.now);
      const result = await service.refresh(TAB);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/no ticket/i);
    });
  });

  describe('rate', () => {
    it('records every rating and the stats count only the latest', async () => {
      const { service } = harness;
      const id = await readAndShow();
      expect((await service.rate(id, 'up', [])).ok).toBe(true);
      expect((await service.rate(id, 'down', ['tone', 'missing-info'], '  Too formal.  ')).ok).toBe(true);
      const rated = (await harness.eventsOf(id)).filter((e) => e.type === 'rated');
      expect(rated.map((e) => e.payload)).toEqual([
        { thumb: 'up', reasons: [] },
        { thumb: 'down', reasons: ['tone', 'missing-info'], comment: 'Too formal.' },
      ]);
      const stats = computeStats(await harness.events());
      expect(stats.thumbsUpRate).toMatchObject({ numerator: 0, denominator: 1 });
      expect(stats.reasonCounts).toEqual({ tone: 1, 'missing-info': 1 });
    });

    it('leaves out an empty comment', async () => {
      const id = await readAndShow();
      await harness.service.rate(id, 'down', ['other'], '   ');
      expect((await harness.eventsOf(id)).at(-1)?.payload).toEqual({ thumb: 'down', reasons: ['other'] });
    });
  });

  describe('handlePanel', () => {
    it('dispatches panel requests to the matching action', async () => {
      const { service, clock } = harness;
      await service.ticketRead(TAB, DAMAGED, clock.now);
      const id = await harness.draftId();
      expect(await service.handlePanel({ type: 'shown', draftId: id, shownAt: clock.now + 10 }, TAB)).toEqual({ ok: true });
      expect((await service.handlePanel({ type: 'rate', draftId: id, requestId: 'r1', thumb: 'up', reasons: [] }, TAB)).ok).toBe(true);
      expect((await service.handlePanel({ type: 'refresh', requestId: 'r2' }, null)).ok).toBe(false);
      expect((await harness.events()).map((e) => e.type)).toEqual(['shown', 'rated']);
    });
  });

  it('writes every event before the action resolves, in seq order with no gaps', async () => {
    const { service, db } = harness;
    const id = await readAndShow();
    const typesAfter = async (action: Promise<unknown>): Promise<string[]> => {
      await action;
      return (await db.events.toArray()).map((e) => e.type);
    };
    expect(await typesAfter(service.copied(id))).toContain('copied');
    expect(await typesAfter(service.rate(id, 'up', []))).toContain('rated');
    expect(await typesAfter(service.replySent(TAB, 'tidydesk:1042', 'Thanks!'))).toContain('sent');
    const events = await harness.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    for (const e of events) expect(CopilotEventSchema.safeParse(e).success).toBe(true);
    expect(new Set(events.map((e) => e.ticketKey))).toEqual(new Set([ticketKeyOf(DAMAGED)]));
  });

  it('stamps events with the service clock', async () => {
    const { service, clock } = harness;
    const id = await readAndShow();
    clock.now = Date.parse('2025-03-04T12:00:00.000Z');
    await service.rate(id, 'up', []);
    expect((await harness.events()).at(-1)?.at).toBe('2025-03-04T12:00:00.000Z');
  });

  it('reports a KB that cannot load as a draft error, and a refresh retries', async () => {
    let fail = true;
    harness.db.close();
    await harness.db.delete();
    harness = makeHarness({
      loadSampleKb: async () => {
        if (fail) throw new Error('sample-kb.jsonl is missing');
        return KB;
      },
    });
    await harness.service.ticketRead(TAB, DAMAGED, START);
    const broken = await harness.state();
    expect(broken.status).toBe('error');
    expect(broken.message).toMatch(/sample-kb.jsonl is missing/);
    expect(broken.message).toMatch(/Regenerate/);
    fail = false;
    expect((await harness.service.refresh(TAB)).ok).toBe(true);
    expect((await harness.state()).status).toBe('ready');
  });
});
