import { useCallback, useEffect, useState } from 'react';
import { agentItem } from '../../lib/platform/agent';
import { browser } from 'wxt/browser';
import { ProviderResultReply, type ProviderRequest } from '../../lib/messages';
import type { TeamProvider } from '../../lib/pilot/team-config';
import { applyTeamConfig, effectiveTeamConfig, getPilot, pilotItem, teamConfigItem, watchManagedStorage, type ApplyReport } from '../../lib/platform/pilot-store';
import { assign, cohortOf } from '../../lib/pilot/assign';
import { validatePilotConfig } from '../../lib/pilot/config';
import { describeLocked, isLocked, looksLikePilotConfig, validateTeamConfig } from '../../lib/pilot/team-config';
import type { PilotView } from '../../components/PilotSection';

/** Files larger than this are refused before reading: a team config with a big KB is still far smaller. */
export const MAX_TEAM_FILE_BYTES = 50 * 1024 * 1024;


/**
 * State behind Options → Pilot and team config: import a pilot config or a whole team config,
 * show the pilot in force, this agent's cohort and variant, and what the organisation locked.
 */
export function usePilot() {
  const [view, setView] = useState<PilotView | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [report, setReport] = useState<ApplyReport | null>(null);

  const refresh = useCallback(async () => {
    const now = new Date();
    const [{ config, locked, managed, stored }, agent] = await Promise.all([effectiveTeamConfig(), agentItem.getValue()]);
    const pilot = await getPilot(now, managed);
    const agentId = agent?.agentId ?? '';
    const cohort = pilot && agentId ? (cohortOf(pilot.config, agentId)?.id ?? null) : null;
    const assignment = pilot && agentId && pilot.config.unit === 'agent' ? assign(pilot.config, { agentId, now }) : null;
    setView({
      pilot,
      agentId,
      cohort,
      variant: assignment?.variant ?? null,
      effective: config,
      locked,
      lockedValues: describeLocked(managed),
      managed,
      importedFile: stored?.source ?? null,
      importedAt: stored?.importedAt ?? null,
    });
  }, []);

  useEffect(() => {
    // The first read is an async fetch; its setState lands after the effect, not inside it.
    const first = setTimeout(() => void refresh(), 0);
    const unwatch = [
      pilotItem.watch(() => void refresh()),
      teamConfigItem.watch(() => void refresh()),
      agentItem.watch(() => void refresh()),
      watchManagedStorage(() => void refresh()),
    ];
    // The pilot's phase changes with the clock: look again every minute.
    const timer = setInterval(() => void refresh(), 60_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
      unwatch.forEach((u) => u());
    };
  }, [refresh]);

  const importFile = async (file: File) => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    setReport(null);
    try {
      if (file.size > MAX_TEAM_FILE_BYTES) {
        setMessage({ ok: false, text: `${file.name} is larger than 50 MB, so it was not read. Split the knowledge base out and import it in Options → Knowledge base.` });
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(await file.text());
      } catch (error) {
        setMessage({ ok: false, text: `${file.name} is not valid JSON (${error instanceof Error ? error.message : String(error)}). Fix the file and import it again; nothing was changed.` });
        return;
      }
      const locked = view?.locked ?? [];
      if (looksLikePilotConfig(raw)) {
        const parsed = validatePilotConfig(raw);
        if (!parsed.ok) {
          setMessage({ ok: false, text: `${file.name}: ${parsed.message}` });
          return;
        }
        if (isLocked(locked, 'pilot')) {
          setMessage({ ok: false, text: 'Your organisation set the pilot by policy, so an imported pilot would not be used. Ask your administrator to change it.' });
          return;
        }
        await pilotItem.setValue({ config: parsed.value, source: file.name, importedAt: new Date().toISOString() });
        setMessage({ ok: true, text: `Pilot “${parsed.value.name}” imported from ${file.name}. New drafts and events follow it.` });
        return;
      }
      const parsed = validateTeamConfig(raw);
      if (!parsed.ok) {
        setMessage({ ok: false, text: `${file.name}: ${parsed.message}` });
        return;
      }
      const result = await applyTeamConfig(parsed.value, file.name, locked, new Date(), { saveProvider: saveTeamProviderViaBackground });
      setReport(result);
      const notices = parsed.notices.join(' ');
      if (result.error) setMessage({ ok: false, text: `${result.error}${notices ? ` ${notices}` : ''}` });
      else setMessage({ ok: parsed.notices.length === 0, text: `Team config ${file.name} imported.${notices ? ` ${notices}` : ''}` });
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const clearPilot = async () => {
    await pilotItem.setValue(null);
    setMessage({ ok: true, text: 'The imported pilot was removed. New events carry no pilot, cohort or variant.' });
  };

  return {
    view,
    busy,
    message,
    report,
    onFile: (file: File) => void importFile(file),
    onClearPilot: () => void clearPilot(),
  };
}

export type PilotState = ReturnType<typeof usePilot>;

/** The team's model settings, merged over the stored ones by the background (which keeps the agent's key). */
async function saveTeamProviderViaBackground(team: TeamProvider): Promise<{ ok: boolean; message: string }> {
  const save: ProviderRequest = { type: 'provider/save-team', settings: team };
  const reply = ProviderResultReply.safeParse(await browser.runtime.sendMessage(save));
  return reply.success ? { ok: reply.data.ok, message: reply.data.message } : { ok: false, message: 'The background did not answer.' };
}
