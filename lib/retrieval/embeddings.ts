import { BadRequestError } from 'openai';
import { createClient, describeProviderError, type ClientOptions, type ProviderErrorKind } from '../drafting/model-client';
import type { ProviderSettings } from '../drafting/provider-settings';

/**
 * The embeddings client: the configured OpenAI-compatible server's `/embeddings`, reached through
 * the same openai SDK client as drafts (so Azure's `api-key`, keyless local servers, retries,
 * timeouts and abort signals behave the same). Inputs are sent in batches; vectors come back as
 * Float32Arrays in input order.
 */

/** Inputs per request. OpenAI accepts 2048; local servers are often slower with large batches. */
export const EMBED_BATCH_SIZE = 64;
/** Characters per request (≈ 15k tokens): well under every hosted limit, gentle on local servers. */
export const EMBED_BATCH_CHARS = 60_000;
/** Longer inputs are cut: 8,000 characters is about 2,000 tokens, inside small local models' windows. */
export const MAX_EMBED_INPUT_CHARS = 8_000;

export type EmbeddingErrorKind = ProviderErrorKind | 'not-configured' | 'bad-response';

/** A failed embeddings request, with one sentence a person can act on. */
export class EmbeddingError extends Error {
  constructor(
    readonly kind: EmbeddingErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EmbeddingError';
  }
}

export interface Embedder {
  /** The embedding model (for Azure: the deployment name). */
  readonly model: string;
  /** One vector per text, in order. Throws EmbeddingError. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/**
 * The provider settings to use for `/embeddings`: the same server and key, the embedding model in
 * place of the chat model. Azure addresses name one deployment in the URL, so the chat
 * deployment is swapped for the embedding deployment there.
 */
export function embeddingSettings(settings: ProviderSettings): ProviderSettings {
  const model = settings.embeddingModel?.trim();
  if (!model) throw new EmbeddingError('not-configured', 'No embedding model is set. Enter one under Options → Model → Embeddings (for example text-embedding-3-small, or nomic-embed-text for Ollama).');
  if (settings.preset !== 'azure') return { ...settings, model };
  const baseUrl = settings.baseUrl.replace(/\/deployments\/[^/?#]+/, `/deployments/${encodeURIComponent(model)}`);
  return { ...settings, model, baseUrl };
}

/** Bytes of a base64 string (atob exists in browsers, workers and Node ≥ 16). */
function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * One embedding as the server sent it: a base64 string of little-endian float32s (when it honours
 * `encoding_format: 'base64'`) or a plain array of numbers (when it ignores the format). Throws
 * EmbeddingError for anything else, and for empty or non-finite vectors.
 */
export function decodeEmbedding(value: unknown): Float32Array {
  let out: Float32Array;
  if (typeof value === 'string') {
    let bytes: Uint8Array;
    try {
      bytes = base64Bytes(value);
    } catch {
      throw new EmbeddingError('bad-response', 'The server sent an embedding that is not valid base64.');
    }
    if (bytes.length % 4 !== 0) throw new EmbeddingError('bad-response', `The server sent a base64 embedding of ${bytes.length} bytes, which is not a whole number of float32 values.`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    out = new Float32Array(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (Array.isArray(value) && value.every((x) => typeof x === 'number')) {
    out = Float32Array.from(value);
  } else {
    throw new EmbeddingError('bad-response', 'The server sent an embedding that is neither a list of numbers nor base64.');
  }
  if (out.length === 0) throw new EmbeddingError('bad-response', 'The server sent an empty embedding.');
  for (const x of out) if (!Number.isFinite(x)) throw new EmbeddingError('bad-response', 'The server sent an embedding with values that are not numbers.');
  return out;
}

/** Split inputs into requests of at most `size` texts and `chars` characters (a longer text goes alone). */
export function batchesOf(texts: readonly string[], size = EMBED_BATCH_SIZE, chars = EMBED_BATCH_CHARS): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const text of texts) {
    if (current.length > 0 && (current.length >= size || length + text.length > chars)) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(text);
    length += text.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** What is sent for one text: cut to the input limit; an empty text becomes one space (servers refuse ""). */
export function embeddingInput(text: string): string {
  const cut = text.length > MAX_EMBED_INPUT_CHARS ? text.slice(0, MAX_EMBED_INPUT_CHARS) : text;
  return cut.trim() === '' ? ' ' : cut;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The vectors of one response in input order, checked for count and a common dimension. */
function vectorsOf(response: unknown, expected: number): Float32Array[] {
  const data = isRecord(response) ? response.data : undefined;
  if (!Array.isArray(data)) throw new EmbeddingError('bad-response', 'The server answered /embeddings without a "data" list. Check that the base URL points at an OpenAI-compatible API.');
  if (data.length !== expected) throw new EmbeddingError('bad-response', `The server sent ${data.length} embeddings for ${expected} inputs.`);
  const out = new Array<Float32Array | undefined>(expected);
  data.forEach((item, position) => {
    if (!isRecord(item)) throw new EmbeddingError('bad-response', 'The server sent an embedding entry that is not an object.');
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Number.isInteger(index) || index < 0 || index >= expected || out[index]) {
      throw new EmbeddingError('bad-response', `The server sent embeddings with a wrong or repeated index (${String(item.index)}).`);
    }
    out[index] = decodeEmbedding(item.embedding);
  });
  const vectors = out.filter((v): v is Float32Array => v !== undefined);
  const dims = vectors[0]?.length ?? 0;
  if (vectors.some((v) => v.length !== dims)) throw new EmbeddingError('bad-response', 'The server sent embeddings of different lengths in one answer.');
  return vectors;
}

/**
 * An embedder for the configured provider. The SDK's own retries (429, 5xx, honouring Retry-After)
 * and timeout apply. Vectors are asked for as base64 (a quarter of the bytes of JSON numbers);
 * servers that ignore the format are decoded all the same, and a server that refuses it (400) is
 * asked again with `float`, which is then kept for this embedder.
 */
export function createEmbedder(settings: ProviderSettings, options: ClientOptions = {}): Embedder {
  const forEmbedding = embeddingSettings(settings);
  const { sdk } = createClient(forEmbedding, options);
  const model = forEmbedding.model;
  let format: 'base64' | 'float' = 'base64';

  const request = async (input: string[], signal?: AbortSignal): Promise<unknown> => {
    const call = () => sdk.embeddings.create({ model, input, encoding_format: format }, signal ? { signal } : {});
    try {
      return await call();
    } catch (error) {
      if (format === 'base64' && error instanceof BadRequestError && !signal?.aborted) {
        format = 'float';
        return await call();
      }
      throw error;
    }
  };

  return {
    model,
    async embed(texts, signal) {
      const out: Float32Array[] = [];
      for (const batch of batchesOf(texts.map(embeddingInput))) {
        if (signal?.aborted) throw new EmbeddingError('aborted', 'Embedding was cancelled.');
        let response: unknown;
        try {
          response = await request(batch, signal);
        } catch (error) {
          const described = describeProviderError(error, forEmbedding);
          throw new EmbeddingError(described.kind, described.message, described.status);
        }
        out.push(...vectorsOf(response, batch.length));
      }
      const dims = out[0]?.length ?? 0;
      if (out.some((v) => v.length !== dims)) throw new EmbeddingError('bad-response', 'The server sent embeddings of different lengths for one model.');
      return out;
    },
  };
}

/**
 * The vector of one query (the guard's masked ticket text: it leaves the browser). Throws
 * EmbeddingError; the caller falls back to lexical retrieval.
 */
export async function embedQuery(embedder: Embedder, text: string, signal?: AbortSignal): Promise<Float32Array> {
  if (text.trim() === '') throw new EmbeddingError('bad-response', 'There is no text to embed.');
  const [vector] = await embedder.embed([text], signal);
  if (!vector) throw new EmbeddingError('bad-response', 'The server sent no embedding for the query.');
  return vector;
}
