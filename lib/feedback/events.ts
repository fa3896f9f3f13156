import { z } from 'zod';
import { REASON_CODES } from '../testids';

/** Event schema version. Readers ignore unknown payload fields; a new version is a breaking change. */
export const EVENT_SCHEMA_VERSION = 1;

export const EVENT_TYPES = [
  'shown',
  'inserted',
  'copied',
  'sent',
  'discarded',
  'rated',
  'regenerated',
  'shadow',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DISCARD_REASONS = ['agent', 'ticket-changed', 'superseded'] as const;
export type DiscardReason = (typeof DISCARD_REASONS)[number];

export const ConfidenceLevelSchema = z.enum(['high', 'medium', 'low']);

/** Payload of `shown` (and the shared fields of `shadow`). */
export const ShownPayloadSchema = z.looseObject({
  latencyMs: z.number().nonnegative(),
  confidence: z.object({ score: z.number(), level: ConfidenceLevelSchema }),
  policy: z.string(),
  injectionSuspected: z.boolean(),
  model: z.string().nullable(),
  promptVersion: z.string(),
  kbVersion: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  costUsd: z.number(),
  cacheHit: z.boolean(),
  error: z.string().optional(),
});
export type ShownPayload = z.infer<typeof ShownPayloadSchema>;

export const SentPayloadSchema = z.looseObject({
  editRatio: z.number().min(0).max(1).nullable(),
  used: z.boolean(),
  /** The reply as the helpdesk sent it (kept locally; events written before it existed lack it). */
  text: z.string().max(200_000).optional(),
});
export const DiscardedPayloadSchema = z.looseObject({ reason: z.enum(DISCARD_REASONS) });
export const RatedPayloadSchema = z.looseObject({
  thumb: z.enum(['up', 'down']),
  reasons: z.array(z.enum(REASON_CODES)),
  comment: z.string().max(2000).optional(),
});
export const RegeneratedPayloadSchema = z.looseObject({ newDraftId: z.string() });
export const EmptyPayloadSchema = z.looseObject({});
export const ShadowPayloadSchema = ShownPayloadSchema.partial().extend({ similarity: z.number().optional() });

const base = {
  schema: z.literal(EVENT_SCHEMA_VERSION),
  id: z.string().min(1),
  agentId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
  draftId: z.string().min(1),
  ticketKey: z.string(),
  helpdesk: z.string(),
  pilotId: z.string().nullable(),
  cohort: z.string().nullable(),
  variant: z.string().nullable(),
};

/** One recorded step (design §"Events and the numbers built on them"). */
export const CopilotEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('shown'), payload: ShownPayloadSchema }),
  z.object({ ...base, type: z.literal('inserted'), payload: EmptyPayloadSchema }),
  z.object({ ...base, type: z.literal('copied'), payload: EmptyPayloadSchema }),
  z.object({ ...base, type: z.literal('sent'), payload: SentPayloadSchema }),
  z.object({ ...base, type: z.literal('discarded'), payload: DiscardedPayloadSchema }),
  z.object({ ...base, type: z.literal('rated'), payload: RatedPayloadSchema }),
  z.object({ ...base, type: z.literal('regenerated'), payload: RegeneratedPayloadSchema }),
  z.object({ ...base, type: z.literal('shadow'), payload: ShadowPayloadSchema }),
]);
export type CopilotEvent = z.infer<typeof CopilotEventSchema>;

type EventOf<T extends EventType> = Extract<CopilotEvent, { type: T }>;
export type PayloadOf<T extends EventType> = EventOf<T>['payload'];

/** What a caller supplies; the recorder adds schema, id, agentId, seq, at. */
export type NewEvent = {
  [T in EventType]: Omit<EventOf<T>, 'schema' | 'id' | 'agentId' | 'seq' | 'at'>;
}[EventType];
