import { z } from 'zod';
import type { SelectorOverrides, SiteOverrides } from './overrides';

/** Validation of selector overrides as the options page saves them. */
export const SelectorOverridesSchema: z.ZodType<SelectorOverrides> = z.object({
  subject: z.string().trim().max(500).optional(),
  message: z.string().trim().max(500).optional(),
  roleAgent: z.string().trim().max(500).optional(),
  roleNote: z.string().trim().max(500).optional(),
  editor: z.string().trim().max(500).optional(),
  send: z.string().trim().max(500).optional(),
});

export const SiteOverridesSchema: z.ZodType<SiteOverrides> = z.record(z.string(), SelectorOverridesSchema);
