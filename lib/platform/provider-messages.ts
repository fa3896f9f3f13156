import { browser, type Browser } from 'wxt/browser';
import type { z } from 'zod';
import { ProviderSettingsSchema, type ProviderSettings } from '../drafting/provider-settings';
import { testConnection, type ClientOptions } from '../drafting/model-client';
import { ProviderRequest, type ProviderGetReply, type ProviderResultReply, type PublicProviderSettings } from '../messages';
import { getProviderSettings, providerItem } from './provider-store';

/** How each settings field is called on the Options page, for validation messages. */
const FIELD_LABELS: Record<string, string> = {
  preset: 'Provider',
  baseUrl: 'Base URL',
  model: 'Model',
  apiKey: 'API key',
  apiVersion: 'API version',
  temperature: 'Temperature',
  maxTokens: 'Max tokens',
  timeoutMs: 'Timeout',
  priceInPerMillion: 'Price per million input tokens',
  priceOutPerMillion: 'Price per million output tokens',
  draftMode: 'Draft mode',
  monthlyCapUsd: 'Monthly cap',
  outputMode: 'Output mode',
  tone: 'Tone',
  replyLength: 'Length',
  embeddingsEnabled: 'Embeddings',
  embeddingModel: 'Embedding model',
};

/** The sentence for numeric fields that are missing, not numbers, or out of range. */
const NUMBER_RULES: Record<string, string> = {
  temperature: 'must be a number from 0 to 2',
  maxTokens: 'must be a whole number from 16 to 32000',
  timeoutMs: 'must be a whole number of milliseconds from 1000 to 600000',
  priceInPerMillion: 'must be a number of US dollars, 0 or more',
  priceOutPerMillion: 'must be a number of US dollars, 0 or more',
  monthlyCapUsd: 'must be a number of US dollars, 0 or more (leave it empty for no cap)',
};

/** One sentence naming the field, for the first problem zod found. */
export function describeSettingsError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The settings are not valid.';
  const field = typeof issue.path[0] === 'string' ? issue.path[0] : '';
  const label = FIELD_LABELS[field] ?? 'Settings';
  const rule = NUMBER_RULES[field];
  if (rule && issue.code !== 'custom') return `${label} ${rule}.`;
  const text = issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
  // A message that already names the field ("OpenAI needs an API key.") stands as it is.
  return text.includes(label) ? text : `${label}: ${text}`;
}

function withoutKey(settings: ProviderSettings): PublicProviderSettings {
  const { apiKey: _key, ...rest } = settings;
  return rest;
}

/**
 * The settings a page sent, with the key resolved: absent keeps the stored key, an empty string
 * clears it. Returns the validated settings or a sentence naming the field.
 */
async function resolveSettings(input: Record<string, unknown>): Promise<{ ok: true; settings: ProviderSettings } | { ok: false; message: string }> {
  const { apiKey, ...rest } = input;
  const stored = await getProviderSettings();
  let key: unknown;
  if (apiKey === undefined || apiKey === null) key = stored?.apiKey;
  else key = typeof apiKey === 'string' && apiKey.trim() === '' ? undefined : apiKey;
  // The Model form does not carry the embedding settings (Options → Embeddings saves them): keep them.
  for (const field of ['embeddingsEnabled', 'embeddingModel'] as const) if (!(field in rest) && stored?.[field] !== undefined) rest[field] = stored[field];
  const parsed = ProviderSettingsSchema.safeParse(key === undefined ? rest : { ...rest, apiKey: key });
  return parsed.success ? { ok: true, settings: parsed.data } : { ok: false, message: describeSettingsError(parsed.error) };
}

/** `provider/get`: the stored settings without the key, and whether a key is stored. */
export async function handleProviderGet(): Promise<ProviderGetReply> {
  const stored = await getProviderSettings();
  return { settings: stored ? withoutKey(stored) : null, hasKey: Boolean(stored?.apiKey) };
}

/** `provider/save`: validate and store. */
export async function handleProviderSave(input: Record<string, unknown>): Promise<ProviderResultReply> {
  const resolved = await resolveSettings(input);
  if (!resolved.ok) return { ok: false, message: `Not saved. ${resolved.message}` };
  const { settings } = resolved;
  await providerItem.setValue(settings);
  let host = settings.baseUrl;
  try {
    host = new URL(settings.baseUrl).host;
  } catch {
    // The schema accepted it as a URL; keep the text as typed.
  }
  return { ok: true, message: `Saved. Drafts will use "${settings.model}" at ${host}.`, hasKey: Boolean(settings.apiKey) };
}

/** `provider/test`: one tiny request from the background, which holds the host permission. */
export async function handleProviderTest(input?: Record<string, unknown>, options: ClientOptions = {}): Promise<ProviderResultReply> {
  let settings: ProviderSettings;
  if (input) {
    const resolved = await resolveSettings(input);
    if (!resolved.ok) return { ok: false, message: resolved.message };
    settings = resolved.settings;
  } else {
    const stored = await getProviderSettings();
    if (!stored) return { ok: false, message: 'No model is set up yet. Fill in the settings and save them first.' };
    settings = stored;
  }
  const result = await testConnection(settings, { dangerouslyAllowBrowser: true, ...options });
  return { ok: result.ok, message: result.message };
}

/** Answer one parsed request. */
export function handleProviderRequest(request: ProviderRequest): Promise<ProviderGetReply | ProviderResultReply> {
  if (request.type === 'provider/get') return handleProviderGet();
  if (request.type === 'provider/save') return handleProviderSave(request.settings);
  if (request.type === 'provider/save-team') return saveTeamProvider(request.settings);
  return handleProviderTest(request.settings);
}

/** Only our own extension pages (Options), not content scripts or web pages, may ask. */
function fromOwnExtensionPage(sender: Browser.runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && !sender.tab?.url?.startsWith('http') && Boolean(sender.url?.startsWith(browser.runtime.getURL('/')));
}

/** Register the `provider/*` handlers; call once when the worker starts. */
export function wireProviderMessages(): void {
  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: ProviderGetReply | ProviderResultReply) => void) => {
    if (!fromOwnExtensionPage(sender)) return undefined;
    const parsed = ProviderRequest.safeParse(raw);
    if (!parsed.success) return undefined;
    handleProviderRequest(parsed.data).then(sendResponse, (error: unknown) =>
      // The message only: an error never carries the settings, so the key cannot end up here.
      sendResponse({ ok: false, message: `The background could not do that: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return true;
  });
}

/** A team config's (or managed policy's) model settings over the stored ones; the stored key is kept. */
export async function saveTeamProvider(team: Record<string, unknown>): Promise<ProviderResultReply> {
  const stored = await getProviderSettings();
  const publicStored = stored ? withoutKey(stored) : {};
  const { apiKey: _ignored, ...fields } = team;
  return handleProviderSave({ ...publicStored, ...fields });
}
