// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskText, pageSnapshot } from '../../lib/ticket/snapshot';
import { tidydeskAdapter } from '../../lib/ticket/adapters/tidydesk';

const page = readFileSync(resolve(import.meta.dirname, '../../demo/tickets/1001.html'), 'utf8').replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, '');

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

describe('page snapshot', () => {
  it('masks letters and digits, keeps shape', () => {
    expect(maskText('Emma Clarke, order FH-48213!')).toBe('xxxx xxxxxx, xxxxx xx-00000!');
    expect(maskText('Grüße, Jürgen')).toBe('xxxxx, xxxxxx');
  });

  it('keeps the structure an adapter reads and no customer text', () => {
    const doc = parse(page);
    const snapshot = pageSnapshot(doc);
    for (const secret of ['Emma', 'emma.clarke@example.com', 'FH-48213', 'Parcel never arrived', 'teapot']) {
      expect(snapshot).not.toContain(secret);
    }
    const masked = parse(snapshot);
    // The same adapter still finds the same structure.
    expect(tidydeskAdapter.matches(new URL('http://127.0.0.1/tickets/1001.html'), masked)).toBe(true);
    const original = tidydeskAdapter.extract(doc, new URL('http://127.0.0.1/tickets/1001.html'));
    const copy = tidydeskAdapter.extract(masked, new URL('http://127.0.0.1/tickets/1001.html'));
    expect(copy?.messages.map((m) => m.role)).toEqual(original?.messages.map((m) => m.role));
    expect(copy?.subject.length).toBe(original?.subject.length);
    expect(copy?.subject).toMatch(/^[x ]+$/);
  });

  it('drops scripts, event handlers, sources and styles; masks attribute text', () => {
    const doc = parse(
      `<html><body><div class="msg" data-email="ann@x.test" title="Ann Lee" onclick="steal()" style="color:red">` +
        `<img src="https://cdn.test/a.png" alt="Ann's photo"><a href="mailto:ann@x.test">Ann</a><script>var token = "abc123";</script>` +
        `<input value="4111 1111 1111 1111"><!-- internal comment --></div></body></html>`,
    );
    const snapshot = pageSnapshot(doc);
    expect(snapshot).not.toMatch(/steal|abc123|cdn\.test|color:red|ann@x|Ann|4111|internal comment/);
    expect(snapshot).toContain('class="msg"');
    expect(snapshot).toContain('data-email="xxx@x.xxxx"');
    expect(snapshot).toContain('href="mailto:xxx@x.xxxx"');
    expect(snapshot).toContain('value="0000 0000 0000 0000"');
  });

  it('leaves the page itself untouched', () => {
    const doc = parse(page);
    const before = doc.documentElement.outerHTML;
    pageSnapshot(doc);
    expect(doc.documentElement.outerHTML).toBe(before);
  });
});
