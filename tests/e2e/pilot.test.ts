import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, readEvents, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';

/**
 * A pilot as an agent meets it: importing a pilot config changes the variant in the side panel's
 * footer and on every event; in shadow mode no draft is shown, but the shadow draft is recorded and
 * so is its similarity to the reply the agent sends.
 */
let demo: DemoServer;
let browser: ExtensionBrowser;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0 });
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const year = new Date().getUTCFullYear();

function pilot(id: string, variant: string, shadow: boolean) {
  return {
    id,
    name: `Pilot ${id}`,
    startsAt: `${year - 1}-01-01`,
    endsAt: `${year + 1}-12-31`,
    variants: [
      { id: 'baseline', drafter: 'template' },
      { id: 'fewer-sources', drafter: 'template', retrieval: { k: 4, hybrid: false } },
    ],
    cohorts: [{ id: 'everyone', agents: '*', allocation: { [variant]: 1 } }],
    shadow,
    unit: 'agent',
  };
}

async function importPilot(config: unknown, variant: string): Promise<void> {
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.getByTestId('pilot-status').waitFor();
  await options.getByTestId('pilot-file-input').setInputFiles({ name: 'pilot.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(config), 'utf8') });
  const shown = options.getByTestId('pilot-variant');
  const deadline = Date.now() + 10_000;
  while ((await shown.getAttribute('data-variant').catch(() => null)) !== variant && Date.now() < deadline) await options.waitForTimeout(100);
  if ((await shown.getAttribute('data-variant')) !== variant) throw new Error(`The pilot was not imported: ${await options.getByTestId('pilot-message').textContent()}`);
  await options.close();
}

async function openTicket(id: string): Promise<{ page: Page; panel: Page }> {
  const page = await browser.context.newPage();
  const url = `${demo.url}tickets/${id}.html`;
  await page.goto(url);
  const panel = await openPanel(browser, await tabIdOf(browser, url));
  await panel.getByTestId('ticket-subject').waitFor({ timeout: 30_000 });
  return { page, panel };
}

describe('pilots in the side panel', () => {
  it('shows the imported variant in the footer and stamps it on every event', async () => {
    await importPilot(pilot('spring-pilot', 'fewer-sources', false), 'fewer-sources');
    const { panel } = await openTicket('1001');
    await panel.getByTestId('draft-text').waitFor({ timeout: 20_000 });
    const variant = panel.getByTestId('variant');
    await expect.poll(() => variant.textContent(), { timeout: 10_000 }).toBe('fewer-sources');
    expect(await variant.getAttribute('data-pilot')).toBe('spring-pilot');
    await panel.getByTestId('thumbs-up').click();
    await expect.poll(async () => (await readEvents(panel)).filter((e) => e.type === 'rated').length, { timeout: 10_000 }).toBeGreaterThan(0);
    const events = await readEvents(panel);
    const shown = events.filter((e) => e.type === 'shown');
    expect(shown.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ pilotId: 'spring-pilot', cohort: 'everyone', variant: 'fewer-sources' });
  });

  it('shadow mode: no draft is shown, the shadow draft and its similarity to the sent reply are recorded', async () => {
    await importPilot(pilot('shadow-pilot', 'baseline', true), 'baseline');
    const { page, panel } = await openTicket('1005');
    await panel.getByTestId('shadow-note').waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await readEvents(panel)).filter((e) => e.type === 'shadow' && e.pilotId === 'shadow-pilot').length, { timeout: 10_000 })
      .toBe(1);
    expect(await panel.getByTestId('draft-text').count()).toBe(0);
    expect(await panel.getByTestId('insert-draft').count()).toBe(0);
    expect(await panel.getByTestId('variant').textContent()).toBe('baseline');

    const editor = page.getByTestId('reply-editor');
    await editor.fill('Hi, you can change the delivery address in your account until the order ships. Best, Sam');
    await page.getByTestId('send-reply').click();
    await expect
      .poll(async () => (await readEvents(panel)).filter((e) => e.type === 'shadow' && typeof e.payload.similarity === 'number').length, { timeout: 10_000 })
      .toBe(1);
    const events = (await readEvents(panel)).filter((e) => e.pilotId === 'shadow-pilot');
    const similarity = Number(events.find((e) => e.type === 'shadow' && typeof e.payload.similarity === 'number')?.payload.similarity);
    expect(similarity).toBeGreaterThanOrEqual(0);
    expect(similarity).toBeLessThanOrEqual(1);
    expect(events.some((e) => e.type === 'shown' || e.type === 'sent')).toBe(false);
  });
});
