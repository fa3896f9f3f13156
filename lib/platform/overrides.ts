import { storage } from 'wxt/utils/storage';
import { overridesOfSite, type SelectorOverrides, type SiteOverrides } from '../ticket/overrides';

/** Per-site selector overrides (Options → Advanced), read by the content script of that site. */
export const siteOverridesItem = storage.defineItem<SiteOverrides>('local:siteOverrides', { fallback: {}, version: 1 });

export async function overridesFor(origin: string): Promise<SelectorOverrides | undefined> {
  return overridesOfSite(await siteOverridesItem.getValue(), origin);
}

export function watchOverrides(origin: string, onChange: (overrides: SelectorOverrides | undefined) => void): () => void {
  return siteOverridesItem.watch((value) => onChange(overridesOfSite(value, origin)));
}
