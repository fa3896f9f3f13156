import { z } from 'zod';
import { ConfidenceLevelSchema } from '../feedback/events';

export const ConfidenceSchema = z.object({
  score: z.number().min(0).max(1),
  level: ConfidenceLevelSchema,
  reasons: z.array(z.string()),
});
export type Confidence = z.infer<typeof ConfidenceSchema>;

export const CitationSchema = z.object({ marker: z.number().int().positive(), chunkId: z.string() });
export type Citation = z.infer<typeof CitationSchema>;

/** A numbered source offered with a draft ("Why this?"): the passage a `[n]` marker points at. */
export const DraftSourceSchema = z.object({
  marker: z.number().int().positive(),
  chunkId: z.string(),
  docId: z.string(),
  kind: z.enum(['article', 'macro']),
  title: z.string(),
  url: z.string().optional(),
  snippet: z.string(),
  score: z.number(),
});
export type DraftSource = z.infer<typeof DraftSourceSchema>;

/** One text offered to the agent (design §"The data that flows", step 4). */
export const DraftSchema = z.object({
  draftId: z.string(),
  parentDraftId: z.string().optional(),
  text: z.string(),
  citations: z.array(CitationSchema),
  sources: z.array(DraftSourceSchema),
  confidence: ConfidenceSchema,
  needsHuman: z.boolean(),
  policy: z.string(),
  variant: z.string(),
  model: z.string().optional(),
  promptVersion: z.string(),
  kbVersion: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  costUsd: z.number(),
  latencyMs: z.number(),
  language: z.string(),
  error: z.string().optional(),
  /** Why the policy decided what it did (empty for `draft`). */
  policyReasons: z.array(z.string()).default([]),
  /** Prompt-injection signals found in the ticket. */
  injection: z.object({ suspected: z.boolean(), reasons: z.array(z.string()) }).default({ suspected: false, reasons: [] }),
  /** "What leaves this browser": the masked text a model would receive, and whether it was sent. */
  outbound: z.object({ text: z.string(), sent: z.boolean(), note: z.string() }).default({ text: '', sent: false, note: '' }),
  /** The answer came from the model-draft cache: no call, no cost. */
  cacheHit: z.boolean().default(false),
  /** The model could not deliver, so this is the template drafter's draft; why, for the banner. */
  fallback: z.object({ kind: z.string(), message: z.string() }).optional(),
  /** Share of the draft's claim sentences supported by the source they cite (model drafts). */
  groundedness: z.number().min(0).max(1).optional(),
  /** When the first words of a streamed draft reached the panel (ms since epoch): `shown` latency ends here. */
  firstTextAt: z.number().optional(),
  /** The rewrite that made this draft from its parent (Shorter, More formal …). */
  rewrite: z.string().optional(),
});
export type Draft = z.infer<typeof DraftSchema>;
