/**
 * A scriptable OpenAI-compatible HTTP server for tests (node:http on 127.0.0.1, a free port).
 * Routes: `…/models`, `…/chat/completions` (JSON and SSE streaming), `…/embeddings` (float and
 * base64). Any path prefix works, so `/v1/chat/completions` and Azure's
 * `/openai/deployments/{d}/chat/completions?api-version=…` both reach the same handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ScriptedReply {
  /** HTTP status; >= 400 answers with an OpenAI-style error body. */
  status?: number;
  errorMessage?: string;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** The assistant's content. */
  content?: string;
  /** Explicit stream pieces (default: `content` in pieces of 8 characters). */
  chunks?: string[];
  /** Wait this long before the first byte (status line included). */
  delayMs?: number;
  /** Wait this long between stream chunks. */
  chunkDelayMs?: number;
  /** Streaming: send this many content chunks, then cut the connection (no finish, no [DONE]). */
  stopAfterChunks?: number;
  /** Send this body as is, with status 200 and a JSON content type (malformed JSON). */
  rawBody?: string;
  /** Usage to report; null to report none. Default: counted from the text (characters ÷ 4). */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  finishReason?: string;
  /** Build the reply from the request (e.g. echo the placeholders the request contains). */
  respond?: (body: Record<string, unknown>) => Omit<ScriptedReply, 'respond'>;
}

export interface ServerOptions {
  /** Models `/models` lists; a chat request for another model gets 404. Empty: accept any. */
  models?: string[];
  /** Accept `response_format: json_schema` (else 400). Default true. */
  jsonSchema?: boolean;
  /** Accept `response_format: json_object` (else 400). Default true. */
  jsonObject?: boolean;
  /** When set, requests without this key (as Bearer or `api-key`) get 401. */
  apiKey?: string;
  /**
   * When set, a request whose `Origin` header is not listed gets 403, as Ollama answers a browser
   * extension until `OLLAMA_ORIGINS` allows it. Requests without an `Origin` (Node, curl) pass.
   */
  allowedOrigins?: string[];
  /** Length of the vectors `/embeddings` returns (default 64). */
  embeddingDims?: number;
  /** What `/embeddings` does with `encoding_format: base64`: honour it (default), ignore it (send floats), or refuse it (400). */
  embeddingBase64?: 'honour' | 'ignore' | 'refuse';
  /** `/embeddings` answers 400 to requests with more inputs than this. */
  maxEmbeddingInputs?: number;
  /** Embedding models `/embeddings` knows; another gets 404. Absent: accept any. */
  embeddingModels?: string[];
}

export interface LoggedRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
}

export interface OpenAIServer {
  /** `http://127.0.0.1:port` */
  origin: string;
  /** `origin + /v1` */
  baseUrl: string;
  requests: LoggedRequest[];
  options: ServerOptions;
  /** Queue replies for the next chat requests, in order. */
  script(...replies: ScriptedReply[]): void;
  /** The reply used when the queue is empty. */
  setDefault(reply: ScriptedReply): void;
  /** Queue replies for the next `/embeddings` requests (status, headers, delay, raw body); empty: embed. */
  scriptEmbeddings(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const type = status === 401 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : 'api_error';
  sendJson(res, status, { error: { message, type, code: null, param: null } }, headers);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The test server's embedding model: hashed features (each word, and each character trigram of
 * each word) into `dims` signed buckets, L2-normalised. Deterministic and cheap; texts sharing
 * words and word pieces come out similar. It is not a semantic model: it knows no synonyms.
 */
export function hashEmbedding(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const bucket = h % dims;
    v[bucket] = (v[bucket] ?? 0) + (h & 0x80000000 ? -weight : weight);
  };
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    add(`w:${word}`, 1);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.5);
  }
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => Math.fround(x / norm)) : v.map((_, i) => (i === 0 ? 1 : 0));
}

function piecesOf(reply: ScriptedReply): string[] {
  if (reply.chunks) return reply.chunks;
  const content = reply.content ?? '';
  const out: string[] = [];
  for (let i = 0; i < content.length; i += 8) out.push(content.slice(i, i + 8));
  return out;
}

export async function startOpenAIServer(options: ServerOptions = {}): Promise<OpenAIServer> {
  const requests: LoggedRequest[] = [];
  const queue: ScriptedReply[] = [];
  const embeddingQueue: ScriptedReply[] = [];
  let fallback: ScriptedReply = { content: 'OK' };
  const sockets = new Set<Socket>();

  async function chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const next = queue.shift() ?? fallback;
    const reply = next.respond ? { ...next, ...next.respond(body) } : next;
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) return sendError(res, reply.status, reply.errorMessage ?? `scripted ${reply.status}`, reply.headers);
    if (reply.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    const content = reply.content ?? (reply.chunks ? reply.chunks.join('') : '');
    const promptChars = JSON.stringify(body.messages ?? '').length;
    const usage =
      reply.usage === null ? undefined : (reply.usage ?? { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4) });
    const base = { id: 'chatcmpl-test', created: Math.floor(Date.now() / 1000), model };
    if (body.stream !== true) {
      sendJson(
        res,
        200,
        {
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: reply.finishReason ?? 'stop', logprobs: null }],
          ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
        },
        reply.headers,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    chunk({ role: 'assistant', content: '' }, null);
    const pieces = piecesOf(reply);
    for (const [i, piece] of pieces.entries()) {
      if (reply.stopAfterChunks !== undefined && i >= reply.stopAfterChunks) {
        // Let what was written reach the client first, so the cut lands mid-stream.
        await sleep(30);
        res.socket?.destroy();
        return;
      }
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (res.destroyed) return;
      chunk({ content: piece }, null);
    }
    chunk({}, reply.finishReason ?? 'stop');
    const streamOptions = body.stream_options;
    if (usage && isRecord(streamOptions) && streamOptions.include_usage === true) {
      send({ ...base, object: 'chat.completion.chunk', choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
    }
    res.write('data: [DONE]\n\n');
    res.end();
  }

  async function embeddings(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const reply = embeddingQueue.shift();
    if (reply?.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    if (reply?.status && reply.status >= 400) return sendError(res, reply.status, reply.errorMessage ?? `scripted ${reply.status}`, reply.headers);
    if (reply?.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    if (options.embeddingModels && !options.embeddingModels.includes(String(body.model))) {
      return sendError(res, 404, `model "${String(body.model)}" not found`);
    }
    const input = body.input;
    const texts = Array.isArray(input) ? input.map(String) : [String(input)];
    if (options.maxEmbeddingInputs !== undefined && texts.length > options.maxEmbeddingInputs) {
      return sendError(res, 400, `too many inputs: ${texts.length} > ${options.maxEmbeddingInputs}`);
    }
    const asked = body.encoding_format === 'base64';
    const mode = options.embeddingBase64 ?? 'honour';
    if (asked && mode === 'refuse') return sendError(res, 400, "encoding_format 'base64' is not supported");
    const base64 = asked && mode === 'honour';
    const data = texts.map((t, index) => {
      const v = hashEmbedding(t, options.embeddingDims);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v };
    });
    const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, reply?.headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: unknown = null;
    try {
      body = rawBody ? JSON.parse(rawBody) : null;
    } catch {
      body = rawBody;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', path: url.pathname, headers, body, rawBody });

    const requestOrigin = headers.origin;
    if (options.allowedOrigins && requestOrigin && !options.allowedOrigins.includes(requestOrigin)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden');
      return;
    }
    if (options.apiKey) {
      const given = headers['api-key'] ?? headers.authorization?.replace(/^Bearer\s+/i, '');
      if (given !== options.apiKey) return sendError(res, 401, 'Incorrect API key provided.');
    }
    if (req.method === 'GET' && url.pathname.endsWith('/models')) {
      return sendJson(res, 200, { object: 'list', data: (options.models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) });
    }
    if (req.method !== 'POST' || !isRecord(body)) return sendError(res, 404, `no route for ${req.method ?? '?'} ${url.pathname}`);
    if (url.pathname.endsWith('/embeddings')) return embeddings(body, res);
    if (url.pathname.endsWith('/chat/completions')) {
      if (options.models && options.models.length > 0 && !options.models.includes(String(body.model))) {
        return sendError(res, 404, `model "${String(body.model)}" not found`);
      }
      const format = body.response_format;
      if (isRecord(format)) {
        if (format.type === 'json_schema' && options.jsonSchema === false) return sendError(res, 400, 'response_format json_schema is not supported');
        if (format.type === 'json_object' && options.jsonObject === false) return sendError(res, 400, 'response_format json_object is not supported');
      }
      return chat(body, res);
    }
    return sendError(res, 404, `no route for ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    requests,
    options,
    script: (...replies) => queue.push(...replies),
    scriptEmbeddings: (...replies) => embeddingQueue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
