import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, readEvents, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';

/**
 * A single-page helpdesk: the agent moves to another ticket without a page load (pushState and a
 * DOM swap). The copilot must notice within 500 ms, discard the old draft as `ticket-changed` and
 * draft for the new ticket.
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

async function draftReadAt(panel: import('playwright-core').Page, ticketKey: string): Promise<number | null> {
  return panel.evaluate(
    (key) =>
      new Promise<number | null>((resolve, reject) => {
        const open = indexedDB.open('ticket-copilot');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('drafts', 'readonly').objectStore('drafts').getAll();
          request.onsuccess = () => {
            const drafts: { ticketKey: string; readAt: number }[] = request.result;
            db.close();
            resolve(drafts.find((d) => d.ticketKey === key)?.readAt ?? null);
          };
        };
      }),
    ticketKey,
  );
}

describe('moving between tickets in a single-page helpdesk', () => {
  it('notices within 500 ms, discards the old draft and drafts for the new ticket', async () => {
    const page = await browser.context.newPage();
    const url = `${demo.url}app.html?ticket=1001`;
    await page.goto(url);
    const tabId = await tabIdOf(browser, url);
    const panel = await openPanel(browser, tabId);
    await expect.poll(() => panel.getByTestId('ticket-subject').textContent(), { timeout: 30_000 }).toBe('Parcel never arrived');
    await panel.getByTestId('draft-text').waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await readEvents(panel)).some((e) => e.type === 'shown'), { timeout: 5_000 }).toBe(true);

    const clickedAt = await page.evaluate(() => Date.now());
    await page.locator('a[data-spa-ticket="1002"]').first().click();
    await expect.poll(() => page.evaluate(() => window.location.search)).toBe('?ticket=1002');
    await expect.poll(() => panel.getByTestId('ticket-subject').textContent(), { timeout: 3_000 }).toContain("Can't log in");
    await panel.getByTestId('draft-text').waitFor({ timeout: 3_000 });

    const readAt = await draftReadAt(panel, 'tidydesk:1002');
    expect(readAt).not.toBeNull();
    expect((readAt ?? Infinity) - clickedAt).toBeLessThan(500);

    await expect
      .poll(async () => (await readEvents(panel)).filter((e) => e.type === 'discarded').map((e) => [e.ticketKey, e.payload.reason]))
      .toEqual([['tidydesk:1001', 'ticket-changed']]);
  });
});
