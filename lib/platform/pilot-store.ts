import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { upsertInBatches } from '../kb/store';
import { assign, stableUnit, type PilotAssignment } from '../pilot/assign';
import { PilotConfigSchema, pilotPhase, variantOf, type PilotConfig, type PilotPhase, type Variant } from '../pilot/config';
import {
  describeProvider,
  isLocked,
  MANAGED_KEYS,
  mergeTeamConfig,
  readManaged,
  type ManagedRead,
  type TeamConfig,
  type TeamProvider,
} from '../pilot/team-config';
import { db } from './database';
import { disabledPiiItem, policyItem } from './guard-settings';
import { siteOverridesItem } from './overrides';

/** A pilot config as the options page saved it. */
export interface StoredPilot {
  config: PilotConfig;
  /** The file it came from (`pilot.json`, `team-config.json`). */
  source: string;
  importedAt: string;
}

/** The last imported team config, without its knowledge base (that lives in Dexie). */
export interface StoredTeamConfig {
  config: Omit<TeamConfig, 'kb'>;
  kbEntries: number;
  source: string;
  importedAt: string;
}

/** The imported pilot (the managed one, when an administrator set one, wins over it). */
export const pilotItem = storage.defineItem<StoredPilot | null>('local:pilot', { version: 1, fallback: null });

export const teamConfigItem = storage.defineItem<StoredTeamConfig | null>('local:teamConfig', { version: 1, fallback: null });

/** Read managed storage; a browser without a managed store (or without a policy) gives `{}`. */
export async function readManagedStorage(): Promise<ManagedRead> {
  let raw: Record<string, unknown> = {};
  try {
    raw = await browser.storage.managed.get([...MANAGED_KEYS]);
  } catch {
    // Firefox without a managed-storage manifest, or Chrome without policies: nothing is managed.
    raw = {};
  }
  return readManaged(raw ?? {});
}

/** Call `onChange` whenever an administrator's policy changes. Returns the unsubscribe function. */
export function watchManagedStorage(onChange: () => void): () => void {
  const listener = (_changes: unknown, area: string) => {
    if (area === 'managed') onChange();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

export interface ActivePilot {
  config: PilotConfig;
  source: 'managed' | 'imported';
  /** The file name for an imported pilot. */
  file?: string;
  phase: PilotPhase;
}

/** The pilot in force: the managed one, else the imported one; null when neither is set. */
export async function getPilot(now: Date = new Date(), managed?: ManagedRead): Promise<ActivePilot | null> {
  const m = managed ?? (await readManagedStorage());
  if (m.config.pilot) return { config: m.config.pilot, source: 'managed', phase: pilotPhase(m.config.pilot, now) };
  const stored = await pilotItem.getValue();
  if (!stored) return null;
  const parsed = PilotConfigSchema.safeParse(stored.config);
  if (!parsed.success) return null;
  return { config: parsed.data, source: 'imported', file: stored.source, phase: pilotPhase(parsed.data, now) };
}

export interface CurrentAssignment {
  assignment: PilotAssignment;
  variant: Variant;
  /** Shadow mode: make and record drafts, show none. */
  shadow: boolean;
}

/**
 * What the service stamps on an event and which drafter it uses: the running pilot's assignment for
 * this agent (and ticket, for ticket-unit pilots), or null when no pilot runs or none applies.
 */
export async function currentAssignment(input: { agentId: string; ticketKey?: string; now?: Date }): Promise<CurrentAssignment | null> {
  const now = input.now ?? new Date();
  const pilot = await getPilot(now);
  if (!pilot || pilot.phase !== 'running') return null;
  const assignment = assign(pilot.config, { agentId: input.agentId, now, ...(input.ticketKey !== undefined ? { ticketKey: input.ticketKey } : {}) });
  if (!assignment) return null;
  const variant = variantOf(pilot.config, assignment.variant);
  if (!variant) return null;
  return { assignment, variant, shadow: pilot.config.shadow };
}

export interface ApplyReport {
  /** Sentences: what was saved. */
  applied: string[];
  /** Sentences: what the agent must do by hand, or what managed values kept. */
  todo: string[];
  /** What a provider section would set (provider settings are saved in Options → Model). */
  provider: TeamProvider | null;
  /** KB entries written. */
  kbEntries: number;
  /** A failure part-way (what was saved before it stays saved). */
  error: string | null;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/**
 * Save what a team config sets, section by section, skipping what an administrator locked. The
 * knowledge base is added to (same id = updated), never wiped. Provider settings are not written
 * here: the report says what they would be, and the agent saves them in Options → Model with
 * their own key.
 */
export async function applyTeamConfig(
  config: TeamConfig,
  source: string,
  locked: readonly string[] = [],
  now = new Date(),
  options: {
    record?: boolean;
    /**
     * Save the team's model settings (never a key: the agent's stored key is kept). The options page
     * sends `provider/save` to the background; the background calls its handler directly.
     */
    saveProvider?: (team: TeamProvider) => Promise<{ ok: boolean; message: string }>;
  } = {},
): Promise<ApplyReport> {
  const report: ApplyReport = { applied: [], todo: [], provider: null, kbEntries: 0, error: null };
  const importedAt = now.toISOString();
  const skip = (field: string, what: string) => {
    if (!isLocked(locked, field)) return false;
    report.todo.push(`${what} is set by your organisation's policy, so the file's value was not used.`);
    return true;
  };
  try {
    if (config.pilot && !skip('pilot', 'The pilot')) {
      await pilotItem.setValue({ config: config.pilot, source, importedAt });
      report.applied.push(`Pilot “${config.pilot.name}” (${config.pilot.id}) saved.`);
    }
    if (config.policies && !skip('policies', 'The topic policies')) {
      await policyItem.setValue(config.policies);
      report.applied.push(`${plural(config.policies.rules.length, 'policy rule')} saved.`);
    }
    const settings = config.settings;
    if (settings?.disabledPiiTypes && !skip('settings.disabledPiiTypes', 'Which personal data is masked')) {
      await disabledPiiItem.setValue([...settings.disabledPiiTypes]);
      report.applied.push(
        settings.disabledPiiTypes.length > 0 ? `Masking switched off for: ${settings.disabledPiiTypes.join(', ')}.` : 'All personal-data types are masked.',
      );
    }
    if (settings?.siteOverrides && !skip('settings.siteOverrides', 'Selector overrides')) {
      await siteOverridesItem.setValue({ ...(await siteOverridesItem.getValue()), ...settings.siteOverrides });
      report.applied.push(`Selector overrides saved for ${plural(Object.keys(settings.siteOverrides).length, 'site')}.`);
    }
    if (settings?.sites && settings.sites.length > 0) {
      report.todo.push(`Turn the copilot on for ${settings.sites.join(', ')} in Options → Sites (the browser asks you once per site).`);
    }
    if (settings?.provider) {
      report.provider = settings.provider;
      const saved = options.saveProvider && !skip('settings.provider', 'The model settings') ? await options.saveProvider(settings.provider) : null;
      if (saved?.ok) report.applied.push(`Model settings saved: ${describeProvider(settings.provider)}. Your own API key, if any, is kept.`);
      else {
        const why = saved ? ` (${saved.message.replace(/^Not saved\.\s*/, '')})` : '';
        report.todo.push(`Model settings in the file: ${describeProvider(settings.provider)}${why}. Enter them with your own API key in Options → Model.`);
      }
    }
    if (config.kb && config.kb.length > 0 && !skip('kb', 'The knowledge base')) {
      const label = `team config: ${source}`;
      const { written, error } = await upsertInBatches(db, new Map([[label, config.kb]]));
      report.kbEntries = written;
      if (error !== null) {
        report.error = `The knowledge base stopped after ${plural(written, 'entry', 'entries')} of ${config.kb.length} (${error instanceof Error ? error.message : String(error)}). The entries saved so far are kept; free some disk space and import the file again.`;
      } else report.applied.push(`${plural(written, 'knowledge-base entry', 'knowledge-base entries')} added or updated.`);
    }
    if (options.record !== false) {
      const { kb: _kb, ...rest } = config;
      await teamConfigItem.setValue({ config: rest, kbEntries: report.kbEntries, source, importedAt });
    }
  } catch (error) {
    report.error = `Saving stopped (${error instanceof Error ? error.message : String(error)}). What is listed as saved was saved; reload the page and import the file again.`;
  }
  return report;
}

/**
 * Bring the local items in step with managed storage: managed policies, masking and selector
 * overrides are written over the local ones, so every part of the extension that reads them obeys
 * the administrator. (The pilot is read from managed storage directly; a managed KB is added once
 * per change.) Call at worker start and when managed storage changes.
 */
export type ProviderSaver = (team: TeamProvider) => Promise<{ ok: boolean; message: string }>;

export async function syncManaged(now = new Date(), saveProvider?: ProviderSaver): Promise<{ managed: ManagedRead; report: ApplyReport | null }> {
  const managed = await readManagedStorage();
  if (managed.locked.length === 0) return { managed, report: null };
  const config = mergeTeamConfig(null, managed.config);
  // The pilot stays in managed storage; the KB only when it changed since the last sync.
  const { pilot: _pilot, kb, ...rest } = config;
  const kbKey = kb ? `${kb.length}:${stableUnit(JSON.stringify(kb))}` : '';
  const kbChanged = Boolean(kb && kb.length > 0 && (await managedKbKeyItem.getValue()) !== kbKey);
  // The record of the agent's own imported file stays as it is.
  const report = await applyTeamConfig({ ...rest, ...(kbChanged && kb ? { kb } : {}) }, 'managed policy', [], now, { record: false, ...(saveProvider ? { saveProvider } : {}) });
  if (kbChanged && report.error === null) await managedKbKeyItem.setValue(kbKey);
  return { managed, report };
}

/**
 * Apply managed storage now and whenever an administrator changes it. Call once, synchronously,
 * at worker start (the listener must be registered before the worker goes idle).
 */
export function wireManagedSync(saveProvider?: ProviderSaver): void {
  const run = () =>
    void syncManaged(new Date(), saveProvider).catch((error: unknown) => console.error('Ticket Copilot could not apply the managed configuration:', error));
  watchManagedStorage(run);
  run();
}

/** A fingerprint of the managed KB last added, so a worker restart does not re-import it. */
const managedKbKeyItem = storage.defineItem<string>('local:managedKbKey', { version: 1, fallback: '' });

/** The effective team config (imported + managed) and what is locked, for the options page. */
export async function effectiveTeamConfig(): Promise<{ config: TeamConfig; locked: string[]; managed: ManagedRead; stored: StoredTeamConfig | null }> {
  const managed = await readManagedStorage();
  const stored = await teamConfigItem.getValue();
  const imported: TeamConfig | null = stored ? { ...stored.config, version: 1 } : null;
  const storedPilot = await pilotItem.getValue();
  const base = imported ? { ...imported, ...(storedPilot ? { pilot: storedPilot.config } : {}) } : storedPilot ? { version: 1 as const, pilot: storedPilot.config } : null;
  return { config: mergeTeamConfig(base, managed.config), locked: managed.locked, managed, stored };
}
