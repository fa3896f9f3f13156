import { z } from 'zod';
import { SiteAddressError, sitePattern } from '../sites/hosted';
import { invalidSelectors, type OverrideField, type SelectorOverrides, type SiteOverrides } from './overrides';

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

export type PreparedOverrides =
  | { ok: true; origin: string; overrides: SelectorOverrides }
  | { ok: false; message: string; errors: Partial<Record<OverrideField, string>> };

/**
 * Check what a person typed in Options before it is saved: the site address (its origin, without
 * a port) and each selector, which must be one the browser can parse. Empty fields are dropped.
 */
export function prepareSiteOverrides(address: string, selectors: SelectorOverrides, doc: Document): PreparedOverrides {
  let origin: string;
  try {
    origin = sitePattern(address).replace(/\/\*$/, '');
  } catch (error) {
    return { ok: false, message: error instanceof SiteAddressError ? error.message : String(error), errors: {} };
  }
  const filled = Object.fromEntries(Object.entries(selectors).filter(([, v]) => typeof v === 'string' && v.trim()));
  const overrides = SelectorOverridesSchema.parse(filled);
  const errors = invalidSelectors(overrides, doc);
  if (Object.keys(errors).length > 0) return { ok: false, message: 'Fix the selectors marked above; nothing was saved.', errors };
  return { ok: true, origin, overrides };
}
