import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  AzureOpenAI,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { estimateTokens, type BuiltPrompt } from './prompt';
import { MODEL_OUTPUT_JSON_SCHEMA, MODEL_OUTPUT_SCHEMA_NAME } from './model-output';
import { DEFAULT_AZURE_API_VERSION, PRESETS, costUsd, outputModeOf, type OutputMode, type ProviderSettings } from './provider-settings';

/** The SDK retries 429 and 5xx (honouring Retry-After) this many times; there is no second retry loop. */
export const MAX_RETRIES = 2;

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Needed in extension pages; the key is the agent's own, stored locally. */
  dangerouslyAllowBrowser?: boolean;
  /** Overrides the settings' timeout (ms). */
  timeoutMs?: number;
  maxRetries?: number;
}

export interface ModelClient {
  sdk: OpenAI;
  settings: ProviderSettings;
}

/**
 * An SDK client for the configured provider. Azure gets the key as `api-key` and an `api-version`
 * query parameter; every other preset gets `Authorization: Bearer`, or no auth header at all when
 * no key is set (local servers). Nothing is read from environment variables.
 */
export function createClient(settings: ProviderSettings, options: ClientOptions = {}): ModelClient {
  const common = {
    baseURL: settings.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? settings.timeoutMs,
    maxRetries: options.maxRetries ?? MAX_RETRIES,
    organization: null,
    project: null,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.dangerouslyAllowBrowser !== undefined ? { dangerouslyAllowBrowser: options.dangerouslyAllowBrowser } : {}),
  };
  if (settings.preset === 'azure') {
    const sdk = new AzureOpenAI({
      ...common,
      apiKey: settings.apiKey || 'no-key',
      apiVersion: settings.apiVersion ?? DEFAULT_AZURE_API_VERSION,
      ...(settings.apiKey ? {} : { defaultHeaders: { 'api-key': null } }),
    });
    return { sdk, settings };
  }
  const sdk = new OpenAI({
    ...common,
    // The SDK insists on a key; for keyless local servers the header is removed again below.
    apiKey: settings.apiKey || 'no-key',
    ...(settings.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });
  return { sdk, settings };
}

/** The connection broke off after the answer had started streaming; `partial` is what arrived. */
export class StreamInterruptedError extends Error {
  constructor(
    readonly partial: string,
    override readonly cause: unknown,
  ) {
    super(`The stream broke off: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StreamInterruptedError';
  }
}

export type ProviderErrorKind = 'interrupted' | 'auth' | 'forbidden' | 'not-found' | 'rate-limit' | 'server' | 'unreachable' | 'timeout' | 'aborted' | 'bad-request' | 'other';

export interface ProviderError {
  kind: ProviderErrorKind;
  status?: number;
  message: string;
}

function hostOf(settings: ProviderSettings): string {
  try {
    return new URL(settings.baseUrl).host;
  } catch {
    return settings.baseUrl;
  }
}

/** One clear sentence (or two) per failure, for the settings page and the side panel. */
export function describeProviderError(error: unknown, settings: ProviderSettings): ProviderError {
  const host = hostOf(settings);
  const label = PRESETS[settings.preset].label;
  if (error instanceof APIUserAbortError) return { kind: 'aborted', message: 'The request was cancelled.' };
  if (error instanceof StreamInterruptedError) {
    return { kind: 'interrupted', message: `The connection to ${host} broke off while the draft was streaming. Try again.` };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { kind: 'timeout', message: `${host} did not answer within ${Math.round(settings.timeoutMs / 1000)} seconds. The model may still be loading; try again, or raise the timeout.` };
  }
  if (error instanceof APIConnectionError) {
    const hint = PRESETS[settings.preset].local ? ` Check that ${label} is running and listening on that address.` : ' Check the address and your network connection.';
    return { kind: 'unreachable', message: `Could not reach ${host}.${hint}` };
  }
  if (error instanceof AuthenticationError) {
    return { kind: 'auth', status: 401, message: `${label} refused the API key (401). Check that the key is complete and still valid.` };
  }
  if (error instanceof PermissionDeniedError) {
    const message =
      settings.preset === 'ollama'
        ? 'Ollama refused the request from the extension (403). Allow it by setting OLLAMA_ORIGINS to chrome-extension://* (and moz-extension://* for Firefox), then restart Ollama.'
        : `${host} refused the request (403): the key may lack access to this model, or the server does not accept requests from the extension's origin.`;
    return { kind: 'forbidden', status: 403, message };
  }
  if (error instanceof NotFoundError) {
    const hint = settings.preset === 'ollama' ? ` Run \`ollama pull ${settings.model}\` or pick an installed model.` : settings.preset === 'azure' ? ' Check the deployment name in the address.' : ' Check the model name and the base URL.';
    return { kind: 'not-found', status: 404, message: `The model "${settings.model}" was not found at ${host} (404).${hint}` };
  }
  if (error instanceof RateLimitError) {
    return { kind: 'rate-limit', status: 429, message: `${label} is rate-limiting requests or the quota is used up (429). Wait a moment, or check the plan's limits.` };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    if (error.status >= 500) return { kind: 'server', status: error.status, message: `${host} had an internal error (${error.status}). Try again in a moment.` };
    if (error.status === 400) return { kind: 'bad-request', status: 400, message: `${host} rejected the request (400): ${error.message}` };
    return { kind: 'other', status: error.status, message: `${host} answered ${error.status}: ${error.message}` };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** Newer OpenAI models only accept `max_completion_tokens`; most local servers only `max_tokens`. */
function tokenLimit(settings: ProviderSettings, n: number): { max_tokens: number } | { max_completion_tokens: number } {
  return settings.preset === 'openai' || settings.preset === 'azure' ? { max_completion_tokens: n } : { max_tokens: n };
}

export type ConnectionResult = { ok: true; message: string } | ({ ok: false } & ProviderError);

/**
 * Check the settings with one tiny chat completion (1 token, no retries): it proves the address,
 * the key and the model name at once, which listing models would not (Azure deployments cannot list).
 */
export async function testConnection(settings: ProviderSettings, options: ClientOptions = {}): Promise<ConnectionResult> {
  const { sdk } = createClient(settings, { ...options, maxRetries: 0 });
  try {
    await sdk.chat.completions.create({
      model: settings.model,
      messages: [{ role: 'user', content: 'Reply with OK.' }],
      ...tokenLimit(settings, 1),
    });
    return { ok: true, message: `Connected to ${PRESETS[settings.preset].label} at ${hostOf(settings)}; the model "${settings.model}" answered.` };
  } catch (error) {
    return { ok: false, ...describeProviderError(error, settings) };
  }
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
  /** The server did not report usage; the counts are estimates (characters ÷ 4). */
  estimated: boolean;
  costUsd: number;
}

export interface StreamOptions {
  signal?: AbortSignal;
  mode?: OutputMode;
  /** Each new piece of the reply text as it arrives (for JSON modes: of the `text` field only). */
  onText?: (delta: string) => void;
}

export interface StreamResult {
  /** Everything the model sent (the JSON object in JSON modes). */
  raw: string;
  /** The reply text streamed so far through `onText`. */
  text: string;
  usage: Usage;
  /** `stop`, `length`, …; null when the stream ended without saying (cut off). */
  finishReason: string | null;
  /** The server said the answer ended (`finishReason` is set); false for a stream cut off halfway. */
  complete: boolean;
  model: string | null;
}

function responseFormat(mode: OutputMode): Pick<ChatCompletionCreateParamsStreaming, 'response_format'> {
  if (mode === 'json-schema') {
    return { response_format: { type: 'json_schema', json_schema: { name: MODEL_OUTPUT_SCHEMA_NAME, strict: true, schema: MODEL_OUTPUT_JSON_SCHEMA } } };
  }
  if (mode === 'json') return { response_format: { type: 'json_object' } };
  return {};
}

/**
 * Stream a draft with chat completions. In the JSON modes the `text` field is decoded while the
 * object streams in (see `JsonTextFieldStreamer`), so `onText` sees the reply before the object is
 * complete; the caller parses `raw` at the end with model-output.ts. Usage comes from the final
 * chunk (`stream_options.include_usage`) and is estimated when the server sends none.
 */
export async function streamDraft(client: ModelClient, prompt: BuiltPrompt, options: StreamOptions = {}): Promise<StreamResult> {
  const { settings, sdk } = client;
  const mode = options.mode ?? outputModeOf(settings);
  const stream = await sdk.chat.completions.create(
    {
      model: settings.model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      temperature: settings.temperature,
      ...tokenLimit(settings, settings.maxTokens),
      stream: true,
      stream_options: { include_usage: true },
      ...responseFormat(mode),
    },
    options.signal ? { signal: options.signal } : {},
  );
  const field = mode === 'plain' ? null : new JsonTextFieldStreamer();
  let raw = '';
  let text = '';
  let finishReason: string | null = null;
  let model: string | null = null;
  let reported: { prompt_tokens: number; completion_tokens: number } | null = null;
  try {
    for await (const chunk of stream) {
      model = chunk.model || model;
      if (chunk.usage) reported = chunk.usage;
      for (const choice of chunk.choices) {
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const delta = choice.delta.content;
        if (!delta) continue;
        raw += delta;
        const visible = field ? field.push(delta) : delta;
        if (visible) {
          text += visible;
          options.onText?.(visible);
        }
      }
    }
  } catch (error) {
    if (options.signal?.aborted) throw new APIUserAbortError();
    if (error instanceof APIError) throw error;
    throw new StreamInterruptedError(raw, error);
  }
  // The SDK ends the iteration quietly when the signal fires; a cancelled draft must not pass as finished.
  if (options.signal?.aborted) throw new APIUserAbortError();
  const tokensIn = reported?.prompt_tokens ?? prompt.estimatedTokens;
  const tokensOut = reported?.completion_tokens ?? estimateTokens(raw);
  return {
    raw,
    text,
    usage: { tokensIn, tokensOut, estimated: reported === null, costUsd: costUsd(settings, tokensIn, tokensOut) },
    finishReason,
    complete: finishReason !== null,
    model,
  };
}

/**
 * The JSON-mode repair request: one non-streamed call that shows the model its broken answer and
 * what was wrong. Pass it (bound) as the `repair` hook of `parseJsonModeOutput`.
 */
export async function repairJson(client: ModelClient, prompt: BuiltPrompt, raw: string, error: string, signal?: AbortSignal): Promise<string> {
  const { sdk, settings } = client;
  const res = await sdk.chat.completions.create(
    {
      model: settings.model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
        { role: 'assistant', content: raw },
        { role: 'user', content: `That answer could not be used (${error}). Return only the JSON object with the fields text, citations, confidence and needsHuman.` },
      ],
      temperature: 0,
      ...tokenLimit(settings, settings.maxTokens),
      response_format: { type: 'json_object' },
    },
    signal ? { signal } : {},
  );
  return res.choices[0]?.message.content ?? '';
}

/**
 * Decodes the top-level `"text"` string of a JSON object while it streams in, chunk by chunk,
 * handling escapes (including `\uXXXX`) split across chunks. Other fields are skipped.
 */
export class JsonTextFieldStreamer {
  private depth = 0;
  private inString = false;
  private escape = false;
  private unicode: string | null = null;
  private emitting = false;
  private key = '';
  private readingKey = false;
  private expectKey = false;
  private lastKey: string | null = null;
  private afterColon = false;

  /** Feed the next piece of raw JSON; returns the newly decoded part of `text`. */
  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      if (this.inString) {
        const decoded = this.stringChar(ch);
        if (decoded === null) continue;
        if (this.emitting) out += decoded;
        else if (this.readingKey) this.key += decoded;
        continue;
      }
      if (ch === '"') {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) {
          this.readingKey = true;
          this.key = '';
        } else if (this.depth === 1 && this.afterColon && this.lastKey === 'text') {
          this.emitting = true;
        }
        this.afterColon = false;
        continue;
      }
      if (ch === '{' || ch === '[') {
        this.depth += 1;
        this.expectKey = ch === '{' && this.depth === 1;
        this.afterColon = false;
      } else if (ch === '}' || ch === ']') {
        this.depth -= 1;
      } else if (ch === ':' && this.depth === 1) {
        this.afterColon = true;
      } else if (ch === ',' && this.depth === 1) {
        this.expectKey = true;
        this.lastKey = null;
      } else if (!/\s/.test(ch)) {
        this.afterColon = false;
      }
    }
    return out;
  }

  /** One character inside a string: its decoded text, '' for nothing yet, null at the closing quote. */
  private stringChar(ch: string): string | null {
    if (this.unicode !== null) {
      this.unicode += ch;
      if (this.unicode.length < 4) return '';
      const code = Number.parseInt(this.unicode, 16);
      this.unicode = null;
      return Number.isNaN(code) ? '' : String.fromCharCode(code);
    }
    if (this.escape) {
      this.escape = false;
      if (ch === 'u') {
        this.unicode = '';
        return '';
      }
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
      return map[ch] ?? ch;
    }
    if (ch === '\\') {
      this.escape = true;
      return '';
    }
    if (ch === '"') {
      this.inString = false;
      if (this.readingKey) {
        this.readingKey = false;
        this.expectKey = false;
        this.lastKey = this.key;
      }
      this.emitting = false;
      return null;
    }
    return ch;
  }
}
