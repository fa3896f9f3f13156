import { browser, type Browser } from 'wxt/browser';
import { ProviderSettingsSchema } from '../drafting/provider-settings';
import type { ClientOptions } from '../drafting/model-client';
import { dropOtherModels, syncEmbeddings, type EmbedProgress, type SyncResult } from '../kb/embedding-store';
import { createEmbedder, EmbeddingError, type Embedder } from '../retrieval/embeddings';
import { EMBED_PORT_NAME, EmbedPortRequest, EmbeddingsSaveRequest, type EmbedPortPush, type EmbeddingsSaveReply } from '../messages';
import type { CopilotDb } from '../db';
import { db as defaultDb } from './database';
import { getProviderSettings, providerItem } from './provider-store';

const NO_PROVIDER = 'Set up the model under Options → Model first: embeddings use the same server and key.';

/** `embeddings/save`: merge the switch and the model into the stored provider settings. */
export async function handleEmbeddingsSave(request: Pick<EmbeddingsSaveRequest, 'enabled' | 'model'>): Promise<EmbeddingsSaveReply> {
  const stored = await getProviderSettings();
  if (!stored) return { ok: false, message: `Not saved. ${NO_PROVIDER}` };
  const model = request.model.trim();
  if (request.enabled && !model) return { ok: false, message: 'Not saved. Enter the embedding model (for example text-embedding-3-small, or nomic-embed-text for Ollama).' };
  const parsed = ProviderSettingsSchema.safeParse({ ...stored, embeddingsEnabled: request.enabled, embeddingModel: model || undefined });
  if (!parsed.success) return { ok: false, message: `Not saved. ${parsed.error.issues[0]?.message ?? 'The settings are not valid.'}` };
  await providerItem.setValue(parsed.data);
  return {
    ok: true,
    message: request.enabled ? `Saved. Retrieval will also rank passages with "${model}" once the knowledge base is embedded.` : 'Saved. Retrieval uses words only.',
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** The closing sentence of a run. */
export function describeSync(result: SyncResult, model: string): string {
  if (!result.error) {
    if (result.total === 0) return 'The knowledge base is empty: there is nothing to embed.';
    const parts = [`${plural(result.embedded, 'passage')} embedded`, result.reused > 0 ? `${plural(result.reused, 'passage')} already up to date` : ''].filter(Boolean);
    return `Done: all ${plural(result.total, 'passage')} have vectors from "${model}" (${parts.join(', ')}).`;
  }
  const kept = `${result.done.toLocaleString('en')} of ${plural(result.total, 'passage')} have vectors; embedding again continues from there.`;
  return `${result.error.message} ${kept}`;
}

export interface EmbedRunOptions {
  db?: CopilotDb;
  client?: ClientOptions;
  signal?: AbortSignal;
  onProgress?: (progress: EmbedProgress) => void;
}

/**
 * Embed the KB's passages with the stored settings (missing and changed ones only), then drop
 * the vectors of other models. Never throws: the result says what happened in one sentence.
 */
export async function runEmbedding(options: EmbedRunOptions = {}): Promise<{ ok: boolean; message: string } & EmbedProgress> {
  const none = { done: 0, total: 0, embedded: 0, reused: 0 };
  const settings = await getProviderSettings();
  if (!settings) return { ok: false, message: NO_PROVIDER, ...none };
  let embedder: Embedder;
  try {
    embedder = createEmbedder(settings, { dangerouslyAllowBrowser: true, ...options.client });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error), ...none };
  }
  const db = options.db ?? defaultDb;
  const result = await syncEmbeddings(db, embedder, {
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (p) => options.onProgress?.(p),
  });
  const counts = { done: result.done, total: result.total, embedded: result.embedded, reused: result.reused };
  if (result.error) return { ok: false, message: describeSync(result, embedder.model), ...counts };
  try {
    await dropOtherModels(db, embedder.model);
  } catch (error) {
    // The new vectors are in place; old ones only take disk space.
    console.warn('Old embedding vectors could not be removed:', error instanceof EmbeddingError ? error.message : error);
  }
  return { ok: true, message: describeSync(result, embedder.model), ...counts };
}

/** Only our own extension pages (Options), not content scripts or web pages. */
function fromOwnExtensionPage(sender: Browser.runtime.MessageSender | undefined): boolean {
  return Boolean(sender && sender.id === browser.runtime.id && !sender.tab?.url?.startsWith('http') && sender.url?.startsWith(browser.runtime.getURL('/')));
}

export interface EmbeddingWiring {
  /** Called after a run changed the stored vectors (to reload the vector index). */
  onUpdated?: (model: string | null) => void;
}

/** Register `embeddings/save` and the `kb-embed` port; call once when the worker starts. */
export function wireEmbeddingMessages(wiring: EmbeddingWiring = {}): void {
  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: EmbeddingsSaveReply) => void) => {
    if (!fromOwnExtensionPage(sender)) return undefined;
    const parsed = EmbeddingsSaveRequest.safeParse(raw);
    if (!parsed.success) return undefined;
    handleEmbeddingsSave(parsed.data).then(
      (reply) => {
        sendResponse(reply);
        wiring.onUpdated?.(null);
      },
      (error: unknown) => sendResponse({ ok: false, message: `The background could not save that: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return true;
  });

  let running: AbortController | null = null;
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== EMBED_PORT_NAME || !fromOwnExtensionPage(port.sender)) return;
    const post = (message: EmbedPortPush) => {
      try {
        port.postMessage(message);
      } catch {
        // The page went away; the run is cancelled by onDisconnect.
      }
    };
    let mine: AbortController | null = null;
    port.onDisconnect.addListener(() => mine?.abort());
    port.onMessage.addListener((raw: unknown) => {
      if (!EmbedPortRequest.safeParse(raw).success) return;
      if (running) {
        post({ type: 'finished', ok: false, message: 'The knowledge base is already being embedded (in another Options tab). Wait for it to finish.', done: 0, total: 0, embedded: 0, reused: 0 });
        return;
      }
      const controller = new AbortController();
      running = controller;
      mine = controller;
      // Each progress message is an extension call, which keeps the worker awake during a long run.
      void runEmbedding({ signal: controller.signal, onProgress: (p) => post({ type: 'progress', ...p }) })
        .then((result) => {
          post({ type: 'finished', ...result });
          wiring.onUpdated?.(null);
        })
        .finally(() => {
          if (running === controller) running = null;
        });
    });
  });
}
