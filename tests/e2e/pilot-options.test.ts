import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../scripts/extension-browser';

/**
 * Options → Pilot and team config in real Chromium with the built extension: import a pilot and
 * see this agent's cohort and variant; import another and see the variant change; a broken file
 * names its field; a team config loses its API key and sets the topic policies.
 */
let browser: ExtensionBrowser;

beforeAll(async () => {
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
});

const year = new Date().getUTCFullYear();

function pilot(id: string, variant: 'baseline' | 'challenger', extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Pilot ${id}`,
    startsAt: `${year - 1}-01-01`,
    endsAt: `${year + 1}-12-31`,
    variants: [
      { id: 'baseline', drafter: 'template' },
      { id: 'challenger', drafter: 'model', model: 'gpt-4o-mini', retrieval: { k: 8, hybrid: true } },
    ],
    cohorts: [{ id: 'everyone', agents: '*', allocation: { [variant]: 1 } }],
    shadow: false,
    unit: 'agent',
    ...extra,
  };
}

async function openOptions(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByTestId('pilot-status').waitFor();
  return page;
}

async function importJson(page: Page, name: string, value: unknown): Promise<void> {
  await page.getByTestId('pilot-file-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value), 'utf8') });
}

describe('pilot and team config on the options page', () => {
  it('shows the cohort and variant of an imported pilot, and follows a new one', async () => {
    const page = await openOptions();
    expect(await page.getByTestId('pilot-status').getAttribute('data-phase')).toBe('none');

    await importJson(page, 'pilot-a.json', pilot('pilot-a', 'challenger'));
    await expect.poll(() => page.getByTestId('pilot-variant').getAttribute('data-variant'), { timeout: 10_000 }).toBe('challenger');
    expect(await page.getByTestId('pilot-cohort').textContent()).toBe('everyone');
    expect(await page.getByTestId('pilot-status').getAttribute('data-phase')).toBe('running');
    expect(await page.getByTestId('pilot-message').textContent()).toContain('Pilot “Pilot pilot-a” imported');

    await importJson(page, 'pilot-b.json', pilot('pilot-b', 'baseline', { shadow: true }));
    await expect.poll(() => page.getByTestId('pilot-variant').getAttribute('data-variant'), { timeout: 10_000 }).toBe('baseline');
    expect(await page.getByTestId('pilot-shadow').textContent()).toContain('On');

    // A broken file changes nothing and names the field.
    const broken = pilot('pilot-c', 'baseline');
    broken.cohorts = [{ id: 'everyone', agents: '*', allocation: { ghost: 1 } }];
    await importJson(page, 'pilot-c.json', broken);
    await expect.poll(() => page.getByTestId('pilot-message').textContent(), { timeout: 10_000 }).toContain('cohorts[0].allocation.ghost');
    expect(await page.getByTestId('pilot-name').textContent()).toContain('pilot-b');

    await page.getByTestId('pilot-clear').click();
    await expect.poll(() => page.getByTestId('pilot-status').getAttribute('data-phase'), { timeout: 10_000 }).toBe('none');
    await page.close();
  });

  it('imports a team config without its API key and applies its policies', async () => {
    const page = await openOptions();
    await importJson(page, 'team.json', {
      version: 1,
      name: 'Fernhill support',
      settings: { provider: { preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: 'sk-proj-0123456789abcdefghijklmnop' } },
      policies: { version: 1, rules: [{ id: 'vip-review', mode: 'review', match: { tags: ['vip'] } }] },
      kb: [{ id: 'team-hours', title: 'Opening hours', body: 'We answer tickets Monday to Friday, 9:00 to 17:00 UK time.' }],
      pilot: pilot('team-pilot', 'challenger'),
    });
    const message = page.getByTestId('pilot-message');
    await expect.poll(() => message.textContent(), { timeout: 15_000 }).toContain('settings.provider.apiKey');
    expect(await message.textContent()).toContain('removed and not saved');
    const report = await page.getByTestId('pilot-apply-report').textContent();
    expect(report).toContain('1 policy rule saved');
    expect(report).toContain('1 knowledge-base entry added or updated');
    expect(report).toContain('Options → Model');
    await expect.poll(() => page.getByTestId('policy-editor').inputValue(), { timeout: 10_000 }).toContain('vip-review');
    expect(await page.getByTestId('pilot-variant').getAttribute('data-variant')).toBe('challenger');
    // Everything the extension stored locally: the key is nowhere in it.
    const stored: unknown = await page.evaluate('chrome.storage.local.get(null).then((all) => JSON.stringify(all))');
    expect(typeof stored).toBe('string');
    expect(stored).toContain('vip-review');
    expect(stored).not.toContain('sk-proj');
    await page.close();
  });
});
