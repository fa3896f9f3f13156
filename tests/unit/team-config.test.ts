import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_POLICY } from '../../lib/guard/policy';
import { kbStats } from '../../lib/kb/store';
import { agentItem } from '../../lib/platform/agent';
import { db } from '../../lib/platform/database';
import { disabledPiiItem, policyItem } from '../../lib/platform/guard-settings';
import { getProviderSettings, providerItem } from '../../lib/platform/provider-store';
import { saveTeamProvider } from '../../lib/platform/provider-messages';
import { ProviderSettingsSchema } from '../../lib/drafting/provider-settings';
import { applyTeamConfig, currentAssignment, effectiveTeamConfig, getPilot, pilotItem, readManagedStorage, syncManaged } from '../../lib/platform/pilot-store';
import type { PilotConfig } from '../../lib/pilot/config';
import { describeLocked, isLocked, lockedProviderFields, mergeTeamConfig, parseTeamConfig, readManaged, stripKeys, validateTeamConfig } from '../../lib/pilot/team-config';

const PILOT: PilotConfig = {
  id: 'p1',
  name: 'Shadow first',
  startsAt: '2026-01-01',
  endsAt: '2026-12-31',
  variants: [
    { id: 'baseline', drafter: 'template' },
    { id: 'challenger', drafter: 'model', model: 'gpt-4o-mini' },
  ],
  cohorts: [{ id: 'all', agents: '*', allocation: { baseline: 1, challenger: 1 } }],
  shadow: true,
  unit: 'agent',
};
const NOW = new Date('2026-06-01T10:00:00Z');

const TEAM = {
  version: 1,
  name: 'Fernhill support',
  settings: {
    provider: { preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789', draftMode: 'on-request' },
    disabledPiiTypes: ['PERSON'],
  },
  kb: '{"id":"team-1","title":"Opening hours","body":"We answer Monday to Friday, 9 to 5."}\nnot json\n{"id":"team-2","title":"Phone line","body":"Call us on weekdays."}',
  policies: { version: 1, rules: [{ id: 'vip', mode: 'review', match: { tags: ['vip'] } }] },
  pilot: PILOT,
};

describe('team config file', () => {
  it('strips the API key with a message and loads the rest', () => {
    const result = validateTeamConfig(structuredClone(TEAM));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.value)).not.toContain('sk-proj');
    expect(result.value.settings?.provider?.model).toBe('gpt-4o-mini');
    expect(result.notices[0]).toContain('settings.provider.apiKey');
    expect(result.notices[0]).toMatch(/removed and not saved/);
    expect(result.value.kb?.map((d) => d.id)).toEqual(['team-1', 'team-2']);
    expect(result.kbErrors).toEqual([{ line: 2, message: 'This line is not valid JSON.' }]);
  });

  it('strips a key hidden under another name, but not KB text about passwords', () => {
    const { value, stripped } = stripKeys({
      settings: { provider: { note: 'sk-live-1234567890abcdefghijkl' }, headers: { Authorization: 'Bearer abc' } },
      kb: [{ id: 'a', title: 'Password', body: 'password: reset it in Account' }],
    });
    expect(stripped.map((s) => s.field).sort()).toEqual(['settings.headers.Authorization', 'settings.provider.note']);
    expect(JSON.stringify(value)).toContain('password: reset it');
  });

  it('names the field of a nested problem', () => {
    const bad = structuredClone(TEAM);
    bad.pilot = { ...PILOT, cohorts: [{ id: 'all', agents: '*', allocation: { ghost: 1 } }] };
    const result = validateTeamConfig(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe('pilot.cohorts[0].allocation.ghost');
      expect(result.message).toContain('no variant "ghost"');
    }
    const typo = parseTeamConfig(JSON.stringify({ setings: {} }));
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.message).toContain('"setings"');
    expect(parseTeamConfig('[1,2]').ok).toBe(false);
  });
});

describe('managed storage', () => {
  it('reads JSON-text and object values, locks what it set and reports broken sections', () => {
    const read = readManaged({
      settings: { disabledPiiTypes: ['IP'], provider: { preset: 'ollama', baseUrl: 'http://localhost:11434/v1', model: 'llama3.1', apiKey: 'x-should-go' } },
      pilot: JSON.stringify(PILOT),
      policies: '{"version": 2}',
    });
    expect(read.config.pilot?.id).toBe('p1');
    expect(read.config.policies).toBeUndefined();
    expect(read.problems[0]).toContain('policies.version');
    expect(read.notices[0]).toContain('settings.provider.apiKey');
    expect(read.locked).toContain('pilot');
    expect(read.locked).toContain('settings.provider.model');
    expect(isLocked(read.locked, 'settings.disabledPiiTypes')).toBe(true);
    expect(isLocked(read.locked, 'settings')).toBe(true);
    expect(isLocked(read.locked, 'policies')).toBe(false);
    expect(describeLocked(read)).toEqual(
      expect.arrayContaining([
        { field: 'pilot', value: 'Shadow first (p1)' },
        { field: 'settings.disabledPiiTypes', value: 'IP' },
        { field: 'settings.provider.model', value: 'llama3.1' },
      ]),
    );
  });

  it('drops an empty key field without a notice', () => {
    const result = validateTeamConfig({ settings: { provider: { preset: 'ollama', baseUrl: 'http://localhost:11434/v1', model: 'llama3.1', apiKey: '' } } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.notices).toEqual([]);
  });

  it('lets managed values win over the imported file', () => {
    const imported = validateTeamConfig(structuredClone(TEAM));
    if (!imported.ok) throw new Error(imported.message);
    const managed = readManaged({ settings: { provider: { preset: 'openai', baseUrl: 'https://proxy.example.com/v1', model: 'gpt-4.1' } } });
    const merged = mergeTeamConfig(imported.value, managed.config);
    expect(merged.settings?.provider?.baseUrl).toBe('https://proxy.example.com/v1');
    expect(merged.settings?.provider?.draftMode).toBe('on-request');
    expect(merged.settings?.disabledPiiTypes).toEqual(['PERSON']);
    expect(merged.pilot?.id).toBe('p1');

    // An administrator may lock one provider field alone.
    const capOnly = readManaged({ settings: { provider: { monthlyCapUsd: 50 } } });
    expect(capOnly.problems).toEqual([]);
    expect(capOnly.locked).toEqual(['settings.provider.monthlyCapUsd']);
    expect(mergeTeamConfig(imported.value, capOnly.config).settings?.provider).toMatchObject({ model: 'gpt-4o-mini', monthlyCapUsd: 50 });
    expect(mergeTeamConfig(null, capOnly.config).settings?.provider).toBeUndefined();
  });
});

describe('locked model fields', () => {
  it('maps managed paths to the Model form fields; a locked parent locks them all', () => {
    expect(lockedProviderFields(['settings.provider.model', 'settings.provider.monthlyCapUsd', 'policies'])).toEqual(['model', 'monthlyCapUsd']);
    expect(lockedProviderFields(['settings.provider'])).toEqual(['preset', 'baseUrl', 'model', 'apiVersion', 'temperature', 'maxTokens', 'timeoutMs', 'priceInPerMillion', 'priceOutPerMillion', 'draftMode', 'monthlyCapUsd', 'outputMode']);
    expect(lockedProviderFields(['pilot'])).toEqual([]);
  });
});

describe('pilot store', () => {
  beforeEach(async () => {
    await db.kbDocs.clear();
    await db.kbChunks.clear();
    await db.meta.clear();
  });

  it('applies a team config to the existing storage items and reports the provider', async () => {
    const parsed = validateTeamConfig(structuredClone(TEAM));
    if (!parsed.ok) throw new Error(parsed.message);
    const report = await applyTeamConfig(parsed.value, 'team.json', [], NOW);
    expect(report.error).toBeNull();
    expect(await disabledPiiItem.getValue()).toEqual(['PERSON']);
    expect((await policyItem.getValue()).rules.map((r) => r.id)).toEqual(['vip']);
    expect((await pilotItem.getValue())?.config.id).toBe('p1');
    expect(report.kbEntries).toBe(2);
    expect((await kbStats(db)).sources['team config: team.json']).toBe(2);
    expect(report.provider?.model).toBe('gpt-4o-mini');
    expect(report.todo.join(' ')).toContain('Options → Model');
  });

  it('gives the managed pilot precedence and never applies a locked section from a file', async () => {
    await fakeBrowser.storage.managed.set({ pilot: JSON.stringify({ ...PILOT, id: 'managed-pilot' }), policies: JSON.stringify(DEFAULT_POLICY) });
    const managed = await readManagedStorage();
    const parsed = validateTeamConfig(structuredClone(TEAM));
    if (!parsed.ok) throw new Error(parsed.message);
    const report = await applyTeamConfig(parsed.value, 'team.json', managed.locked, NOW);
    expect(report.todo.join(' ')).toMatch(/pilot is set by your organisation/);
    expect(await pilotItem.getValue()).toBeNull();
    expect((await getPilot(NOW))?.source).toBe('managed');
    expect((await getPilot(NOW))?.config.id).toBe('managed-pilot');
    await syncManaged(NOW);
    expect((await policyItem.getValue()).rules.map((r) => r.id)).toEqual(DEFAULT_POLICY.rules.map((r) => r.id));
    const effective = await effectiveTeamConfig();
    expect(effective.locked).toEqual(expect.arrayContaining(['pilot', 'policies']));
  });

  it('gives the service the assignment and the shadow flag, and nothing outside the dates', async () => {
    await agentItem.setValue({ agentId: 'ana', displayName: 'Ana' });
    expect(await currentAssignment({ agentId: 'ana', now: NOW })).toBeNull();
    await pilotItem.setValue({ config: PILOT, source: 'pilot.json', importedAt: NOW.toISOString() });
    const current = await currentAssignment({ agentId: 'ana', now: NOW });
    expect(current?.assignment.pilotId).toBe('p1');
    expect(['baseline', 'challenger']).toContain(current?.variant.id);
    expect(current?.shadow).toBe(true);
    expect(await currentAssignment({ agentId: 'ana', now: new Date('2027-01-01T00:00:00Z') })).toBeNull();
  });

  it('saves the team model settings through the background handler, keeping the agent key', async () => {
    await providerItem.setValue(null);
    const parsed = validateTeamConfig(structuredClone(TEAM));
    if (!parsed.ok) throw new Error(parsed.message);
    // No key stored yet: OpenAI needs one, so nothing is saved and the report says what to do.
    const first = await applyTeamConfig(parsed.value, 'team.json', [], NOW, { saveProvider: saveTeamProvider });
    expect(await getProviderSettings()).toBeNull();
    expect(first.todo.join(' ')).toMatch(/OpenAI needs an API key.*Options → Model/);
    // With the agent's own key stored, the file's fields are saved and the key stays.
    await providerItem.setValue(ProviderSettingsSchema.parse({ preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'old-model', apiKey: 'sk-agent-own-key' }));
    const second = await applyTeamConfig(parsed.value, 'team.json', [], NOW, { saveProvider: saveTeamProvider });
    expect(second.applied.join(' ')).toContain('Model settings saved');
    expect(await getProviderSettings()).toMatchObject({ model: 'gpt-4o-mini', draftMode: 'on-request', apiKey: 'sk-agent-own-key' });
    // A managed lock on the provider keeps the file's values out.
    await providerItem.setValue(null);
    const locked = await applyTeamConfig(parsed.value, 'team.json', ['settings.provider.model'], NOW, { saveProvider: saveTeamProvider });
    expect(await getProviderSettings()).toBeNull();
    expect(locked.todo.join(' ')).toMatch(/model settings is set by your organisation/i);
  });
});
