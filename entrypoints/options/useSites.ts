import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import type { HostedRow } from '../../components/SitesSection';
import { HOSTED_HELPDESKS, SiteAddressError, helpdeskOrigins, sitePattern } from '../../lib/sites/hosted';
import { siteAccess } from '../../lib/platform/site-access';

async function loadSites(): Promise<{ rows: HostedRow[]; custom: string[] }> {
  const rows = await Promise.all(
    HOSTED_HELPDESKS.map(async (h) => ({ id: h.id, name: h.name, enabled: await siteAccess.isEnabled(h.origins) })),
  );
  const hostedOrigins = new Set(HOSTED_HELPDESKS.flatMap((h) => h.origins));
  const all = await browser.permissions.getAll();
  return { rows, custom: helpdeskOrigins(all.origins ?? []).filter((o) => !hostedOrigins.has(o)) };
}

/**
 * The state behind the Sites section. Each hosted helpdesk's permission is checked with
 * `permissions.contains` when the page renders, so a click can prompt at once (a prompt needs the
 * user gesture, which an `await` before it may lose).
 */
export function useSites() {
  const [hosted, setHosted] = useState<HostedRow[]>([]);
  const [customSites, setCustomSites] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const refresh = useCallback(async () => {
    const { rows, custom } = await loadSites();
    setHosted(rows);
    setCustomSites(custom);
  }, []);

  useEffect(() => {
    let live = true;
    const onChange = () =>
      void loadSites().then(({ rows, custom }) => {
        if (!live) return;
        setHosted(rows);
        setCustomSites(custom);
      });
    onChange();
    browser.permissions.onAdded.addListener(onChange);
    browser.permissions.onRemoved.addListener(onChange);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(onChange);
      browser.permissions.onRemoved.removeListener(onChange);
    };
  }, []);

  const run = async (work: () => Promise<{ ok: boolean; text: string }>) => {
    setBusy(true);
    try {
      setMessage(await work());
    } catch (error) {
      setMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const onToggleHosted = (id: string, enable: boolean) => {
    const helpdesk = HOSTED_HELPDESKS.find((h) => h.id === id);
    const row = hosted.find((h) => h.id === id);
    if (!helpdesk) return;
    void run(async () => {
      if (!enable) {
        await siteAccess.disable(helpdesk.origins);
        return { ok: true, text: `${helpdesk.name} is off. The copilot no longer reads pages there.` };
      }
      const result = await siteAccess.enable(helpdesk.origins, row?.enabled ?? false);
      return result.ok
        ? { ok: true, text: `${helpdesk.name} is on. Reload any ${helpdesk.name} tab that is already open.` }
        : { ok: false, text: result.message };
    });
  };

  const onAddSite = (address: string) => {
    let pattern: string;
    try {
      pattern = sitePattern(address);
    } catch (error) {
      setMessage({ ok: false, text: error instanceof SiteAddressError ? error.message : String(error) });
      return;
    }
    void run(async () => {
      const result = await siteAccess.enable([pattern], customSites.includes(pattern));
      return result.ok
        ? { ok: true, text: `Enabled on ${pattern.replace('/*', '')}. Reload your helpdesk tab there.` }
        : { ok: false, text: result.message };
    });
  };

  const onRemoveSite = (origin: string) =>
    void run(async () => {
      await siteAccess.disable([origin]);
      return { ok: true, text: `Removed ${origin.replace('/*', '')}.` };
    });

  return { hosted, customSites, busy, message, onToggleHosted, onAddSite, onRemoveSite };
}
