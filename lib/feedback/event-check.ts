import { z } from 'zod';
import { REASON_CODES } from '../testids';
import { CopilotEventSchema, DISCARD_REASONS, EVENT_SCHEMA_VERSION, type CopilotEvent } from './events';

/**
 * A fast, conservative check of a parsed event for the report CLI, which reads millions of lines:
 * it accepts only values the zod schema accepts too (a unit test holds it to that), and anything it
 * is unsure of goes to `CopilotEventSchema`, which decides and words the problem. The value is not
 * copied, so unknown top-level fields stay on it (the report reads only known ones).
 */
const AT = z.iso.datetime({ offset: true });
const REASONS: ReadonlySet<unknown> = new Set(REASON_CODES);
const DISCARDS: ReadonlySet<unknown> = new Set(DISCARD_REASONS);
const LEVELS: ReadonlySet<unknown> = new Set(['high', 'medium', 'low']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);

function shownFieldsOk(p: Obj, partial: boolean): boolean {
  const need = (v: unknown, check: (x: unknown) => boolean) => (partial ? optional(v, check) : check(v));
  const confidence = p.confidence;
  return (
    need(p.latencyMs, (v) => isNum(v) && v >= 0) &&
    need(confidence, (v) => isObj(v) && isNum(v.score) && LEVELS.has(v.level)) &&
    need(p.policy, isStr) &&
    need(p.injectionSuspected, (v) => typeof v === 'boolean') &&
    need(p.model, strOrNull) &&
    need(p.promptVersion, isStr) &&
    need(p.kbVersion, isNum) &&
    need(p.tokensIn, isNum) &&
    need(p.tokensOut, isNum) &&
    need(p.costUsd, isNum) &&
    need(p.cacheHit, (v) => typeof v === 'boolean') &&
    optional(p.error, isStr)
  );
}

function payloadOk(type: unknown, p: Obj): boolean {
  switch (type) {
    case 'shown':
      return shownFieldsOk(p, false);
    case 'shadow':
      return shownFieldsOk(p, true) && optional(p.similarity, isNum);
    case 'inserted':
    case 'copied':
      return true;
    case 'sent':
      return (
        (p.editRatio === null || (isNum(p.editRatio) && p.editRatio >= 0 && p.editRatio <= 1)) &&
        typeof p.used === 'boolean' &&
        optional(p.text, (v) => isStr(v) && v.length <= 200_000)
      );
    case 'discarded':
      return DISCARDS.has(p.reason);
    case 'rated':
      return (
        (p.thumb === 'up' || p.thumb === 'down') &&
        Array.isArray(p.reasons) &&
        p.reasons.every((r) => REASONS.has(r)) &&
        optional(p.comment, (v) => isStr(v) && v.length <= 2000)
      );
    case 'regenerated':
      return isStr(p.newDraftId);
    default:
      return false;
  }
}

function fastOk(v: Obj): boolean {
  return (
    v.schema === EVENT_SCHEMA_VERSION &&
    isStr(v.id) &&
    v.id.length > 0 &&
    isStr(v.agentId) &&
    v.agentId.length > 0 &&
    Number.isSafeInteger(v.seq) &&
    (v.seq as number) >= 0 &&
    isStr(v.draftId) &&
    v.draftId.length > 0 &&
    isStr(v.ticketKey) &&
    isStr(v.helpdesk) &&
    strOrNull(v.pilotId) &&
    strOrNull(v.cohort) &&
    strOrNull(v.variant) &&
    isObj(v.payload) &&
    payloadOk(v.type, v.payload) &&
    AT.safeParse(v.at).success
  );
}

export type EventCheck = { ok: true; event: CopilotEvent } | { ok: false; issue: z.core.$ZodIssue | undefined };

/** Check a parsed line: the fast path for good events, the schema for everything else. */
export function checkEvent(value: unknown): EventCheck {
  // The fast path has just verified every field the schema checks, with the same rules.
  if (isObj(value) && fastOk(value)) return { ok: true, event: value as CopilotEvent };
  const parsed = CopilotEventSchema.safeParse(value);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, issue: parsed.error.issues[0] };
}

/** Exposed for the test that holds the fast path to the schema. */
export function fastPathAccepts(value: unknown): boolean {
  return isObj(value) && fastOk(value);
}
