import { describe, expect, it } from 'vitest';
import { HOSTED_HELPDESKS, LOOPBACK_ORIGINS, SiteAddressError, helpdeskOrigins, sitePattern } from '../../lib/sites/hosted';
import {
  CONTENT_SCRIPT_FILE,
  HELPDESK_SCRIPT_ID,
  SiteAccess,
  type PermissionsApi,
  type RegisteredScript,
  type ScriptingApi,
} from '../../lib/sites/site-access';

/** An in-memory stand-in of the browser's permissions API: a prompt the test answers. */
class FakePermissions implements PermissionsApi {
  granted = new Set<string>(LOOPBACK_ORIGINS);
  answer: 'allow' | 'deny' = 'allow';
  prompts = 0;
  async contains(p: { origins: string[] }) {
    return p.origins.every((o) => this.granted.has(o));
  }
  async request(p: { origins: string[] }) {
    this.prompts += 1;
    if (this.answer === 'deny') return false;
    for (const o of p.origins) this.granted.add(o);
    return true;
  }
  async remove(p: { origins: string[] }) {
    for (const o of p.origins) this.granted.delete(o);
    return true;
  }
  async getAll() {
    return { origins: [...this.granted] };
  }
}

/** An in-memory stand-in of `scripting`, strict like the browser: a duplicate id throws. */
class FakeScripting implements ScriptingApi {
  scripts = new Map<string, RegisteredScript>();
  calls: string[] = [];
  async getRegisteredContentScripts(filter?: { ids?: string[] }) {
    return [...this.scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id));
  }
  async registerContentScripts(scripts: RegisteredScript[]) {
    this.calls.push('register');
    for (const s of scripts) {
      if (this.scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
      this.scripts.set(s.id, structuredClone(s));
    }
  }
  async updateContentScripts(scripts: RegisteredScript[]) {
    this.calls.push('update');
    for (const s of scripts) {
      if (!this.scripts.has(s.id)) throw new Error(`No script with ID '${s.id}'`);
      this.scripts.set(s.id, structuredClone(s));
    }
  }
  async unregisterContentScripts(filter?: { ids?: string[] }) {
    this.calls.push('unregister');
    for (const id of filter?.ids ?? [...this.scripts.keys()]) this.scripts.delete(id);
  }
}

function setup() {
  const permissions = new FakePermissions();
  const scripting = new FakeScripting();
  return { permissions, scripting, access: new SiteAccess(permissions, scripting) };
}

const zendesk = HOSTED_HELPDESKS.find((h) => h.id === 'zendesk')?.origins ?? [];

describe('enabling helpdesk sites', () => {
  it('grant: asks once, then runs the content script on exactly the granted site', async () => {
    const { permissions, scripting, access } = setup();
    const result = await access.enable(zendesk);
    expect(result).toEqual({ ok: true, alreadyGranted: false, origins: zendesk });
    expect(permissions.prompts).toBe(1);
    const script = scripting.scripts.get(HELPDESK_SCRIPT_ID);
    expect(script?.matches).toEqual(zendesk);
    expect(script?.js).toEqual([CONTENT_SCRIPT_FILE]);
    expect(script?.persistAcrossSessions).toBe(true);
  });

  it('checks permissions.contains first and does not prompt again for a site already granted', async () => {
    const { permissions, access } = setup();
    await access.enable(zendesk);
    const again = await access.enable(zendesk);
    expect(again).toMatchObject({ ok: true, alreadyGranted: true });
    expect(permissions.prompts).toBe(1);
  });

  it('deny: registers nothing and says what to do', async () => {
    const { permissions, scripting, access } = setup();
    permissions.answer = 'deny';
    const result = await access.enable(['https://support.acme.test/*']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/not granted.*Allow/);
    expect(scripting.scripts.size).toBe(0);
  });

  it('a second site updates the one registration instead of registering a duplicate', async () => {
    const { scripting, access } = setup();
    await access.enable(zendesk);
    await access.enable(['https://support.acme.test/*']);
    expect(scripting.scripts.size).toBe(1);
    expect(scripting.scripts.get(HELPDESK_SCRIPT_ID)?.matches).toEqual(['https://*.zendesk.com/*', 'https://support.acme.test/*']);
    expect(scripting.calls).toEqual(['register', 'update']);
  });

  it('remove: the removed site leaves the registration; the last one unregisters it', async () => {
    const { scripting, access } = setup();
    await access.enable(zendesk);
    await access.enable(['https://support.acme.test/*']);
    await access.disable(zendesk);
    expect(scripting.scripts.get(HELPDESK_SCRIPT_ID)?.matches).toEqual(['https://support.acme.test/*']);
    await access.disable(['https://support.acme.test/*']);
    expect(scripting.scripts.has(HELPDESK_SCRIPT_ID)).toBe(false);
  });

  it('a permission removed in the browser settings is followed on the next reconcile (permissions.onRemoved)', async () => {
    const { permissions, scripting, access } = setup();
    await access.enable(zendesk);
    permissions.granted.clear();
    await access.reconcile();
    expect(scripting.scripts.size).toBe(0);
  });

  it('reconcile after a worker restart keeps the existing registration and never throws on the duplicate id', async () => {
    const { permissions, scripting, access } = setup();
    await access.enable(zendesk);
    // A new worker: new SiteAccess over the same browser state.
    const restarted = new SiteAccess(permissions, scripting);
    await expect(restarted.reconcile()).resolves.toEqual(zendesk);
    await expect(restarted.reconcile()).resolves.toEqual(zendesk);
    expect(scripting.calls).toEqual(['register']);
  });

  it('reconcile after a restart registers a site granted while the worker was stopped', async () => {
    const { permissions, scripting } = setup();
    permissions.granted.add('https://help.acme.test/*');
    await new SiteAccess(permissions, scripting).reconcile();
    expect(scripting.scripts.get(HELPDESK_SCRIPT_ID)?.matches).toEqual(['https://help.acme.test/*']);
  });

  it('concurrent reconciles register once', async () => {
    const { permissions, scripting, access } = setup();
    permissions.granted.add('https://help.acme.test/*');
    await Promise.all([access.reconcile(), access.reconcile(), access.reconcile()]);
    expect(scripting.calls).toEqual(['register']);
  });

  it('loopback is never registered at run time: the manifest covers it', async () => {
    const { scripting, access } = setup();
    await access.reconcile();
    expect(scripting.scripts.size).toBe(0);
  });
});

describe('site addresses', () => {
  it.each([
    ['https://support.acme.com/tickets/1', 'https://support.acme.com/*'],
    ['support.acme.com', 'https://support.acme.com/*'],
    ['http://helpdesk.local:8080/#ticket/zoom/4', 'http://helpdesk.local/*'],
    ['  https://Help.Example.org  ', 'https://help.example.org/*'],
  ])('%s → %s', (input, pattern) => {
    expect(sitePattern(input)).toBe(pattern);
  });

  it.each(['', 'ftp://files.acme.com', 'https://*.acme.com', 'not a url at all'])('refuses %j with a message', (input) => {
    expect(() => sitePattern(input)).toThrow(SiteAddressError);
  });

  it('lists enabled helpdesk sites without loopback and catch-alls', () => {
    expect(helpdeskOrigins([...LOOPBACK_ORIGINS, 'https://*/*', 'https://b.test/*', 'https://a.test/*', 'https://a.test/*'])).toEqual([
      'https://a.test/*',
      'https://b.test/*',
    ]);
  });
});

describe('enabling from a click', () => {
  it('with knownGranted=false the prompt is the first call (no await before it)', async () => {
    const { permissions, access } = setup();
    let containsCalls = 0;
    const original = permissions.contains.bind(permissions);
    permissions.contains = async (p) => {
      containsCalls += 1;
      return original(p);
    };
    const result = await access.enable(zendesk, false);
    expect(result.ok).toBe(true);
    expect(containsCalls).toBe(0);
    expect(permissions.prompts).toBe(1);
  });

  it('with knownGranted=true it only reconciles', async () => {
    const { permissions, scripting, access } = setup();
    permissions.granted.add('https://help.acme.test/*');
    await access.enable(['https://help.acme.test/*'], true);
    expect(permissions.prompts).toBe(0);
    expect(scripting.scripts.get(HELPDESK_SCRIPT_ID)?.matches).toEqual(['https://help.acme.test/*']);
  });
});
