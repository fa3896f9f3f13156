import { storage } from 'wxt/utils/storage';
import { SiteOverridesSchema, type SelectorOverrides, type SiteOverrides } from '../ticket/overrides';

/** Per-site selector overrides (Options → Advanced), read by the content script of that site. */
export const siteOverridesItem = storage.defineItem<SiteOverrides>('local:siteOverrides', { fallback: {}, version: 1 });

export async function overridesFor(origin: string): Promise<SelectorOverrides | undefined> {
  const parsed = SiteOverridesSchema.safeParse(await siteOverridesItem.getValue());
  return parsed.success ? parsed.data[origin] : undefined;
}

export function watchOverrides(origin: string, onChange: (overrides: SelectorOverrides | undefined) => void): () => void {
  return siteOverridesItem.watch((value) => {
    const parsed = SiteOverridesSchema.safeParse(value);
    onChange(parsed.success ? parsed.data[origin] : undefined);
  });
}
