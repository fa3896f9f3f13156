import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../scripts/extension-browser';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server';

/**
 * Options → Model in real Chromium with the built extension: save an OpenAI-compatible server with
 * a key, test the connection (the request comes from the background), and check that the key only
 * ever travels in the Authorization header and is not shown again.
 */
const KEY = 'sk-test-123';

let server: OpenAIServer;
let browser: ExtensionBrowser;

beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: KEY, models: ['tiny-model'] });
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openOptions(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByTestId('settings-provider').waitFor();
  return page;
}

describe('the Model section of the options page', () => {
  it('saves a custom server, tests it from the background, and never shows or leaks the key', async () => {
    const options = await openOptions();
    await options.getByTestId('settings-provider').selectOption('custom');
    // Choosing a preset fills its default base URL (empty for a custom server).
    expect(await options.getByTestId('settings-base-url').inputValue()).toBe('');
    await options.getByTestId('settings-provider').selectOption('ollama');
    expect(await options.getByTestId('settings-base-url').inputValue()).toBe('http://localhost:11434/v1');
    await options.getByTestId('settings-provider').selectOption('custom');

    await options.getByTestId('settings-base-url').fill(server.baseUrl);
    // Loopback is granted at install, so neither button needs to prompt.
    await expect.poll(() => options.getByTestId('settings-base-url').getAttribute('data-granted')).toBe('true');
    await options.getByTestId('settings-model').fill('tiny-model');
    await options.getByTestId('settings-api-key').fill(KEY);

    await options.getByTestId('settings-save').click();
    const status = options.getByTestId('settings-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe(`Saved. Drafts will use "tiny-model" at ${new URL(server.baseUrl).host}.`);
    expect(await options.getByTestId('settings-api-key').inputValue()).toBe('');

    await options.getByTestId('settings-test').click();
    await expect
      .poll(() => status.textContent(), { timeout: 20_000 })
      .toBe(`Connected to Other OpenAI-compatible server at ${new URL(server.baseUrl).host}; the model "tiny-model" answered.`);
    expect(await status.getAttribute('class')).toBe('ok');

    // The key went out once, in the Authorization header, and nowhere else.
    expect(server.requests).toHaveLength(1);
    for (const request of server.requests) {
      expect(request.url).not.toContain(KEY);
      expect(request.rawBody).not.toContain(KEY);
      for (const [name, value] of Object.entries(request.headers)) {
        if (name === 'authorization') expect(value).toBe(`Bearer ${KEY}`);
        else expect(value).not.toContain(KEY);
      }
    }

    // After a reload the key field stays empty and says a key is stored.
    await options.reload();
    await expect.poll(() => options.getByTestId('settings-model').inputValue(), { timeout: 10_000 }).toBe('tiny-model');
    expect(await options.getByTestId('settings-provider').inputValue()).toBe('custom');
    expect(await options.getByTestId('settings-base-url').inputValue()).toBe(server.baseUrl);
    const keyField = options.getByTestId('settings-api-key');
    expect(await keyField.inputValue()).toBe('');
    expect(await keyField.getAttribute('placeholder')).toBe('•••• stored');
    expect(await keyField.getAttribute('type')).toBe('password');
    expect(await options.content()).not.toContain(KEY);
  });

  it('shows the sentence for a wrong model and for an invalid field', async () => {
    const options = await openOptions();
    await expect.poll(() => options.getByTestId('settings-model').inputValue(), { timeout: 10_000 }).toBe('tiny-model');
    await options.getByTestId('settings-model').fill('missing-model');
    await options.getByTestId('settings-test').click();
    const status = options.getByTestId('settings-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('The model "missing-model" was not found');
    expect(await status.getAttribute('class')).toBe('alert');

    await options.getByTestId('settings-temperature').fill('5');
    await options.getByTestId('settings-save').click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Not saved. Temperature must be a number from 0 to 2.');
  });

  it('says how to allow the extension when a local server refuses its origin (403)', async () => {
    const strict = await startOpenAIServer({ allowedOrigins: ['http://localhost:3000'] });
    try {
      const options = await openOptions();
      await options.getByTestId('settings-provider').selectOption('ollama');
      await options.getByTestId('settings-base-url').fill(strict.baseUrl);
      await options.getByTestId('settings-model').fill('llama3.2');
      await options.getByTestId('settings-test').click();
      const status = options.getByTestId('settings-status');
      await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('OLLAMA_ORIGINS');
      expect(await status.textContent()).toContain('(403)');
      // The request really came with the extension's origin.
      expect(strict.requests.at(-1)?.headers.origin).toMatch(/^chrome-extension:\/\//);
    } finally {
      await strict.close();
    }
  });
});
