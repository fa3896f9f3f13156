import { useEffect, useState } from 'react';
import { siteOverridesItem } from '../../lib/platform/overrides';
import type { OverrideField, SelectorOverrides, SiteOverrides } from '../../lib/ticket/overrides';
import { prepareSiteOverrides, SiteOverridesSchema } from '../../lib/ticket/overrides-schema';

/** State behind Options → "When a helpdesk changes its page". */
export function useOverrides() {
  const [overrides, setOverrides] = useState<SiteOverrides>({});
  const [errors, setErrors] = useState<Partial<Record<OverrideField, string>>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    const apply = (raw: unknown) => {
      const parsed = SiteOverridesSchema.safeParse(raw);
      setOverrides(parsed.success ? parsed.data : {});
    };
    void siteOverridesItem.getValue().then(apply);
    return siteOverridesItem.watch(apply);
  }, []);

  const onSave = (address: string, selectors: SelectorOverrides) => {
    const prepared = prepareSiteOverrides(address, selectors, document);
    setErrors(prepared.ok ? {} : prepared.errors);
    if (!prepared.ok) {
      setMessage({ ok: false, text: prepared.message });
      return;
    }
    void siteOverridesItem
      .setValue({ ...overrides, [prepared.origin]: prepared.overrides })
      .then(() => setMessage({ ok: true, text: `Saved for ${prepared.origin}. Open tabs on that site re-read the page now.` }));
  };

  const onDelete = (origin: string) =>
    void siteOverridesItem.setValue(Object.fromEntries(Object.entries(overrides).filter(([site]) => site !== origin)));

  return { overrides, errors, message, onSave, onDelete };
}
