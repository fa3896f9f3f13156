import { z } from 'zod';

/**
 * Settings of the model provider: any OpenAI-compatible endpoint. The presets only fill in a
 * default base URL and how the key is sent; everything goes through the same chat-completions API.
 */
export const PROVIDER_PRESETS = ['openai', 'azure', 'ollama', 'lmstudio', 'vllm', 'openrouter', 'custom'] as const;
export const ProviderPresetSchema = z.enum(PROVIDER_PRESETS);
export type ProviderPreset = z.infer<typeof ProviderPresetSchema>;

/** How the model is asked to shape its answer (see model-output.ts). */
export const OutputModeSchema = z.enum(['json-schema', 'json', 'plain']);
export type OutputMode = z.infer<typeof OutputModeSchema>;

/** The Azure OpenAI data-plane API version used when none is set. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export interface PresetInfo {
  label: string;
  /** Default base URL; Azure's contains `{resource}` and `{deployment}` to fill in. */
  baseUrl: string;
  /** How the key travels: `Authorization: Bearer …`, or Azure's `api-key` header. */
  auth: 'bearer' | 'api-key';
  /** Whether the provider refuses requests without a key. */
  needsKey: boolean;
  /** Runs on the agent's machine (used to tailor error messages). */
  local: boolean;
  /** The output mode most servers of this kind support. */
  outputMode: OutputMode;
}

export const PRESETS: Record<ProviderPreset, PresetInfo> = {
  openai: { label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', auth: 'bearer', needsKey: true, local: false, outputMode: 'json-schema' },
  azure: {
    label: 'Azure OpenAI',
    baseUrl: 'https://{resource}.openai.azure.com/openai/deployments/{deployment}',
    auth: 'api-key',
    needsKey: true,
    local: false,
    outputMode: 'json-schema',
  },
  ollama: { label: 'Ollama', baseUrl: 'http://localhost:11434/v1', auth: 'bearer', needsKey: false, local: true, outputMode: 'json-schema' },
  lmstudio: { label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', auth: 'bearer', needsKey: false, local: true, outputMode: 'json-schema' },
  vllm: { label: 'vLLM', baseUrl: 'http://localhost:8000/v1', auth: 'bearer', needsKey: false, local: true, outputMode: 'json-schema' },
  openrouter: { label: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', auth: 'bearer', needsKey: true, local: false, outputMode: 'json' },
  custom: { label: 'Other OpenAI-compatible server', baseUrl: '', auth: 'bearer', needsKey: false, local: false, outputMode: 'plain' },
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const ProviderSettingsSchema = z
  .object({
    preset: ProviderPresetSchema,
    baseUrl: z.string().trim().refine(isHttpUrl, 'Enter the full address, starting with http:// or https://'),
    model: z.string().trim().min(1, 'Enter a model name (for Azure: the deployment name)'),
    apiKey: z.string().trim().optional(),
    /** Azure only: the `api-version` query parameter. */
    apiVersion: z.string().trim().optional(),
    temperature: z.number().min(0).max(2).default(0.2),
    maxTokens: z.number().int().min(16).max(32_000).default(700),
    /** Per request, in milliseconds; the SDK retries 429/5xx within it. */
    timeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
    /** Price per million input (prompt) tokens, in US dollars; 0 for local models. */
    priceInPerMillion: z.number().min(0).default(0),
    /** Price per million output (completion) tokens, in US dollars. */
    priceOutPerMillion: z.number().min(0).default(0),
    /** `auto`: draft as soon as a ticket opens; `on-request` (the default for a model): only when the agent asks. */
    draftMode: z.enum(['auto', 'on-request']).default('on-request'),
    /** The tone and length the prompt asks for. */
    tone: z.enum(['friendly', 'neutral', 'formal']).default('friendly'),
    replyLength: z.enum(['short', 'medium', 'long']).default('medium'),
    /** Stop sending once this month's spend reaches the cap (absent: no cap). */
    monthlyCapUsd: z.number().min(0).optional(),
    /** How the answer is requested; absent: the preset's default. */
    outputMode: OutputModeSchema.optional(),
    /** Hybrid retrieval: rank KB passages by embeddings too (off by default). */
    embeddingsEnabled: z.boolean().default(false),
    /** The model (for Azure: the deployment) that `/embeddings` is asked for. */
    embeddingModel: z.string().trim().optional(),
  })
  .superRefine((s, ctx) => {
    if (PRESETS[s.preset].needsKey && !s.apiKey) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: `${PRESETS[s.preset].label} needs an API key.` });
    }
    if (s.preset === 'azure' && /[{}]/.test(s.baseUrl)) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'Replace {resource} and {deployment} in the Azure address.' });
    }
  });
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;
export type ProviderSettingsInput = z.input<typeof ProviderSettingsSchema>;

/** The Azure base URL for a resource and a deployment. */
export function azureBaseUrl(resource: string, deployment: string): string {
  return `https://${encodeURIComponent(resource)}.openai.azure.com/openai/deployments/${encodeURIComponent(deployment)}`;
}

/** Settings for a preset with its default base URL; the caller adds the model and, where needed, a key. */
export function presetDefaults(preset: ProviderPreset): Pick<ProviderSettingsInput, 'preset' | 'baseUrl' | 'apiVersion'> {
  return { preset, baseUrl: PRESETS[preset].baseUrl, ...(preset === 'azure' ? { apiVersion: DEFAULT_AZURE_API_VERSION } : {}) };
}

/** The output mode to use: the explicit setting, else the preset's default. */
export function outputModeOf(settings: ProviderSettings): OutputMode {
  return settings.outputMode ?? PRESETS[settings.preset].outputMode;
}

/** The header that carries the key (or null when none is set). */
export function authHeaderOf(settings: ProviderSettings): { name: string; value: string } | null {
  if (!settings.apiKey) return null;
  return PRESETS[settings.preset].auth === 'api-key'
    ? { name: 'api-key', value: settings.apiKey }
    : { name: 'Authorization', value: `Bearer ${settings.apiKey}` };
}

/** Cost in US dollars of one call, from the token counts and the configured prices. */
export function costUsd(settings: Pick<ProviderSettings, 'priceInPerMillion' | 'priceOutPerMillion'>, tokensIn: number, tokensOut: number): number {
  const usd = (tokensIn * settings.priceInPerMillion + tokensOut * settings.priceOutPerMillion) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** Whether a call estimated at `nextUsd` still fits under the monthly cap, given this month's spend. */
export function withinMonthlyCap(settings: Pick<ProviderSettings, 'monthlyCapUsd'>, spentThisMonthUsd: number, nextUsd = 0): boolean {
  if (settings.monthlyCapUsd === undefined) return true;
  return spentThisMonthUsd + nextUsd <= settings.monthlyCapUsd;
}
