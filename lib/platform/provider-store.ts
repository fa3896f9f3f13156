import { storage } from 'wxt/utils/storage';
import { ProviderSettingsSchema, type ProviderSettings } from '../drafting/provider-settings';

/**
 * The model provider settings, key included. Only the background reads this item: pages ask it
 * with `provider/get`, which leaves the key out.
 */
export const providerItem = storage.defineItem<ProviderSettings | null>('local:provider', { version: 1, fallback: null });

/** The stored settings, or null when none are stored (or they no longer validate). */
export async function getProviderSettings(): Promise<ProviderSettings | null> {
  const raw = await providerItem.getValue();
  if (raw === null) return null;
  const parsed = ProviderSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
