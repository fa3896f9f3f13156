import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, readEvents, tabIdOf, type ExtensionBrowser } from '../../scripts/extension-browser';
import { startOpenAIServer, type LoggedRequest, type OpenAIServer } from '../support/openai-server';

/**
 * The model drafter in real Chromium: the provider is configured through the options page to the
 * local OpenAI-compatible server; drafts stream into the side panel; a 500 shows the template draft
 * with the fallback banner; what reaches the server is masked, with the key only in Authorization.
 */
const KEY = 'sk-e2e-model-7f3a';
const MODEL = 'e2e-model';

let demo: DemoServer;
let server: OpenAIServer;
let browser: ExtensionBrowser;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0 });
  server = await startOpenAIServer({ apiKey: KEY, models: [MODEL] });
  browser = await launchWithExtension();
  await configureProvider();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await demo?.close();
});

async function configureProvider(): Promise<void> {
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.getByTestId('settings-provider').selectOption('custom');
  await options.getByTestId('settings-base-url').fill(server.baseUrl);
  await options.getByTestId('settings-model').fill(MODEL);
  await options.getByTestId('settings-api-key').fill(KEY);
  await options.getByTestId('settings-draft-mode').selectOption('auto');
  await options.getByTestId('settings-save').click();
  const status = options.getByTestId('settings-status');
  await status.waitFor({ timeout: 10_000 });
  const deadline = Date.now() + 10_000;
  while (!/^Saved\./.test((await status.textContent()) ?? '') && Date.now() < deadline) await options.waitForTimeout(100);
  if (!/^Saved\./.test((await status.textContent()) ?? '')) throw new Error(`Provider settings not saved: ${await status.textContent()}`);
  await options.close();
}

function chatRequests(): LoggedRequest[] {
  return server.requests.filter((r) => r.path.endsWith('/chat/completions'));
}

function userContent(request: LoggedRequest | undefined): string {
  const body = request?.body as { messages?: { role: string; content: string }[] } | undefined;
  return (body?.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

async function openTicket(id: string): Promise<{ page: Page; panel: Page }> {
  const page = await browser.context.newPage();
  const url = `${demo.url}tickets/${id}.html`;
  await page.goto(url);
  const panel = await openPanel(browser, await tabIdOf(browser, url));
  await panel.getByTestId('ticket-subject').waitFor({ timeout: 30_000 });
  return { page, panel };
}

function answer(text: string, citations: number[]): string {
  return JSON.stringify({ text, citations, confidence: 0.85, needsHuman: false });
}

describe('model drafts in the side panel', () => {
  it('streams a cited draft from the configured server; the key travels only in Authorization', async () => {
    const content = answer(
      'Hi Amelia, I am sorry the bowl arrived broken. We can send a replacement or refund you in full [1]. There is no need to send the broken bowl back [1].',
      [1],
    );
    // Slow pieces, so the panel shows the draft while it is still being written.
    server.script({ content, chunks: content.match(/.{1,4}/gs) ?? [], chunkDelayMs: 25 });
    const before = chatRequests().length;
    const { panel } = await openTicket('1004');
    const streaming = panel.getByTestId('draft-streaming');
    await streaming.waitFor({ timeout: 20_000 });
    const partial = (await streaming.textContent()) ?? '';
    expect(partial.length).toBeGreaterThan(0);
    expect(content).toContain(partial.slice(0, 10));

    const text = panel.getByTestId('draft-text');
    await text.waitFor({ timeout: 20_000 });
    await expect.poll(() => text.textContent()).toContain('no need to send the broken bowl back');
    expect(await panel.getByTestId('draft-streaming').count()).toBe(0);
    expect(await panel.getByTestId('draft-meta').textContent()).toContain(`Drafted by ${MODEL}`);
    expect(await panel.getByTestId('confidence-badge').getAttribute('data-level')).toMatch(/^(high|medium|low)$/);
    // Every citation in the draft resolves to a listed source.
    const markers = await panel.getByTestId('citation').allTextContents();
    expect(markers.length).toBeGreaterThan(0);
    const sources = await panel.getByTestId('source').evaluateAll((els) => els.map((e) => e.getAttribute('data-marker')));
    for (const m of markers) expect(sources).toContain(m.replace(/\D/g, ''));

    const requests = chatRequests().slice(before);
    expect(requests).toHaveLength(1);
    for (const request of requests) {
      expect(request.url).not.toContain(KEY);
      expect(request.rawBody).not.toContain(KEY);
      for (const [name, value] of Object.entries(request.headers)) {
        if (name === 'authorization') expect(value).toBe(`Bearer ${KEY}`);
        else expect(value).not.toContain(KEY);
      }
      // The ticket is inside the delimited data block.
      const user = userContent(request);
      const open = user.indexOf('<ticket_data>');
      const close = user.indexOf('</ticket_data>');
      expect(open).toBeGreaterThan(-1);
      expect(close).toBeGreaterThan(open);
      const subject = user.indexOf('Glass salad bowl arrived broken');
      expect(subject).toBeGreaterThan(open);
      expect(subject).toBeLessThan(close);
    }
    // The shown event names the model and records the tokens.
    const events = await readEvents(panel);
    const shown = events.filter((e) => e.type === 'shown').at(-1);
    expect(shown?.payload).toMatchObject({ model: MODEL, cacheHit: false });
    expect(Number(shown?.payload.tokensIn)).toBeGreaterThan(0);
  });

  it('shows the template draft with the fallback banner when the server fails', async () => {
    // 500 three times: the first try and the SDK's two retries.
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    const { panel } = await openTicket('1001');
    const banner = panel.getByTestId('fallback-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/internal error \(500\).*template draft instead/);
    expect(await banner.getAttribute('data-kind')).toBe('server');
    expect(await panel.getByTestId('draft-text').textContent()).toMatch(/\S/);
    expect(await panel.getByTestId('draft-meta').textContent()).toContain('Template draft');
    await expect
      .poll(async () => (await readEvents(panel)).filter((e) => e.type === 'shown').at(-1)?.payload.error, { timeout: 5_000 })
      .toBe('server');
  });

  it('masks personal data on the way out, removes the passcode, and fills the values back in the panel', async () => {
    // Answer with every email and phone placeholder the request contains.
    server.script({
      respond: (body) => {
        const text = JSON.stringify(body.messages ?? '');
        const placeholders = [...new Set(text.match(/⟦(?:EMAIL|PHONE)_\d+⟧/g) ?? [])];
        return { content: answer(`We can change the address before the order is dispatched [1]. We will confirm at ${placeholders.join(' and ')}.`, [1]) };
      },
    });
    const before = chatRequests().length;
    const { panel } = await openTicket('1016');
    const text = panel.getByTestId('draft-text');
    await text.waitFor({ timeout: 20_000 });
    const request = chatRequests()[before];
    expect(request).toBeDefined();
    for (const raw of ['oliver.grant.home@example.net', '7946 0958', '4539 1488 0343 6467', '4539148803436467', 'Sunflower!2024', 'Sunflower']) {
      expect(request?.rawBody).not.toContain(raw);
    }
    const user = userContent(request);
    expect(user).toMatch(/⟦CARD_\d+⟧/);
    expect(user).toMatch(/⟦SECRET⟧/);
    const shown = (await text.textContent()) ?? '';
    expect(shown).toContain('oliver.grant.home@example.net');
    expect(shown).toContain('+44 20 7946 0958');
    expect(shown).not.toContain('⟦');
  });

  it('never sends a password-reset ticket to the server', async () => {
    const before = chatRequests().length;
    const { panel } = await openTicket('1002');
    await panel.getByTestId('draft-text').waitFor({ timeout: 20_000 });
    expect(chatRequests().length).toBe(before);
    expect(await panel.getByTestId('draft-meta').textContent()).toContain('Template draft');
    expect(await panel.getByTestId('outbound-preview').getAttribute('data-sent')).toBe('false');
  });

  it('a worker stopped mid-stream: the panel reconnects, the draft is asked for again and arrives', async () => {
    const content = answer('We can send a replacement or a refund, whichever you prefer [1]. '.repeat(6).trim(), [1]);
    // A slow first answer (stopped halfway by the worker's end), then a quick one.
    server.script({ content, chunks: content.match(/.{1,4}/gs) ?? [], chunkDelayMs: 60 }, { content });
    const before = chatRequests().length;
    const { panel } = await openTicket('1007');
    await panel.getByTestId('draft-streaming').waitFor({ timeout: 20_000 });
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await panel.getByTestId('draft-text').waitFor({ timeout: 30_000 });
    expect(chatRequests().length - before).toBe(2);
    await expect.poll(async () => (await readEvents(panel)).filter((e) => e.type === 'shown' && String(e.ticketKey).endsWith(':1007')).length, { timeout: 10_000 }).toBe(1);
  });
});
