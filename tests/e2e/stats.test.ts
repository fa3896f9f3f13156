import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopilotEventSchema } from '../../lib/feedback/events';
import { computeStats } from '../../lib/feedback/stats';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { insertDraft, launchWithExtension, openPanel, readEvents, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';

/**
 * Options → Stats in real Chromium with the built extension: an agent works two tickets (one
 * draft abandoned by moving on, one inserted, edited, sent and rated 👎); the stats page shows
 * those numbers; the NDJSON export downloads, and imported into a fresh profile it gives the very
 * same numbers (and importing it again only counts duplicates).
 */
let demo: DemoServer;
let first: ExtensionBrowser | null = null;
let second: ExtensionBrowser | null = null;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0 });
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  await demo?.close();
});

const NUMBER_IDS = [
  'stats-acceptance',
  'stats-ticket-acceptance',
  'stats-as-is',
  'stats-override',
  'stats-ignored',
  'stats-abandoned',
  'stats-thumbs-up',
  'stats-cache-hit',
];

/** Every number on the stats page, as its data attributes. */
async function numbers(options: Page): Promise<Record<string, Record<string, string | null>>> {
  const out: Record<string, Record<string, string | null>> = {};
  for (const id of [...NUMBER_IDS, 'stats-latency', 'stats-cost', 'stats-tokens', 'stats-shown']) {
    out[id] = await options.getByTestId(id).evaluate((el) => Object.fromEntries([...el.attributes].filter((a) => a.name.startsWith('data-') && a.name !== 'data-testid').map((a) => [a.name, a.value])));
  }
  out.reasons = { text: await options.getByTestId('stats-chart-reasons').locator('table').textContent() };
  return out;
}

async function openOptions(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByTestId('stats-acceptance').waitFor({ timeout: 30_000 });
  return page;
}

describe('stats, export and import', () => {
  it('shows an agent’s numbers, exports them as NDJSON, and a fresh profile importing the file shows the same numbers', async () => {
    first = await launchWithExtension();
    const ticket = await first.context.newPage();
    const startUrl = `${demo.url}tickets/1002.html`;
    await ticket.goto(startUrl);
    const panel = await openPanel(first, await tabIdOf(first, startUrl));
    await expect.poll(() => panel.getByTestId('kb-status').textContent(), { timeout: 30_000 }).toMatch(/\d+ KB entries/);
    await panel.getByTestId('draft-text').waitFor({ timeout: 15_000 });

    // Move on to another ticket (the first draft is abandoned), use its draft, edit, send, rate 👎.
    await ticket.goto(`${demo.url}tickets/1001.html`);
    await expect.poll(() => panel.getByTestId('ticket-subject').textContent(), { timeout: 10_000 }).toBe('Parcel never arrived');
    await panel.getByTestId('draft-text').waitFor({ timeout: 10_000 });
    await insertDraft(panel);
    const editor = ticket.getByTestId('reply-editor');
    await expect.poll(() => editor.inputValue()).not.toBe('');
    await editor.press('Control+End');
    await ticket.keyboard.type('\n\nP.S. Our courier team will call you tomorrow.');
    await ticket.getByTestId('send-reply').click();
    await expect.poll(async () => (await readEvents(panel)).filter((e) => e.type === 'sent').length, { timeout: 10_000 }).toBe(1);
    await panel.getByTestId('thumbs-down').click();
    await panel.getByTestId('reason-wrong-facts').click();
    await expect.poll(async () => (await readEvents(panel)).some((e) => e.type === 'rated'), { timeout: 10_000 }).toBe(true);

    const events = (await readEvents(panel)).map((e) => CopilotEventSchema.parse(e));
    const expected = computeStats(events);
    expect(expected.shownDrafts).toBe(2);
    expect(expected.acceptanceRate.numerator).toBe(1);

    // The stats page shows them: acceptance 1 of 2, with its interval.
    const options = await openOptions(first);
    const acceptance = options.getByTestId('stats-acceptance');
    await expect.poll(() => acceptance.getAttribute('data-denominator'), { timeout: 10_000 }).toBe('2');
    expect(await acceptance.getAttribute('data-numerator')).toBe('1');
    expect(Number(await acceptance.getAttribute('data-low'))).toBeCloseTo(expected.acceptanceRate.low ?? NaN, 10);
    expect(Number(await acceptance.getAttribute('data-high'))).toBeCloseTo(expected.acceptanceRate.high ?? NaN, 10);
    expect(await acceptance.textContent()).toContain('50% (1 of 2)');
    expect(await options.getByTestId('stats-abandoned').getAttribute('data-numerator')).toBe('1');
    expect(await options.getByTestId('stats-thumbs-up').getAttribute('data-denominator')).toBe('1');
    expect(Number(await options.getByTestId('stats-latency').getAttribute('data-p95'))).toBe(expected.latencyMs.p95);
    expect(await options.getByTestId('stats-chart-reasons').locator('table').textContent()).toContain('Wrong facts');
    // Each chart has its table for screen readers.
    for (const id of ['stats-chart-acceptance', 'stats-chart-reasons', 'stats-chart-edit-ratio']) {
      expect(await options.getByTestId(id).locator('table').count(), id).toBe(1);
    }
    const before = await numbers(options);

    // Export NDJSON: every event, in (agentId, seq) order.
    const [download] = await Promise.all([options.waitForEvent('download'), options.getByTestId('stats-export-ndjson').click()]);
    expect(download.suggestedFilename()).toMatch(/^ticket-copilot-events-all-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(events.map((e) => e.seq));
    // Every event, exactly as recorded, except the reply text a `sent` event keeps in this browser only.
    const withoutReplyText = events.map((e) => (e.type === 'sent' ? { ...e, payload: { used: e.payload.used, editRatio: e.payload.editRatio } } : e));
    expect(lines.map((l) => CopilotEventSchema.parse(JSON.parse(l)))).toEqual(withoutReplyText);
    expect(text).not.toContain('5 working days');
    await first.close();
    first = null;

    // A fresh profile: no events, then the import, then the same numbers.
    second = await launchWithExtension();
    const fresh = await openOptions(second);
    await expect.poll(() => fresh.getByTestId('stats-acceptance').getAttribute('data-denominator'), { timeout: 10_000 }).toBe('0');
    await fresh.getByTestId('stats-import-input').setInputFiles([{ name: 'agent-export.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text, 'utf8') }]);
    const result = fresh.getByTestId('stats-import-result');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.textContent()).toContain(`Imported ${events.length} events from 1 file; 0 duplicates (same event id) dropped.`);
    await expect.poll(() => fresh.getByTestId('stats-acceptance').getAttribute('data-denominator'), { timeout: 10_000 }).toBe('2');
    expect(await numbers(fresh)).toEqual(before);

    // The same file again: nothing new, every line a duplicate, numbers unchanged.
    await fresh.getByTestId('stats-import-input').setInputFiles([{ name: 'agent-export.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text, 'utf8') }]);
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toContain(`Imported 0 events from 1 file; ${events.length} duplicates (same event id) dropped.`);
    expect(await numbers(fresh)).toEqual(before);
  });
});
