import { z } from 'zod';
import { OutputModeSchema, ProviderPresetSchema } from '../drafting/provider-settings';
import { detectSecrets } from '../guard/detectors/secret';
import { PolicyFileSchema, type PolicyFile } from '../guard/policy';
import { parseKbJsonl } from '../kb/jsonl';
import { KbDocSchema, type KbDoc } from '../kb/schema';
import { SiteOverridesSchema } from '../ticket/overrides-schema';
import { describeIssue, formatPath, PilotConfigSchema, type PilotConfig } from './config';

/**
 * The team config: one file a team lead hands to every agent (or an administrator deploys by
 * policy) with the team's settings, knowledge base, topic policies and pilot. It never carries an
 * API key: each agent enters their own, or a proxy in front of the model holds it.
 */

/** Personal-data types an agent may switch off (secrets cannot be). */
export const MASKABLE_TYPES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'ADDRESS', 'PERSON'] as const;

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The provider settings a team may share: everything but the key. */
export const TeamProviderSchema = z
  .object({
    preset: ProviderPresetSchema,
    baseUrl: z.string().trim().refine(isHttpUrl, 'Write the full address, starting with http:// or https://.'),
    model: z.string().trim().min(1, 'Name the model (for Azure: the deployment).'),
    apiVersion: z.string().trim().optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(16).max(32_000).optional(),
    timeoutMs: z.number().int().min(1_000).max(600_000).optional(),
    priceInPerMillion: z.number().min(0).optional(),
    priceOutPerMillion: z.number().min(0).optional(),
    draftMode: z.enum(['auto', 'on-request']).optional(),
    monthlyCapUsd: z.number().min(0).optional(),
    outputMode: OutputModeSchema.optional(),
  })
  .strict();
export type TeamProvider = z.infer<typeof TeamProviderSchema>;

export const TeamSettingsSchema = z
  .object({
    provider: TeamProviderSchema.optional(),
    /** Personal-data types not masked before a model sees the ticket. */
    disabledPiiTypes: z.array(z.enum(MASKABLE_TYPES, { message: `Use one of ${MASKABLE_TYPES.join(', ')}.` })).optional(),
    /** Selector overrides per helpdesk origin. */
    siteOverrides: SiteOverridesSchema.optional(),
    /** Helpdesk addresses the copilot should run on; each agent grants access once (the browser asks). */
    sites: z.array(z.string().trim().min(1).max(500)).max(100).optional(),
  })
  .strict();
export type TeamSettings = z.infer<typeof TeamSettingsSchema>;

export const TeamConfigSchema = z
  .object({
    version: z.literal(1, { message: 'This copilot reads team config version 1.' }).default(1),
    name: z.string().trim().max(200).optional(),
    settings: TeamSettingsSchema.optional(),
    /** Knowledge base entries: a list of KB documents, or KB JSON Lines as one string. */
    kb: z.union([z.array(KbDocSchema), z.string()], { message: 'kb must be a list of KB entries or KB JSON Lines text.' }).optional(),
    policies: PolicyFileSchema.optional(),
    pilot: PilotConfigSchema.optional(),
  })
  .strict();
export type TeamConfigInput = z.input<typeof TeamConfigSchema>;

/** A team config after validation, its KB read into documents. */
export interface TeamConfig {
  version: 1;
  name?: string;
  settings?: TeamSettings;
  kb?: KbDoc[];
  policies?: PolicyFile;
  pilot?: PilotConfig;
}

export const TEAM_SECTIONS = ['settings', 'kb', 'policies', 'pilot'] as const;
export type TeamSection = (typeof TEAM_SECTIONS)[number];

/** Field names that hold credentials, wherever they appear. */
const KEY_FIELD = /^(api[-_ ]?key|apikey|api[-_ ]?secret|api[-_ ]?token|secret(?:[-_ ]?key)?|client[-_ ]?secret|access[-_ ]?(?:key|token)|auth(?:orization)?(?:[-_ ]?(?:key|token|header))?|bearer|token|password|passwd|credentials?|private[-_ ]?key)$/i;

export interface StrippedKey {
  /** Where the key was, e.g. `settings.provider.apiKey`. */
  field: string;
}

/**
 * Remove anything that looks like a credential: fields named like one anywhere outside the
 * knowledge base, and secret-looking values inside `settings`. Returns a copy and what was removed.
 */
export function stripKeys(raw: unknown, at: (string | number)[] = []): { value: unknown; stripped: StrippedKey[] } {
  const stripped: StrippedKey[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        const here = [...path, key];
        // The KB and the policies are content: an article may well explain "password".
        if (here.length === 1 && (key === 'kb' || key === 'policies')) {
          out[key] = value;
          continue;
        }
        if (KEY_FIELD.test(key)) {
          // An empty key field is dropped quietly; a filled one is reported.
          if (value !== undefined && value !== null && value !== '') stripped.push({ field: formatPath(here) });
          continue;
        }
        out[key] = walk(value, here);
      }
      return out;
    }
    if (typeof node === 'string' && path[0] === 'settings' && looksLikeKey(node)) {
      stripped.push({ field: formatPath(path) });
      return undefined;
    }
    return node;
  };
  return { value: walk(raw, at), stripped };
}

/** A value that is a credential whatever its field is called: a known key prefix, or a long random string. */
function looksLikeKey(value: string): boolean {
  const v = value.trim();
  if (/^(sk-|sk_|rk-|pk_live_|AIza|xox[abpr]-|ghp_|gho_|github_pat_|glpat-|hf_)[A-Za-z0-9_-]{12,}/.test(v)) return true;
  if (/^Bearer\s+\S{12,}/i.test(v)) return true;
  return v.length >= 40 && !/\s/.test(v) && !/^https?:/i.test(v) && detectSecrets(`key: ${v}`).length > 0;
}

/** The sentence an agent reads when a key was removed from a team config. */
export function keyNotice(stripped: readonly StrippedKey[]): string | null {
  if (stripped.length === 0) return null;
  const fields = stripped.map((s) => s.field).join(', ');
  return `The team config carried an API key or other credential (${fields}); it was removed and not saved. Each agent enters their own key in Options → Model. Ask whoever made the file to take the key out and to replace it if it has been shared.`;
}

export type TeamConfigParse =
  | { ok: true; value: TeamConfig; notices: string[]; kbErrors: { line: number; message: string }[] }
  | { ok: false; message: string; field: string };

/** Validate a team config already parsed from JSON (keys are stripped first, never refused silently). */
export function validateTeamConfig(raw: unknown): TeamConfigParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, field: '', message: 'A team config is a JSON object with any of "settings", "kb", "policies" and "pilot". Fix the file and import it again.' };
  }
  const { value, stripped } = stripKeys(raw);
  const parsed = TeamConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const where = formatPath(issue.path);
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return {
        ok: false,
        field: where,
        message: `The team config was not loaded: ${where || 'the top level'} has unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}. Check the spelling against the documentation and import it again.`,
      };
    }
    return { ok: false, ...describeIssue(parsed.error, 'team config') };
  }
  const notices: string[] = [];
  const notice = keyNotice(stripped);
  if (notice) notices.push(notice);
  const data = parsed.data;
  let kb: KbDoc[] | undefined;
  let kbErrors: { line: number; message: string }[] = [];
  if (typeof data.kb === 'string') {
    const read = parseKbJsonl(data.kb);
    kb = read.docs;
    kbErrors = read.errors;
    if (read.errors.length > 0) notices.push(`${read.errors.length} line(s) of the knowledge base were skipped; the other ${read.docs.length} entries load.`);
  } else if (data.kb) kb = data.kb;
  const config: TeamConfig = {
    version: 1,
    ...(data.name ? { name: data.name } : {}),
    ...(data.settings ? { settings: data.settings } : {}),
    ...(kb ? { kb } : {}),
    ...(data.policies ? { policies: data.policies } : {}),
    ...(data.pilot ? { pilot: data.pilot } : {}),
  };
  return { ok: true, value: config, notices, kbErrors };
}

/** Parse a team config file. */
export function parseTeamConfig(text: string): TeamConfigParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, field: '', message: `The team config is not valid JSON (${error instanceof Error ? error.message : String(error)}). Fix the file and import it again.` };
  }
  return validateTeamConfig(raw);
}

/**
 * Whether a file is a pilot config or a team config (the options page takes either): a pilot has
 * `variants` and `cohorts` at the top level.
 */
export function looksLikePilotConfig(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'variants' in raw && 'cohorts' in raw;
}

// ---------------------------------------------------------------------------------------------
// Managed storage (an organisation deploys the extension by policy)
// ---------------------------------------------------------------------------------------------

/**
 * The managed keys (see public/managed_schema.json). Chrome's policy schema cannot express "a list
 * or *", so the pilot, policies and KB travel as JSON text; Firefox (no schema) may also give objects.
 */
export const MANAGED_KEYS = ['settings', 'policies', 'pilot', 'kb'] as const;

const MANAGED_FIX = 'Your administrator sets this by policy; until it is fixed, your own settings apply.';

/** Managed settings may lock single provider fields (a monthly cap, say) without the rest. */
export const ManagedSettingsSchema = TeamSettingsSchema.extend({ provider: TeamProviderSchema.partial().optional() });
export type ManagedSettings = z.infer<typeof ManagedSettingsSchema>;

export interface ManagedRead {
  /** The sections and settings an administrator set. */
  config: Partial<Omit<TeamConfig, 'version' | 'settings'>> & { settings?: ManagedSettings };
  /** What is locked, as field paths: `pilot`, `policies`, `kb`, `settings.provider.model` … */
  locked: string[];
  /** Managed values that could not be used, as sentences; those sections stay unlocked. */
  problems: string[];
  notices: string[];
}

function fromJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function leafPaths(value: unknown, prefix: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value);
  if (entries.length === 0) return [prefix];
  // Site overrides are one value per origin; deeper paths would only clutter the list.
  if (prefix.endsWith('siteOverrides')) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, `${prefix}.${k}`));
}

/**
 * Read what an administrator deployed in managed storage. Each section is checked on its own: a
 * broken one is reported (an administrator reads it in the options page) and does not lock anything.
 */
export function readManaged(raw: Readonly<Record<string, unknown>>): ManagedRead {
  const out: ManagedRead = { config: {}, locked: [], problems: [], notices: [] };
  if (raw.settings !== undefined) {
    const { value: settingsRaw, stripped } = stripKeys(fromJsonText(raw.settings), ['settings']);
    const notice = keyNotice(stripped);
    if (notice) out.notices.push(notice.replace('The team config', 'The managed (policy) configuration'));
    const parsed = ManagedSettingsSchema.safeParse(settingsRaw);
    if (parsed.success) {
      out.config.settings = parsed.data;
      out.locked.push(...leafPaths(parsed.data, 'settings'));
    } else out.problems.push(describeIssue(parsed.error, 'managed "settings" policy', ['settings'], MANAGED_FIX).message);
  }
  if (raw.policies !== undefined) {
    const parsed = PolicyFileSchema.safeParse(fromJsonText(raw.policies));
    if (parsed.success) {
      out.config.policies = parsed.data;
      out.locked.push('policies');
    } else out.problems.push(describeIssue(parsed.error, 'managed "policies" policy', ['policies'], MANAGED_FIX).message);
  }
  if (raw.pilot !== undefined) {
    const parsed = PilotConfigSchema.safeParse(fromJsonText(raw.pilot));
    if (parsed.success) {
      out.config.pilot = parsed.data;
      out.locked.push('pilot');
    } else out.problems.push(describeIssue(parsed.error, 'managed "pilot" policy', ['pilot'], MANAGED_FIX).message);
  }
  if (raw.kb !== undefined) {
    const kb = raw.kb;
    if (typeof kb === 'string') {
      const read = parseKbJsonl(kb);
      out.config.kb = read.docs;
      out.locked.push('kb');
      if (read.errors.length > 0) out.problems.push(`The managed "kb" policy has ${read.errors.length} line(s) that could not be read (first: line ${read.errors[0]?.line}, ${read.errors[0]?.message}); the other ${read.docs.length} entries load.`);
    } else {
      const parsed = z.array(KbDocSchema).safeParse(kb);
      if (parsed.success) {
        out.config.kb = parsed.data;
        out.locked.push('kb');
      } else out.problems.push(describeIssue(parsed.error, 'managed "kb" policy', ['kb'], MANAGED_FIX).message);
    }
  }
  return out;
}

/** Each locked field with its value as a short text, for the options page. */
export function describeLocked(managed: ManagedRead): { field: string; value: string }[] {
  const { config } = managed;
  return managed.locked.map((field) => {
    if (field === 'pilot') return { field, value: config.pilot ? `${config.pilot.name} (${config.pilot.id})` : '' };
    if (field === 'policies') return { field, value: `${config.policies?.rules.length ?? 0} rule(s)` };
    if (field === 'kb') return { field, value: `${config.kb?.length ?? 0} entries` };
    let node: unknown = config;
    for (const key of field.split('.')) node = typeof node === 'object' && node !== null ? Reflect.get(node, key) : undefined;
    const value = Array.isArray(node) ? node.join(', ') || '(none)' : typeof node === 'object' && node !== null ? `${Object.keys(node).length} site(s)` : String(node);
    return { field, value };
  });
}

/** Model settings fields locked by managed storage (`settings.provider.model` → `model`; a locked parent locks all). */
export function lockedProviderFields(locked: readonly string[]): string[] {
  if (locked.some((l) => l === 'settings' || l === 'settings.provider')) return Object.keys(TeamProviderSchema.shape);
  return locked.filter((l) => l.startsWith('settings.provider.')).map((l) => l.slice('settings.provider.'.length).split('.')[0] ?? '');
}

/** Whether a field path is locked by managed storage (a locked parent locks its children). */
export function isLocked(locked: readonly string[], field: string): boolean {
  return locked.some((l) => field === l || field.startsWith(`${l}.`) || l.startsWith(`${field}.`));
}

/**
 * The config in force: the imported team config with every managed value on top. Managed
 * settings win field by field; managed policies, pilot and KB replace the imported ones.
 */
export function mergeTeamConfig(imported: TeamConfig | null, managed: ManagedRead['config']): TeamConfig {
  const base: TeamConfig = imported ?? { version: 1 };
  const { provider: baseProvider, ...baseSettings } = base.settings ?? {};
  const { provider: managedProvider, ...managedSettings } = managed.settings ?? {};
  const settings: TeamSettings | undefined =
    base.settings || managed.settings
      ? {
          ...baseSettings,
          ...managedSettings,
          ...mergeProvider(baseProvider, managedProvider),
          ...(base.settings?.siteOverrides || managed.settings?.siteOverrides
            ? { siteOverrides: { ...base.settings?.siteOverrides, ...managed.settings?.siteOverrides } }
            : {}),
        }
      : undefined;
  const policies = managed.policies ?? base.policies;
  const pilot = managed.pilot ?? base.pilot;
  const kb = managed.kb ?? base.kb;
  return {
    version: 1,
    ...(base.name ? { name: base.name } : {}),
    ...(settings ? { settings } : {}),
    ...(kb ? { kb } : {}),
    ...(policies ? { policies } : {}),
    ...(pilot ? { pilot } : {}),
  };
}

/** Managed provider fields win one by one; absent on both sides, nothing. */
function mergeProvider(base: TeamProvider | undefined, managed: Partial<TeamProvider> | undefined): { provider?: TeamProvider } {
  if (base && managed) return { provider: { ...base, ...managed } };
  if (base) return { provider: base };
  // Managed fields alone make a provider only when they name one completely.
  const whole = TeamProviderSchema.safeParse(managed);
  return whole.success ? { provider: whole.data } : {};
}

/** A one-line description of what a team config's provider settings would set (for the agent to apply). */
export function describeProvider(provider: TeamProvider): string {
  const parts = [`${provider.preset} at ${provider.baseUrl}`, `model ${provider.model}`];
  if (provider.draftMode) parts.push(`drafts ${provider.draftMode === 'auto' ? 'automatically' : 'on request'}`);
  if (provider.monthlyCapUsd !== undefined) parts.push(`monthly cap $${provider.monthlyCapUsd}`);
  if (provider.priceInPerMillion !== undefined || provider.priceOutPerMillion !== undefined) {
    parts.push(`prices $${provider.priceInPerMillion ?? 0} / $${provider.priceOutPerMillion ?? 0} per million tokens in / out`);
  }
  return parts.join(', ');
}
