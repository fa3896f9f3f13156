import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Static server for the demo helpdesk in `demo/` (node:http only, no dependencies).
 *
 * `/vendor/<package>/<path>` serves the editor libraries some demo pages load (ProseMirror,
 * Summernote with jQuery, CKEditor 5) read-only from `node_modules`, limited to an allow-list of
 * packages and, inside each, of folders or files. Everything else under `/vendor/` is a 404.
 */

export interface DemoServerOptions {
  /** Default 5199; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface DemoServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:5199/`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_DEMO_PORT = 5199;
export const DEFAULT_DEMO_HOST = '127.0.0.1';

const DEMO_ROOT = resolve(fileURLToPath(new URL('../demo/', import.meta.url)));
const NODE_MODULES = resolve(fileURLToPath(new URL('../node_modules/', import.meta.url)));

/** The URL prefix of the vendor route. */
export const VENDOR_PREFIX = '/vendor/';

/**
 * Packages the demo pages may load, each with the folders or files inside it that are served.
 * Package manifests, sources and anything not listed stay private.
 */
export const VENDOR_ALLOW_LIST: Readonly<Record<string, readonly string[]>> = {
  'prosemirror-model': ['dist'],
  'prosemirror-state': ['dist'],
  'prosemirror-view': ['dist', 'style'],
  'prosemirror-transform': ['dist'],
  'prosemirror-schema-basic': ['dist'],
  'prosemirror-keymap': ['dist'],
  'prosemirror-commands': ['dist'],
  'prosemirror-history': ['dist'],
  orderedmap: ['dist'],
  'rope-sequence': ['dist'],
  'w3c-keyname': ['index.js'],
  jquery: ['dist'],
  summernote: ['dist'],
  ckeditor5: ['dist/browser'],
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
};

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Not found · Tidydesk</title>
  <link rel="stylesheet" href="/tidydesk.css">
</head>
<body class="td-body">
  <main class="td-main">
    <h1>Page not found</h1>
    <p>There is nothing at this address. <a href="/">Back to the inbox</a></p>
  </main>
</body>
</html>
`;

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The decoded path of a request URL, or null when it is malformed or could climb out of a folder. */
function decodedPath(rawUrl: string): string | null {
  const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  // Any `..` segment is refused outright, even when it would stay inside the root.
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  return decoded;
}

/** `file` as a regular file whose real path stays inside `root` (itself a real path), or null. */
async function fileInside(root: string, file: string): Promise<string | null> {
  if (!isInside(root, file)) return null;
  try {
    const real = await realpath(file);
    if (!isInside(root, real)) return null;
    const info = await stat(real);
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Maps a request path to a file under `root`, or null when it is malformed or escapes the root.
 * `/` and directory paths map to their `index.html`.
 */
async function resolveRequestPath(root: string, rawUrl: string): Promise<string | null> {
  const decoded = decodedPath(rawUrl);
  if (decoded === null) return null;

  let file = resolve(join(root, decoded));
  if (!isInside(root, file)) return null;

  try {
    const info = await stat(file);
    if (info.isDirectory()) file = join(file, 'index.html');
  } catch {
    return null;
  }
  return fileInside(root, file);
}

/**
 * Maps `/vendor/<package>/<path>` to a file in an allowed folder (or an allowed file) of an
 * allowed package in `node_modules`, or null. Folders are never listed; there is no index file.
 */
async function resolveVendorPath(nodeModules: string, rawUrl: string): Promise<string | null> {
  const decoded = decodedPath(rawUrl);
  if (decoded === null || !decoded.startsWith(VENDOR_PREFIX)) return null;
  const segments = decoded.slice(VENDOR_PREFIX.length).split('/');
  // Only plain segments: no empty ones (`//`), no `.`, and no hidden files.
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return null;
  const [name, ...rest] = segments;
  if (name === undefined || !Object.hasOwn(VENDOR_ALLOW_LIST, name)) return null;
  const relative = rest.join('/');
  const allowed = (VENDOR_ALLOW_LIST[name] ?? []).find((entry) => relative === entry || relative.startsWith(`${entry}/`));
  if (allowed === undefined) return null;

  let allowedRoot: string;
  try {
    allowedRoot = await realpath(join(nodeModules, name, allowed));
  } catch {
    return null;
  }
  const file = relative === allowed ? allowedRoot : resolve(join(allowedRoot, relative.slice(allowed.length + 1)));
  return fileInside(allowedRoot, file);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer | string,
  extraHeaders: Record<string, string> = {},
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': String(payload.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(req, res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const url = req.url ?? '/';
  const isVendor = (decodedPath(url) ?? '').startsWith(VENDOR_PREFIX);
  const file = isVendor ? await resolveVendorPath(NODE_MODULES, url) : await resolveRequestPath(root, url);
  if (!file) {
    send(req, res, 404, 'text/html; charset=utf-8', NOT_FOUND_PAGE);
    return;
  }
  const body = await readFile(file);
  send(req, res, 200, contentTypeOf(file), body);
}

export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const host = opts.host ?? DEFAULT_DEMO_HOST;
  const requestedPort = opts.port ?? DEFAULT_DEMO_PORT;
  const root = await realpath(DEMO_ROOT);

  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'Internal server error\n');
      else res.destroy();
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      rejectListen(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(requestedPort, host);
  });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
