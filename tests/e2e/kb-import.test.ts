import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';

/**
 * Options → Knowledge base in real Chromium with the built extension: import files a team has
 * (a Markdown article and a CSV of canned responses on a topic the sample KB does not cover), then
 * open a ticket on that topic and find the imported article among the draft's cited sources.
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

const ARTICLE_TITLE = 'Engraving a gift message on a chopping board';

const ARTICLE_MD = `---
tags: [engraving, gifts, chopping-board]
---
# ${ARTICLE_TITLE}

Every oak and walnut chopping board we sell can carry an engraved gift message. We engrave the message on the back of the board with a laser, so the cutting side stays smooth and food-safe.

## How long the message can be

A gift message can have up to 40 characters, spaces included, on one or two lines. Letters, numbers and the symbols & . , ! ? - ' and ♥ can be engraved; emoji cannot. Choose serif, script or block capitals at checkout.

## How long engraving takes

Engraving adds two working days before dispatch. We check every message by hand before the laser runs and email you a proof if anything looks unusual.

## Changing or cancelling the engraving

You can change the gift message until the order is dispatched: reply to your order confirmation. Engraved boards are personalised, so they cannot be returned unless they arrive faulty.
`;

const MACROS_CSV = [
  'Title,Body,Tags',
  `"Engraving – gift message too long","Hi {{ticket.requester.first_name}},

Thanks for your order! Our engraving fits up to 40 characters, spaces included, on the back of the chopping board. Could you send a shorter gift message, and we'll engrave it straight away?

Best wishes,
{{agent.name}}","engraving, gifts"`,
  `Engraving – how long it takes,"Hi {{ticket.requester.first_name}}, engraving a gift message adds two working days before we dispatch your chopping board.",engraving;delivery`,
].join('\r\n');

async function openOptions(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  // The background installs the bundled sample KB on start-up: version 1 and up.
  await expect.poll(async () => Number(await page.getByTestId('kb-version').textContent()), { timeout: 30_000 }).toBeGreaterThan(0);
  return page;
}

describe('importing a knowledge base on the options page', () => {
  it('imports Markdown and CSV files, and the next draft cites the imported article', async () => {
    const options = await openOptions();
    const versionBefore = Number(await options.getByTestId('kb-version').textContent());

    await options.getByTestId('kb-file-input').setInputFiles([
      { name: 'engraving-gift-messages.md', mimeType: 'text/markdown', buffer: Buffer.from(ARTICLE_MD, 'utf8') },
      { name: 'engraving-macros.csv', mimeType: 'text/csv', buffer: Buffer.from(MACROS_CSV, 'utf8') },
    ]);
    const summary = options.getByTestId('kb-import-summary');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.textContent()).toContain('Imported 3 entries from 2 files.');
    expect(await options.getByTestId('kb-import-errors').count()).toBe(0);
    const progress = options.getByTestId('kb-progress');
    expect(await progress.getAttribute('value')).toBe('100');
    expect(await progress.getAttribute('max')).toBe('100');
    await expect.poll(async () => Number(await options.getByTestId('kb-version').textContent())).toBeGreaterThan(versionBefore);

    // The list finds the new entries by search.
    await options.getByTestId('kb-search').fill('ENGRAV');
    await expect.poll(() => options.getByTestId('kb-entry').count()).toBe(3);
    const rows = await options.getByTestId('kb-entry').allTextContents();
    expect(rows.some((r) => r.includes(ARTICLE_TITLE) && r.includes('article') && r.includes('engraving-gift-messages'))).toBe(true);
    expect(rows.filter((r) => r.includes('canned response'))).toHaveLength(2);

    // A ticket about engraving: the draft cites the imported article.
    const ticket = await browser.context.newPage();
    const url = `${demo.url}tickets/1012.html`;
    await ticket.goto(url);
    const tabId = await tabIdOf(browser, url);
    const panel = await openPanel(browser, tabId);
    await expect.poll(() => panel.getByTestId('ticket-subject').textContent(), { timeout: 30_000 }).toBe('Engraving a message on a chopping board');
    await panel.getByTestId('draft-text').waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.getByTestId('source').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const sources = await panel.getByTestId('source').allTextContents();
    expect(sources.some((s) => s.includes(ARTICLE_TITLE))).toBe(true);
    expect(await panel.getByTestId('citation').count()).toBeGreaterThan(0);
    expect((await panel.getByTestId('draft-text').textContent()) ?? '').toMatch(/\[\d+\]/);
  });

  it('reports a broken CSV row with its line, imports the other rows, and deletes an entry after confirming', async () => {
    const options = await openOptions();
    const csv = ['title,body,tags', 'Gift wrap – paper,We wrap in recycled kraft paper.,gifts', ',A row without a title,gifts', 'Gift wrap – ribbon,Linen ribbon is free with every gift.,gifts'].join('\n');
    await options.getByTestId('kb-file-input').setInputFiles([{ name: 'broken-macros.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') }]);
    await options.getByTestId('kb-import-summary').waitFor({ timeout: 20_000 });
    expect(await options.getByTestId('kb-import-summary').textContent()).toContain('Imported 2 entries from 1 file.');
    const errors = await options.getByTestId('kb-import-errors').locator('li').allTextContents();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^broken-macros\.csv:3 — This row has no title, so it was skipped\./);

    await options.getByTestId('kb-search').fill('gift wrap');
    await expect.poll(() => options.getByTestId('kb-entry').count()).toBe(2);

    const version = Number(await options.getByTestId('kb-version').textContent());
    const row = options.getByTestId('kb-entry').filter({ hasText: 'Gift wrap – ribbon' });
    await row.getByTestId('kb-delete').click();
    // Nothing is deleted before the confirmation.
    expect(await options.getByTestId('kb-entry').count()).toBe(2);
    await row.getByTestId('kb-delete-confirm').click();
    await expect.poll(() => options.getByTestId('kb-entry').count()).toBe(1);
    expect(await options.getByTestId('kb-entry').textContent()).toContain('Gift wrap – paper');
    await expect.poll(async () => Number(await options.getByTestId('kb-version').textContent())).toBe(version + 1);
    expect(await options.getByTestId('kb-message').textContent()).toContain('Deleted “Gift wrap – ribbon”');
  });

  it('imports a web page by its address through the background', async () => {
    const options = await openOptions();
    const pageUrl = `${demo.url}about.html`;
    await options.getByTestId('kb-url').fill(pageUrl);
    // Loopback is granted at install, so no prompt is needed.
    await expect.poll(() => options.getByTestId('kb-url-access').getAttribute('data-granted')).toBe('true');
    await options.getByTestId('kb-url-import').click();
    await options.getByTestId('kb-import-summary').waitFor({ timeout: 20_000 });
    expect(await options.getByTestId('kb-import-summary').textContent()).toContain('Imported 1 entry from 1 file.');
    await options.getByTestId('kb-search').fill('About Fernhill');
    await expect.poll(() => options.getByTestId('kb-entry').count()).toBe(1);
    const row = options.getByTestId('kb-entry');
    expect(await row.textContent()).toContain('web-127-0-0-1-about-html');
    expect(await row.locator('a').getAttribute('href')).toBe(pageUrl);
  });
});
