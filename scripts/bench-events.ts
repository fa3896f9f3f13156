/**
 * Synthetic event logs for the team benchmarks: agents working through tickets the way the side
 * panel records it (shown, sometimes regenerated, inserted or copied, sent with an edit ratio, or
 * dismissed, ignored or abandoned; some rated), seeded so every run writes the same events.
 */
import { EVENT_SCHEMA_VERSION, type CopilotEvent, type NewEvent } from '../lib/feedback/events';
import { REASON_CODES } from '../lib/testids';
import { seededRandom as prng } from './bench-corpus';


const hex = (random: () => number, n: number) => {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(random() * 16).toString(16);
  return out;
};

/** A UUID-shaped id from the seeded generator. */
function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

export interface GenerateOptions {
  events: number;
  agents?: number;
  seed?: number;
  /** First event time (ms); events are spread about a minute apart per agent. */
  startMs?: number;
}

/** Exactly `events` events, in `(agentId, seq)` order per agent, interleaved across agents by time. */
export function* generateEvents(options: GenerateOptions): Generator<CopilotEvent> {
  const random = prng(options.seed ?? 7);
  const agents = Array.from({ length: options.agents ?? 20 }, (_, i) => ({
    agentId: `agent-${String(i).padStart(3, '0')}`,
    seq: 0,
    cohort: i % 2 === 0 ? 'cohort-a' : 'cohort-b',
    variant: i % 2 === 0 ? 'template' : 'model',
    at: options.startMs ?? Date.parse('2025-01-06T08:00:00Z'),
    ticket: 0,
    queue: [] as NewEvent[],
  }));
  let produced = 0;
  while (produced < options.events) {
    const agent = agents[Math.floor(random() * agents.length)];
    if (!agent) continue;
    if (agent.queue.length === 0) {
      agent.ticket += 1;
      const ticketKey = `zendesk:${agent.agentId}-${agent.ticket}`;
      const base = { ticketKey, helpdesk: 'zendesk', pilotId: 'pilot-1', cohort: agent.cohort, variant: agent.variant };
      const model = agent.variant === 'model';
      const shown = (draftId: string): NewEvent => ({
        ...base,
        type: 'shown',
        draftId,
        payload: {
          latencyMs: Math.round(300 + random() * (model ? 2500 : 600)),
          confidence: { score: Math.round(random() * 100) / 100, level: random() < 0.6 ? 'high' : random() < 0.5 ? 'medium' : 'low' },
          policy: 'allow',
          injectionSuspected: false,
          model: model ? 'gpt-4o-mini' : null,
          promptVersion: model ? 'model-1' : 'template-1',
          kbVersion: 3,
          tokensIn: model ? 900 + Math.floor(random() * 600) : 0,
          tokensOut: model ? 120 + Math.floor(random() * 200) : 0,
          costUsd: model ? Math.round(random() * 4000) / 1e6 : 0,
          cacheHit: model && random() < 0.1,
        },
      });
      let draftId = uuid(random);
      agent.queue.push(shown(draftId));
      if (random() < 0.15) {
        const next = uuid(random);
        agent.queue.push({ ...base, type: 'regenerated', draftId, payload: { newDraftId: next } });
        agent.queue.push({ ...base, type: 'discarded', draftId, payload: { reason: 'superseded' } });
        draftId = next;
        agent.queue.push(shown(draftId));
      }
      const r = random();
      if (r < 0.6) {
        agent.queue.push({ ...base, type: random() < 0.7 ? 'inserted' : 'copied', draftId, payload: {} });
        const ratio = random() < 0.4 ? random() * 0.05 : random() < 0.7 ? 0.05 + random() * 0.45 : 0.5 + random() * 0.5;
        agent.queue.push({ ...base, type: 'sent', draftId, payload: { used: true, editRatio: Math.round(ratio * 1e4) / 1e4 } });
      } else if (r < 0.75) {
        agent.queue.push({ ...base, type: 'discarded', draftId, payload: { reason: 'agent' } });
      } else if (r < 0.88) {
        agent.queue.push({ ...base, type: 'sent', draftId, payload: { used: false, editRatio: null } });
      } else {
        agent.queue.push({ ...base, type: 'discarded', draftId, payload: { reason: 'ticket-changed' } });
      }
      if (random() < 0.3) {
        const up = random() < 0.6;
        const reason = REASON_CODES[Math.floor(random() * REASON_CODES.length)] ?? 'other';
        agent.queue.push({ ...base, type: 'rated', draftId, payload: { thumb: up ? 'up' : 'down', reasons: up ? [] : [reason] } });
      }
    }
    const next = agent.queue.shift();
    if (!next) continue;
    agent.at += 5_000 + Math.floor(random() * 60_000);
    const event: CopilotEvent = { ...next, schema: EVENT_SCHEMA_VERSION, id: uuid(random), agentId: agent.agentId, seq: agent.seq++, at: new Date(agent.at).toISOString() };
    yield event;
    produced += 1;
  }
}
