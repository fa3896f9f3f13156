import { z } from 'zod';

/** One knowledge-base entry in the KB JSON Lines format: a help article or a canned response (macro). */
export const KbDocSchema = z.object({
  id: z.string().min(1).max(500),
  title: z.string().max(1000),
  body: z.string().max(1_000_000),
  url: z.string().max(4000).optional(),
  tags: z.array(z.string().max(200)).max(200).optional(),
  kind: z.enum(['article', 'macro']).default('article'),
  /** Optional ISO 639-1 language; guessed from the text when absent. */
  language: z.string().max(20).optional(),
});
export type KbDoc = z.infer<typeof KbDocSchema>;
export type KbDocInput = z.input<typeof KbDocSchema>;
