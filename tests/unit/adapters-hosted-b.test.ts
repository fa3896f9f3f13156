// @vitest-environment happy-dom
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HelpdeskAdapter } from '../../lib/ticket/adapter';
import { freescoutAdapter } from '../../lib/ticket/adapters/freescout';
import { frontAdapter } from '../../lib/ticket/adapters/front';
import { gmailAdapter } from '../../lib/ticket/adapters/gmail';
import { zammadAdapter } from '../../lib/ticket/adapters/zammad';
import { editorText, insertIntoEditor } from '../../lib/ticket/editor';

/**
 * Front, Gmail, Zammad and FreeScout: which pages each adapter claims, send detection and
 * inserting a draft. The fixtures themselves are read by adapters.test.ts.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/adapters');
const DEMO = resolve(import.meta.dirname, '../../demo');

interface Page {
  label: string;
  url: URL;
  html: string;
}

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

/** matches() only reads the page: parse each page once for all of them. */
const parsed = new Map<string, Document>();
function parsedOnce(page: Page): Document {
  const known = parsed.get(page.label);
  if (known) return known;
  const doc = parse(page.html);
  parsed.set(page.label, doc);
  return doc;
}

function fixture(dir: string, name: string): Page {
  const base = join(FIXTURES, dir, name);
  const expected: unknown = JSON.parse(readFileSync(`${base}.expected.json`, 'utf8'));
  const url = typeof expected === 'object' && expected !== null && 'url' in expected ? String(expected.url) : '';
  return { label: `${dir}/${name}`, url: new URL(url), html: readFileSync(`${base}.html`, 'utf8') };
}

function fixturesOf(dir: string): Page[] {
  const folder = join(FIXTURES, dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.html'))
    .map((f) => fixture(dir, f.replace(/\.html$/, '')));
}

function fixtureDirs(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

/** Pages that are no product of these adapters: the demo's article and ticket pages, bare pages. */
const PLAIN_PAGES: Page[] = [
  {
    label: 'demo/about.html',
    url: new URL('http://127.0.0.1:5199/about.html'),
    html: readFileSync(join(DEMO, 'about.html'), 'utf8').replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, ''),
  },
  {
    label: 'the demo helpdesk’s ticket page',
    url: new URL('http://127.0.0.1:5199/tickets/1001.html'),
    html: readFileSync(join(DEMO, 'tickets/1001.html'), 'utf8').replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, ''),
  },
  {
    label: 'a plain page',
    url: new URL('https://www.example.org/contact'),
    html: '<!doctype html><html><head><title>Contact us</title></head><body><h1>Contact us</h1><p>Write to us any time.</p><textarea></textarea><button>Send</button></body></html>',
  },
  {
    label: 'a page named like the apps',
    url: new URL('https://blog.example.org/zammad-vs-freescout'),
    html: '<!doctype html><html><body><div id="app"><h1>Zammad vs FreeScout</h1><div class="thread"><p>Which one is better?</p></div><div class="ticket-article-item">A review.</div></div></body></html>',
  },
];

interface Case {
  adapter: HelpdeskAdapter;
  /** Matches by address only: a page of another product on its own host is never claimed. */
  hosted: boolean;
  /** The page's own Send button. */
  sendButton: string;
}

const CASES: Case[] = [
  { adapter: frontAdapter, hosted: true, sendButton: '[data-testid="composer-send-button"]' },
  { adapter: gmailAdapter, hosted: true, sendButton: 'div[role="button"][data-tooltip^="Send"]' },
  { adapter: zammadAdapter, hosted: false, sendButton: '.attributeBar .js-submit' },
  { adapter: freescoutAdapter, hosted: false, sendButton: '.btn-reply-submit.btn-send-text' },
];

const DRAFT = 'Hi Dana,\nA new bowl is on its way.';

function ticketDoc(c: Case): Document {
  return parse(fixture(c.adapter.id, 'ticket').html);
}

function editorOf(c: Case, doc: Document): HTMLElement {
  const editor = c.adapter.editor(doc);
  if (!editor) throw new Error(`${c.adapter.id}: no editor on the ticket fixture`);
  return editor;
}

function sendButtonOf(c: Case, doc: Document): HTMLElement {
  const button = doc.querySelector<HTMLElement>(c.sendButton);
  if (!button) throw new Error(`${c.adapter.id}: no Send button on the ticket fixture`);
  return button;
}

function ctrlEnter(el: HTMLElement, meta = false): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: !meta, metaKey: meta, bubbles: true, composed: true }));
}

/** Put text into a contenteditable the way the page shows typed paragraphs. */
function type(editor: HTMLElement, text: string): void {
  editor.innerHTML = text
    .split('\n')
    .map((line) => `<p>${line}</p>`)
    .join('');
}

describe.each(CASES.map((c) => [c.adapter.id, c] as const))('%s', (id, c) => {
  it.each(fixturesOf(id).map((p) => [p.label, p] as const))('claims its own page %s', (_label, page) => {
    expect(c.adapter.matches(page.url, parsedOnce(page))).toBe(true);
  });

  const others = fixtureDirs()
    .filter((dir) => dir !== id)
    .flatMap((dir) => fixturesOf(dir));
  it.each(others.map((p) => [p.label, p] as const))('does not claim another product’s page %s', (_label, page) => {
    expect(c.adapter.matches(page.url, parsedOnce(page))).toBe(false);
  });

  it.each(PLAIN_PAGES.map((p) => [p.label, p] as const))('does not claim %s', (_label, page) => {
    expect(c.adapter.matches(page.url, parsedOnce(page))).toBe(false);
  });

  if (!c.hosted) {
    it('is recognised on any host and port, by its markup', () => {
      const page = fixture(id, 'ticket');
      const doc = parse(page.html);
      for (const where of ['http://10.0.0.7:8080/', 'https://help.example.net/desk/', 'http://localhost:3000/']) {
        expect(c.adapter.matches(new URL(where + page.url.hash), doc)).toBe(true);
      }
    });
  } else {
    it('does not claim its own markup served from another host', () => {
      const page = fixture(id, 'ticket');
      expect(c.adapter.matches(new URL('https://mail.example.org/'), parse(page.html))).toBe(false);
    });
  }

  it('reports the editor text on a Send click, on Ctrl+Enter and Cmd+Enter, and nothing after abort', () => {
    const doc = ticketDoc(c);
    const editor = editorOf(c, doc);
    const sent: string[] = [];
    const controller = new AbortController();
    c.adapter.onSend(doc, (text) => sent.push(text), controller.signal);

    type(editor, DRAFT);
    sendButtonOf(c, doc).click();
    expect(sent).toEqual([DRAFT]);

    ctrlEnter(editor);
    ctrlEnter(editor, true);
    expect(sent).toEqual([DRAFT, DRAFT, DRAFT]);

    controller.abort();
    sendButtonOf(c, doc).click();
    ctrlEnter(editor);
    expect(sent).toHaveLength(3);
  });

  it('reports nothing for an empty editor or for Enter without Ctrl/Cmd', () => {
    const doc = ticketDoc(c);
    const editor = editorOf(c, doc);
    const sent: string[] = [];
    c.adapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    sendButtonOf(c, doc).click();
    type(editor, DRAFT);
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    expect(sent).toEqual([]);
  });

  it('does not listen when the signal is already aborted', () => {
    const doc = ticketDoc(c);
    const editor = editorOf(c, doc);
    const sent: string[] = [];
    const controller = new AbortController();
    controller.abort();
    c.adapter.onSend(doc, (text) => sent.push(text), controller.signal);
    type(editor, DRAFT);
    sendButtonOf(c, doc).click();
    expect(sent).toEqual([]);
  });

  it('insertIntoEditor puts the draft into the editor', async () => {
    const doc = ticketDoc(c);
    const editor = editorOf(c, doc);
    expect(editor.isContentEditable || editor.getAttribute('contenteditable') === 'true').toBe(true);
    expect(await insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
    const text = editorText(editor);
    expect(text).toContain('Hi Dana,');
    expect(text).toContain('A new bowl is on its way.');
    expect(c.adapter.editor(doc)).toBe(editor);
  });
});

describe('product details', () => {
  it('zammad: the editor is the active tab’s, and an internal article is not a sent reply', () => {
    const page = fixture('zammad', 'two-tabs');
    const doc = parse(page.html);
    const editor = zammadAdapter.editor(doc);
    expect(editor?.closest('#content_permanent_Ticket-57')).not.toBeNull();

    const sent: string[] = [];
    zammadAdapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    if (!editor) return;
    type(editor, 'Internal: checked with the warehouse.');
    editor.closest('form.article-add')?.classList.replace('is-public', 'is-internal');
    doc.querySelector<HTMLElement>('#content_permanent_Ticket-57 .attributeBar .js-submit')?.click();
    ctrlEnter(editor);
    expect(sent).toEqual([]);
  });

  it('freescout: the Summernote area is the editor, not the hidden textarea; a note is not a sent reply', () => {
    const doc = parse(fixture('freescout', 'ticket').html);
    const editor = freescoutAdapter.editor(doc);
    expect(editor?.classList.contains('note-editable')).toBe(true);

    const sent: string[] = [];
    freescoutAdapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    if (!editor) return;
    type(editor, 'Note: refund approved.');
    doc.querySelector('input[name="is_note"]')?.setAttribute('value', '1');
    ctrlEnter(editor);
    doc.querySelector<HTMLElement>('.btn-add-note-text')?.click();
    expect(sent).toEqual([]);
  });

  it('freescout: no editor while the reply form is closed', () => {
    const doc = parse(fixture('freescout', 'ticket').html);
    doc.querySelector('.conv-reply-block')?.classList.add('hidden');
    expect(freescoutAdapter.editor(doc)).toBeNull();
  });

  it('gmail: a list is not a ticket, whatever the DOM still holds', () => {
    const page = fixture('gmail', 'ticket');
    const doc = parse(page.html);
    for (const hash of ['#inbox', '#label/Support', '#search/bowl', '#inbox/p2', '#settings/general']) {
      expect(gmailAdapter.extract(doc, new URL(`https://mail.google.com/mail/u/0/${hash}`))).toBeNull();
    }
    expect(gmailAdapter.extract(doc, page.url)?.ticketId).toBe(page.url.hash.split('/').at(-1));
  });

  it('gmail: messages from the signed-in account are the agent’s', () => {
    const page = fixture('gmail', 'ticket');
    const doc = parse(page.html);
    const ticket = gmailAdapter.extract(doc, page.url);
    expect(ticket?.messages.map((m) => m.role)).toEqual(['customer', 'agent', 'customer']);
    // signed in as someone else: every message is from a customer
    doc.querySelector('header#gb a[aria-label]')?.setAttribute('aria-label', 'Google Account: Alex Other (alex@example.net)');
    doc.title = 'x - alex@example.net - Gmail';
    expect(gmailAdapter.extract(doc, page.url)?.messages.map((m) => m.role)).toEqual(['customer', 'customer', 'customer']);
  });

  it('gmail: the reply body and Send are found in a translated UI too', () => {
    const doc = parse(fixture('gmail', 'non-english').html);
    const editor = gmailAdapter.editor(doc);
    expect(editor?.getAttribute('aria-label')).toBe('Nachrichtentext');
    const sent: string[] = [];
    gmailAdapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    if (!editor) return;
    type(editor, 'Hallo Herr Becker');
    const send = doc.querySelector<HTMLElement>('div[role="button"].aoO');
    if (!send) throw new Error('no Send button');
    send.textContent = 'Envoyer';
    send.setAttribute('aria-label', 'Envoyer (Ctrl-Entrée)');
    send.setAttribute('data-tooltip', 'Envoyer (Ctrl-Entrée)');
    send.click();
    doc.querySelector<HTMLElement>('div[role="button"][aria-label="More send options"]')?.click();
    expect(sent).toEqual(['Hallo Herr Becker']);
  });

  it('front: "Send options" is not a send', () => {
    const doc = parse(fixture('front', 'ticket').html);
    const editor = frontAdapter.editor(doc);
    const sent: string[] = [];
    frontAdapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    if (editor) type(editor, 'Hi Dana');
    doc.querySelector<HTMLElement>('[data-testid="composer"] button[aria-label="Send options"]')?.click();
    expect(sent).toEqual([]);
  });

  it('front: the comment box is never the reply editor', () => {
    const doc = parse(fixture('front', 'ticket').html);
    const editor = frontAdapter.editor(doc);
    expect(editor?.closest('[data-testid="comment-composer"]')).toBeNull();
    expect(editor?.closest('[data-testid="composer"]')).not.toBeNull();
  });

  it('front: a conversation id comes from the path, wherever it sits in it', () => {
    const doc = parse(fixture('front', 'ticket').html);
    for (const path of ['/open/cnv_5k2x9q', '/inboxes/shared/support/unassigned/0/cnv_5k2x9q', '/inboxes/teammates/1/inbox/open/0/cnv_5k2x9q/msg_1a2b3c']) {
      expect(frontAdapter.extract(doc, new URL(`https://app.frontapp.com${path}`))?.ticketId).toBe('cnv_5k2x9q');
    }
  });
});
