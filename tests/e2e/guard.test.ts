import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';

/** Guardrails as an agent meets them: masked outbound text, a review confirmation, a no-AI note, an injection warning. */
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

async function openTicket(id: string) {
  const page = await browser.context.newPage();
  const url = `${demo.url}tickets/${id}.html`;
  await page.goto(url);
  const panel = await openPanel(browser, await tabIdOf(browser, url));
  await panel.getByTestId('ticket-subject').waitFor({ timeout: 30_000 });
  return { page, panel };
}

describe('guardrails in the side panel', () => {
  it('shows placeholders, no raw personal data and no password in "What leaves this browser"', async () => {
    const { panel } = await openTicket('1014');
    const preview = panel.getByTestId('outbound-preview');
    await preview.waitFor({ timeout: 10_000 });
    await preview.locator('summary').click();
    const text = (await preview.textContent()) ?? '';
    expect(text).toMatch(/⟦CARD_\d+⟧/);
    expect(text).toMatch(/⟦PHONE_\d+⟧/);
    expect(text).toMatch(/⟦EMAIL_\d+⟧/);
    for (const raw of ['4539 1488 0343 6467', '4539148803436467', '7946 0958', 'oliver.grant.home@example.net', 'oliver.grant@example.com', 'Sunflower!2024', 'Sunflower']) {
      expect(text).not.toContain(raw);
    }
  });

  it('asks for confirmation before inserting a draft on a billing ticket', async () => {
    const { page, panel } = await openTicket('1003');
    await panel.getByTestId('draft-text').waitFor({ timeout: 10_000 });
    await expect.poll(() => panel.getByTestId('confidence-badge').getAttribute('data-review')).toBe('true');
    await panel.getByTestId('insert-draft').click();
    await panel.getByTestId('review-confirm').waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('reply-editor').inputValue()).toBe('');
    await panel.getByTestId('review-confirm').click();
    await expect.poll(() => page.getByTestId('reply-editor').inputValue(), { timeout: 5_000 }).not.toBe('');
  });

  it('shows the no-AI note and no draft for a legal threat', async () => {
    const { panel } = await openTicket('1015');
    await panel.getByTestId('no-ai-note').waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('draft-text').count()).toBe(0);
    expect(await panel.getByTestId('no-ai-note').textContent()).toMatch(/personally/);
  });

  it('warns about text that tries to steer the copilot and caps confidence at low', async () => {
    const { panel } = await openTicket('1013');
    await panel.getByTestId('injection-warning').waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('confidence-badge').getAttribute('data-level')).toBe('low');
  });
});
