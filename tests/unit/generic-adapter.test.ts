// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../lib/ticket/adapters/generic';
import { tidydeskAdapter } from '../../lib/ticket/adapters/tidydesk';
import { pickAdapter, readTicket } from '../../lib/ticket/reader';

const ROOT = resolve(import.meta.dirname, '../..');

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

function demoPage(file: string): Document {
  return parse(readFileSync(resolve(ROOT, 'demo', file), 'utf8').replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, ''));
}

const FORUM_THREAD = `<!doctype html><html><head><title>Support thread</title></head><body>
  <h1>Refund for my cracked mug</h1>
  <article>
    <p>Hello, I ordered a ceramic mug last week and it arrived cracked along the handle. The box was dented as well.</p>
    <p>I would like a refund to my card please, or a replacement if that is quicker. Photos are attached to this message.</p>
    <p>On Mon, 3 Mar 2025 at 10:00, Shop wrote:</p>
    <p>&gt; Thanks for your order!</p>
  </article>
  <form><textarea aria-label="Reply"></textarea><button type="button">Send</button></form>
</body></html>`;

describe('picking an adapter', () => {
  it.each([
    ['tickets/1001.html', 'tidydesk'],
    ['index.html', 'tidydesk'],
    ['about.html', 'generic'],
  ])('%s → %s', (file, id) => {
    expect(pickAdapter(new URL(`http://127.0.0.1:5199/${file}`), demoPage(file)).id).toBe(id);
  });
});

describe('the generic Readability fallback', () => {
  it('reads a page with a conversation and a reply box as one customer message', () => {
    const doc = parse(FORUM_THREAD);
    const ticket = readTicket(genericAdapter, doc, new URL('http://localhost:8080/thread/7'));
    expect(ticket).not.toBeNull();
    expect(ticket?.helpdesk).toBe('generic');
    expect(ticket?.subject).toBe('Refund for my cracked mug');
    expect(ticket?.messages).toHaveLength(1);
    expect(ticket?.messages[0]?.role).toBe('customer');
    expect(ticket?.messages[0]?.text).toContain('arrived cracked');
    expect(ticket?.messages[0]?.text).not.toContain('Thanks for your order');
    expect(ticket?.language).toBe('en');
  });

  it('gives the same page the same ticket id, and another page another', () => {
    const a = genericAdapter.extract(parse(FORUM_THREAD), new URL('http://localhost:8080/thread/7'));
    const b = genericAdapter.extract(parse(FORUM_THREAD), new URL('http://localhost:8080/thread/7'));
    const c = genericAdapter.extract(parse(FORUM_THREAD), new URL('http://localhost:8080/thread/8'));
    expect(a?.ticketId).toBe(b?.ticketId);
    expect(a?.ticketId).not.toBe(c?.ticketId);
  });

  it('finds no ticket on a page without a reply box', () => {
    expect(readTicket(genericAdapter, demoPage('about.html'), new URL('http://127.0.0.1:5199/about.html'))).toBeNull();
  });

  it('finds no ticket in the demo inbox', () => {
    expect(readTicket(tidydeskAdapter, demoPage('index.html'), new URL('http://127.0.0.1:5199/'))).toBeNull();
  });

  it('reports a reply sent with a Send button', () => {
    const doc = parse(FORUM_THREAD);
    document.body.replaceChildren(...Array.from(doc.body.childNodes).map((n) => document.importNode(n, true)));
    const sent: string[] = [];
    const controller = new AbortController();
    genericAdapter.onSend(document, (text) => sent.push(text), controller.signal);
    const editor = genericAdapter.editor(document);
    expect(editor).not.toBeNull();
    if (editor instanceof HTMLTextAreaElement) editor.value = 'Sorry about the mug — a refund is on its way.';
    document.querySelector('button')?.click();
    controller.abort();
    document.querySelector('button')?.click();
    expect(sent).toEqual(['Sorry about the mug — a refund is on its way.']);
  });
});

describe('reading the demo tickets', () => {
  it.each(['1001', '1003', '1006', '1007'])('ticket %s: cleaned customer text and a language', (id) => {
    const ticket = readTicket(tidydeskAdapter, demoPage(`tickets/${id}.html`), new URL(`http://127.0.0.1:5199/tickets/${id}.html`));
    expect(ticket).not.toBeNull();
    for (const m of ticket?.messages ?? []) {
      if (m.role !== 'customer') continue;
      expect(m.text).not.toMatch(/^>/m);
      expect(m.text).not.toMatch(/sent from my iphone|von meinem iphone gesendet/i);
    }
    expect(ticket?.language).toBe(id === '1006' || id === '1007' ? 'de' : 'en');
  });
});
