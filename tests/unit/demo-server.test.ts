import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';

/** A raw GET that sends the path exactly as given (fetch would normalise `..` away). */
function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startDemoServer', () => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemoServer({ port: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on a real port when asked for port 0', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('serves the inbox at /', async () => {
    const res = await rawGet(server.port, '/');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.body).toContain('data-testid="ticket-link"');
    expect(res.body).toContain('/tickets/1001.html');
  });

  it('serves ticket pages and assets with their content types', async () => {
    const ticket = await rawGet(server.port, '/tickets/1001.html');
    expect(ticket.status).toBe(200);
    expect(ticket.body).toContain('data-ticket-id="1001"');

    const withQuery = await rawGet(server.port, '/tickets/1001.html?from=inbox');
    expect(withQuery.status).toBe(200);

    const css = await rawGet(server.port, '/tidydesk.css');
    expect(css.status).toBe(200);
    expect(css.type).toMatch(/^text\/css/);

    const js = await rawGet(server.port, '/tidydesk.js');
    expect(js.status).toBe(200);
    expect(js.type).toMatch(/^text\/javascript/);
  });

  it('answers unknown paths with a 404 page', async () => {
    const res = await rawGet(server.port, '/tickets/9999.html');
    expect(res.status).toBe(404);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.body).toContain('not found');
  });

  it.each(['/../package.json', '/%2e%2e/package.json', '/tickets/../../package.json', '/..%2fpackage.json', '/..%5cpackage.json'])(
    'does not serve files outside demo/: %s',
    async (path) => {
      const res = await rawGet(server.port, path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('"ticket-copilot"');
    },
  );

  it.each([
    ['/vendor/prosemirror-model/dist/index.js', /^text\/javascript/, 'export'],
    ['/vendor/w3c-keyname/index.js', /^text\/javascript/, 'export'],
    ['/vendor/prosemirror-view/style/prosemirror.css', /^text\/css/, '.ProseMirror'],
    ['/vendor/jquery/dist/jquery.min.js', /^text\/javascript/, 'jQuery'],
    ['/vendor/jquery/dist/jquery.min.map', /^application\/json/, '"mappings"'],
    ['/vendor/summernote/dist/summernote-lite.min.css', /^text\/css/, '.note-editor'],
    ['/vendor/summernote/dist/font/summernote.woff2', /^font\/woff2/, ''],
    ['/vendor/ckeditor5/dist/browser/ckeditor5.js', /^text\/javascript/, 'ClassicEditor'],
  ])('serves the editor library file %s', async (path, type, contains) => {
    const res = await rawGet(server.port, path);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(type);
    expect(res.body).toContain(contains);
  });

  it.each([
    '/vendor/jquery/package.json',
    '/vendor/ckeditor5/dist/ckeditor5.js',
    '/vendor/prosemirror-view/src/index.ts',
    '/vendor/react/index.js',
    '/vendor/vitest/package.json',
    '/vendor/jquery/dist',
    '/vendor/jquery/dist/',
    '/vendor/',
    '/vendor/jquery//dist/jquery.js',
    '/vendor/jquery/./dist/jquery.js',
    '/vendor/jquery/dist/../package.json',
    '/vendor/jquery/dist/%2e%2e/package.json',
    '/vendor/jquery/dist/..%2f..%2f..%2fpackage.json',
    '/vendor/jquery/dist/..%5cpackage.json',
    '/vendor/..%2fpackage.json',
    '/vendor/%2e%2e/package.json',
    '/vendor/constructor/index.js',
    '/vendor/__proto__/dist/index.js',
    '/vendor/summernote/dist/.hidden',
  ])('serves nothing else under /vendor/: %s', async (path) => {
    const res = await rawGet(server.port, path);
    expect(res.status).toBe(404);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.body).not.toContain('"name"');
  });

  it.each(['1009', '1010', '1011'])('serves the rich-text ticket %s with its editor loaded from /vendor/', async (id) => {
    const res = await rawGet(server.port, `/tickets/${id}.html`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(`data-ticket-id="${id}"`);
    expect(res.body).toContain('data-reply-editor=');
    expect(res.body).toContain('src="/editors/reply-thread.js"');
    const vendored = [...res.body.matchAll(/"(\/vendor\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(vendored.length).toBeGreaterThan(0);
    for (const path of vendored) expect((await rawGet(server.port, path)).status, path).toBe(200);
  });

  it('serves the same file through a harmless path', async () => {
    const res = await rawGet(server.port, '/tickets/./1002.html');
    expect(res.status).toBe(200);
    expect(res.body).toContain('data-ticket-id="1002"');
  });
});
