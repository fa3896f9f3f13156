import { pilotPhase, type Cohort, type PilotConfig } from './config';

/** What every event carries while a pilot runs (design §"Events"). */
export interface PilotAssignment {
  pilotId: string;
  cohort: string;
  variant: string;
}

export interface AssignInput {
  agentId: string;
  /** Needed when the pilot's unit is `ticket`; without it a ticket-unit pilot assigns nothing. */
  ticketKey?: string;
  now?: Date;
}

/** The UTF-8 bytes of a string (the hash must not depend on how a runtime stores strings). */
function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The 32-bit avalanche finaliser of MurmurHash3: every input bit flips about half the output bits. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A stable number in [0, 1) for a string: two FNV-1a lanes with different offsets, each finalised,
 * combined into 52 bits. The same in every browser and in Node, across releases: never change it
 * while a pilot runs, or agents change variant mid-pilot.
 */
export function stableUnit(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const byte of utf8(text)) {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x01000193) ^ (b >>> 15);
  }
  const hi = mix32(a) >>> 6; // 26 bits
  const lo = mix32(b ^ Math.imul(a, 0x9e3779b1)) >>> 6; // 26 bits
  return (hi * 2 ** 26 + lo) / 2 ** 52;
}

/** The cohort an agent belongs to: the one that lists them, else the `*` cohort, else none. */
export function cohortOf(config: PilotConfig, agentId: string): Cohort | undefined {
  return config.cohorts.find((c) => Array.isArray(c.agents) && c.agents.includes(agentId)) ?? config.cohorts.find((c) => c.agents === '*');
}

/** Pick a variant by weight for a point `u` in [0, 1). Allocation order is the config's order. */
export function pickByWeight(allocation: Readonly<Record<string, number>>, u: number): string | undefined {
  const entries = Object.entries(allocation).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return undefined;
  let edge = 0;
  const target = u * total;
  for (const [id, weight] of entries) {
    edge += weight;
    if (target < edge) return id;
  }
  return entries[entries.length - 1]?.[0];
}

/**
 * The deterministic assignment of an agent (or of a ticket, when the pilot's unit is `ticket`):
 * the same inputs give the same variant on every machine, so exports from a whole team agree.
 * Null outside the pilot's dates, when no cohort takes the agent, or when a ticket-unit pilot is
 * asked without a ticket key.
 */
export function assign(config: PilotConfig, input: AssignInput): PilotAssignment | null {
  if (pilotPhase(config, input.now ?? new Date()) !== 'running') return null;
  const cohort = cohortOf(config, input.agentId);
  if (!cohort) return null;
  const unitKey = config.unit === 'ticket' ? input.ticketKey : input.agentId;
  if (unitKey === undefined || unitKey === '') return null;
  const variant = pickByWeight(cohort.allocation, stableUnit(`${config.id}\u0000${unitKey}`));
  if (!variant) return null;
  return { pilotId: config.id, cohort: cohort.id, variant };
}

/** The fields stamped on an event: the assignment, or nulls when no pilot applies. */
export function eventStamp(assignment: PilotAssignment | null): { pilotId: string | null; cohort: string | null; variant: string | null } {
  return assignment ? { ...assignment } : { pilotId: null, cohort: null, variant: null };
}
