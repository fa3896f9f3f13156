// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HelpdeskAdapter } from '../../lib/ticket/adapter';
import { freshdeskAdapter } from '../../lib/ticket/adapters/freshdesk';
import { helpscoutAdapter } from '../../lib/ticket/adapters/helpscout';
import { intercomAdapter } from '../../lib/ticket/adapters/intercom';
import { zendeskAdapter } from '../../lib/ticket/adapters/zendesk';
import { editorText, insertIntoEditor } from '../../lib/ticket/editor';

/**
 * Hosted helpdesks, group A (Zendesk, Freshdesk, Help Scout, Intercom): which pages each adapter
 * claims, send detection on its real Send button and Ctrl/Cmd+Enter, and inserting a draft into
 * the editor it finds. The reading of each fixture is checked by adapters.test.ts.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/adapters');

interface Case {
  adapter: HelpdeskAdapter;
  /** Fixtures (in the adapter's folder) that show a ticket with a reply editor. */
  pages: string[];
  /** The product's Send button on those pages. */
  sendButton: string;
  /** Pages of the same host that are not the agent app, or of no product at all. */
  foreign: string[];
}

const CASES: Case[] = [
  {
    adapter: zendeskAdapter,
    pages: ['ticket', 'two-tabs', 'empty'],
    sendButton: '[data-test-id="submit_button-button"]',
    foreign: ['https://northwind-help.zendesk.com/hc/en-us/articles/360012345678', 'https://www.zendesk.com/agent/tickets/4521'],
  },
  {
    adapter: freshdeskAdapter,
    pages: ['ticket', 'notes-and-properties', 'empty'],
    sendButton: '.ticket-editor__footer .reply-btn',
    foreign: ['https://brightkettle.freshdesk.com/support/tickets/48213', 'https://freshdesk.example.com/a/tickets/48213'],
  },
  {
    adapter: helpscoutAdapter,
    pages: ['ticket', 'new-inbox', 'empty'],
    sendButton: '#sendBtn, [data-cy="SendButton"]',
    foreign: ['https://www.helpscout.com/conversation/2817340561/10482', 'https://docs.helpscout.com/article/1-getting-started'],
  },
  {
    adapter: intercomAdapter,
    pages: ['ticket', 'messenger-chat', 'empty'],
    sendButton: '[data-conversation-reply-composer] button[type="submit"]',
    foreign: ['https://www.intercom.com/help/en/articles/1234-inbox', 'https://app.intercom.com/'],
  },
];

function read(id: string, name: string): { doc: Document; url: URL } {
  const html = readFileSync(resolve(FIXTURES, id, `${name}.html`), 'utf8');
  const expected: unknown = JSON.parse(readFileSync(resolve(FIXTURES, id, `${name}.expected.json`), 'utf8'));
  const url = typeof expected === 'object' && expected !== null && 'url' in expected && typeof expected.url === 'string' ? expected.url : '';
  return { doc: new DOMParser().parseFromString(html, 'text/html'), url: new URL(url) };
}

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} not found`);
  return value;
}

/** Type a reply into a contenteditable editor the way the page would show it. */
function typeReply(editor: HTMLElement): void {
  editor.innerHTML = '<p>Hi there,</p><p>Your replacement ships today.</p>';
}

function pressCtrlEnter(target: Element, init: KeyboardEventInit = { ctrlKey: true }): void {
  const view = must(target.ownerDocument.defaultView, 'window');
  target.dispatchEvent(new view.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, composed: true, ...init }));
}

const PAGES = CASES.flatMap((c) => c.pages.map((page) => [`${c.adapter.id}/${page}`, c, page] as const));

describe('matches', () => {
  it.each(CASES.map((c) => [c.adapter.id, c] as const))('%s claims its own pages and no other product’s', (_id, c) => {
    const blank = new DOMParser().parseFromString('<!DOCTYPE html><html><body></body></html>', 'text/html');
    for (const page of [...c.pages, 'not-a-ticket']) {
      const { doc, url } = read(c.adapter.id, page);
      expect(c.adapter.matches(url, doc), `${page}: ${url.href}`).toBe(true);
    }
    for (const other of CASES.filter((o) => o !== c)) {
      const { url } = read(other.adapter.id, 'ticket');
      expect(c.adapter.matches(url, blank), url.href).toBe(false);
    }
    for (const href of c.foreign) expect(c.adapter.matches(new URL(href), blank), href).toBe(false);
  });
});

describe.each(PAGES)('%s', (_label, c, page) => {
  it('reports the editor text when the Send button is clicked, until aborted', () => {
    const { doc } = read(c.adapter.id, page);
    const editor = must(c.adapter.editor(doc), 'editor');
    const sent: string[] = [];
    const controller = new AbortController();
    c.adapter.onSend(doc, (text) => sent.push(text), controller.signal);

    const send = must(doc.querySelector<HTMLElement>(c.sendButton), 'Send button');
    send.click();
    expect(sent).toEqual([]); // nothing typed yet: nothing to report

    typeReply(editor);
    send.click();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Hi there,');
    expect(sent[0]).toContain('Your replacement ships today.');

    controller.abort();
    send.click();
    expect(sent).toHaveLength(1);
  });

  it('reports on Ctrl+Enter and Cmd+Enter in the editor only, until aborted', () => {
    const { doc } = read(c.adapter.id, page);
    const editor = must(c.adapter.editor(doc), 'editor');
    const sent: string[] = [];
    const controller = new AbortController();
    c.adapter.onSend(doc, (text) => sent.push(text), controller.signal);
    typeReply(editor);

    pressCtrlEnter(editor);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Your replacement ships today.');
    pressCtrlEnter(editor, { metaKey: true });
    expect(sent).toHaveLength(2);

    pressCtrlEnter(editor, {}); // a plain Enter is a line break
    pressCtrlEnter(must(doc.body, 'body')); // outside the editor
    expect(sent).toHaveLength(2);

    controller.abort();
    pressCtrlEnter(editor);
    expect(sent).toHaveLength(2);
  });

  it('reports nothing when listening starts after the abort', () => {
    const { doc } = read(c.adapter.id, page);
    const editor = must(c.adapter.editor(doc), 'editor');
    const sent: string[] = [];
    const controller = new AbortController();
    controller.abort();
    c.adapter.onSend(doc, (text) => sent.push(text), controller.signal);
    typeReply(editor);
    must(doc.querySelector<HTMLElement>(c.sendButton), 'Send button').click();
    pressCtrlEnter(editor);
    expect(sent).toEqual([]);
  });

  it('takes an inserted draft in its editor', async () => {
    const { doc } = read(c.adapter.id, page);
    const editor = must(c.adapter.editor(doc), 'editor');
    expect(editor.isContentEditable || editor.getAttribute('contenteditable') === 'true').toBe(true);
    expect(editorText(editor).trim()).toBe('');
    const draft = 'Hi there,\n\nYour replacement ships today.\n\nBest wishes,\nSam';
    expect(await insertIntoEditor(editor, draft)).toEqual({ ok: true });
    const text = editorText(editor);
    for (const line of ['Hi there,', 'Your replacement ships today.', 'Best wishes,', 'Sam']) expect(text).toContain(line);
  });
});

describe('zendesk with two ticket tabs open', () => {
  it('finds the editor, and reports the send, of the selected tab only', () => {
    const { doc } = read('zendesk', 'two-tabs');
    const editor = must(zendeskAdapter.editor(doc), 'editor');
    expect(editor.closest('[data-ticket-id]')?.getAttribute('data-ticket-id')).toBe('4571');

    const other = must(doc.querySelector('[data-ticket-id="4490"] [data-test-id="omnicomposer-rich-text-ckeditor"]'), 'other tab’s editor');
    other.innerHTML = '<p>Draft for the other ticket</p>';
    const sent: string[] = [];
    zendeskAdapter.onSend(doc, (text) => sent.push(text), new AbortController().signal);
    typeReply(editor);
    must(doc.querySelector<HTMLElement>('[data-ticket-id="4571"] [data-test-id="submit_button-button"]'), 'Submit').click();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Your replacement ships today.');
    expect(sent[0]).not.toContain('other ticket');
  });
});
