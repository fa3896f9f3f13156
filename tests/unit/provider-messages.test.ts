import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProviderGet, handleProviderRequest, handleProviderSave, handleProviderTest } from '../../lib/platform/provider-messages';
import { ProviderRequest } from '../../lib/messages';
import { getProviderSettings, providerItem } from '../../lib/platform/provider-store';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server';

const KEY = 'sk-unit-secret-42';

let server: OpenAIServer;

beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: KEY, models: ['test-model'] });
});

afterAll(async () => {
  await server?.close();
});

function custom(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { preset: 'custom', baseUrl: server.baseUrl, model: 'test-model', temperature: 0.3, maxTokens: 400, ...overrides };
}

describe('provider/save and provider/get', () => {
  it('stores the validated settings, and get answers without the key', async () => {
    const saved = await handleProviderSave(custom({ apiKey: KEY, priceInPerMillion: 0.15, monthlyCapUsd: 20, draftMode: 'on-request' }));
    expect(saved).toEqual({ ok: true, message: `Saved. Drafts will use "test-model" at ${new URL(server.baseUrl).host}.`, hasKey: true });

    const stored = await getProviderSettings();
    expect(stored).toMatchObject({ preset: 'custom', baseUrl: server.baseUrl, apiKey: KEY, temperature: 0.3, maxTokens: 400, priceInPerMillion: 0.15, monthlyCapUsd: 20, draftMode: 'on-request', timeoutMs: 60_000 });

    const got = await handleProviderGet();
    expect(got.hasKey).toBe(true);
    expect(got.settings).toMatchObject({ preset: 'custom', model: 'test-model', monthlyCapUsd: 20 });
    expect(got.settings).not.toHaveProperty('apiKey');
    expect(JSON.stringify(got)).not.toContain(KEY);
  });

  it('provider/save-team puts the team fields over the stored settings and keeps the stored key', async () => {
    await handleProviderSave(custom({ apiKey: KEY }));
    const request = ProviderRequest.parse({ type: 'provider/save-team', settings: { model: 'team-model', draftMode: 'auto', apiKey: 'sk-from-a-file' } });
    expect(await handleProviderRequest(request)).toMatchObject({ ok: true });
    expect(await getProviderSettings()).toMatchObject({ model: 'team-model', draftMode: 'auto', apiKey: KEY, baseUrl: server.baseUrl });
  });

  it('answers null settings and no key before anything is saved', async () => {
    expect(await handleProviderGet()).toEqual({ settings: null, hasKey: false });
  });

  it('keeps the stored key when a save leaves it out, and clears it with an empty string', async () => {
    await handleProviderSave(custom({ apiKey: KEY }));
    const kept = await handleProviderSave(custom({ model: 'other-model' }));
    expect(kept).toMatchObject({ ok: true, hasKey: true });
    expect(await getProviderSettings()).toMatchObject({ model: 'other-model', apiKey: KEY });

    const cleared = await handleProviderSave(custom({ apiKey: '' }));
    expect(cleared).toMatchObject({ ok: true, hasKey: false });
    expect((await getProviderSettings())?.apiKey).toBeUndefined();
    expect((await handleProviderGet()).hasKey).toBe(false);
  });

  it('refuses invalid settings with a sentence naming the field, and stores nothing', async () => {
    expect(await handleProviderSave(custom({ baseUrl: 'api.example.com' }))).toEqual({
      ok: false,
      message: 'Not saved. Base URL: Enter the full address, starting with http:// or https://.',
    });
    expect(await handleProviderSave(custom({ model: '  ' }))).toMatchObject({ ok: false, message: expect.stringContaining('Model: Enter a model name') });
    expect(await handleProviderSave(custom({ temperature: 3 }))).toEqual({ ok: false, message: 'Not saved. Temperature must be a number from 0 to 2.' });
    expect(await handleProviderSave(custom({ maxTokens: 'lots' }))).toMatchObject({ ok: false, message: expect.stringContaining('Max tokens must be a whole number') });
    expect(await handleProviderSave({ preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' })).toEqual({
      ok: false,
      message: 'Not saved. OpenAI needs an API key.',
    });
    expect(await providerItem.getValue()).toBeNull();
  });

  it('does not keep a key that a preset needs when the save clears it', async () => {
    await handleProviderSave({ preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: KEY });
    const reply = await handleProviderSave({ preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: '' });
    expect(reply).toEqual({ ok: false, message: 'Not saved. OpenAI needs an API key.' });
    expect((await getProviderSettings())?.apiKey).toBe(KEY);
  });
});

describe('provider/test', () => {
  it('reports a working connection, with the stored key sent only in the Authorization header', async () => {
    await handleProviderSave(custom({ apiKey: KEY }));
    const before = server.requests.length;
    const reply = await handleProviderTest(custom());
    expect(reply).toEqual({ ok: true, message: `Connected to Other OpenAI-compatible server at ${new URL(server.baseUrl).host}; the model "test-model" answered.` });
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent[0]?.rawBody).not.toContain(KEY);
    expect(sent[0]?.url).not.toContain(KEY);
  });

  it('tests the stored settings when none are given', async () => {
    expect(await handleProviderTest()).toEqual({ ok: false, message: 'No model is set up yet. Fill in the settings and save them first.' });
    await handleProviderSave(custom({ apiKey: KEY }));
    expect(await handleProviderTest()).toMatchObject({ ok: true });
  });

  it('says the key was refused (401)', async () => {
    const reply = await handleProviderTest(custom({ apiKey: 'sk-wrong' }));
    expect(reply).toEqual({ ok: false, message: 'Other OpenAI-compatible server refused the API key (401). Check that the key is complete and still valid.' });
  });

  it('says the model was not found (404)', async () => {
    const reply = await handleProviderTest(custom({ apiKey: KEY, model: 'no-such-model' }));
    expect(reply).toEqual({
      ok: false,
      message: `The model "no-such-model" was not found at ${new URL(server.baseUrl).host} (404). Check the model name and the base URL.`,
    });
  });

  it('says the host could not be reached', async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    const reply = await handleProviderTest(custom({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9/v1' }));
    expect(reply).toEqual({ ok: false, message: 'Could not reach 127.0.0.1:9. Check the address and your network connection.' });
  });

  it('names the field when the settings to test are invalid', async () => {
    expect(await handleProviderTest(custom({ baseUrl: '' }))).toEqual({ ok: false, message: 'Base URL: Enter the full address, starting with http:// or https://.' });
  });
});
