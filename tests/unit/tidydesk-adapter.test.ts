// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tidydeskAdapter } from '../../lib/ticket/adapters/tidydesk';
import { textWithBreaks } from '../../lib/ticket/dom-text';
import { TicketSchema, type MessageRole } from '../../lib/ticket/schema';
import { KbDocSchema, type KbDoc } from '../../lib/kb/schema';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = resolve(ROOT, 'demo');
const BASE_URL = 'http://127.0.0.1:5199/';

function readDemo(file: string): string {
  return readFileSync(resolve(DEMO, file), 'utf8');
}

/**
 * A saved page as its own document. Stylesheet links and script tags are dropped first so the
 * test DOM does not try to fetch them; the page script is run explicitly where a test needs it.
 */
function parsePage(file: string): Document {
  const html = readDemo(file).replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  return new DOMParser().parseFromString(html, 'text/html');
}

function pageUrl(file: string): URL {
  return new URL(file === 'index.html' ? '' : file, BASE_URL);
}

interface TicketCase {
  file: string;
  id: string;
  subject: string;
  name: string;
  email: string;
  roles: MessageRole[];
  priority: string;
  tags: string[];
  /** A line that must survive as a line of its own in the first message. */
  firstMessageLine: string;
}

const TICKETS: TicketCase[] = [
  {
    file: 'tickets/1001.html',
    id: '1001',
    subject: 'Parcel never arrived',
    name: 'Emma Clarke',
    email: 'emma.clarke@example.com',
    roles: ['customer', 'agent', 'customer', 'note'],
    priority: 'high',
    tags: ['delivery', 'missing-parcel'],
    firstMessageLine: 'Could you please look into it?',
  },
  {
    file: 'tickets/1002.html',
    id: '1002',
    subject: "Can't log in – password reset email never arrives",
    name: 'Daniel Okafor',
    email: 'daniel.okafor@example.com',
    roles: ['customer', 'note'],
    priority: 'normal',
    tags: ['account', 'login'],
    firstMessageLine: 'Cheers,',
  },
  {
    file: 'tickets/1003.html',
    id: '1003',
    subject: 'Charged twice for one order',
    name: 'Priya Nair',
    email: 'priya.nair@example.co.uk',
    roles: ['customer', 'agent', 'customer', 'note'],
    priority: 'high',
    tags: ['billing', 'duplicate-charge'],
    firstMessageLine: 'I only want one order. Please refund the extra payment.',
  },
  {
    file: 'tickets/1004.html',
    id: '1004',
    subject: 'Glass salad bowl arrived broken – refund please',
    name: 'Tom Hughes',
    email: 'tom.hughes@example.com',
    roles: ['customer', 'note'],
    priority: 'normal',
    tags: ['damaged-item', 'refund'],
    firstMessageLine: 'Hi there,',
  },
  {
    file: 'tickets/1005.html',
    id: '1005',
    subject: 'How do I change my delivery address?',
    name: 'Aisha Rahman',
    email: 'aisha.rahman@example.com',
    roles: ['customer', 'note'],
    priority: 'low',
    tags: ['delivery-address'],
    firstMessageLine: 'Sent from my iPhone',
  },
  {
    file: 'tickets/1006.html',
    id: '1006',
    subject: 'Wo bleibt meine Bestellung?',
    name: 'Lukas Becker',
    email: 'lukas.becker@example.de',
    roles: ['customer', 'customer', 'note'],
    priority: 'normal',
    tags: ['versand', 'de'],
    firstMessageLine: 'Können Sie bitte nachsehen, wo das Paket geblieben ist?',
  },
  {
    file: 'tickets/1007.html',
    id: '1007',
    subject: 'Rücksendung: Pfanne passt nicht auf mein Kochfeld',
    name: 'Julia Schneider',
    email: 'julia.schneider@example.de',
    roles: ['customer', 'agent', 'customer', 'note'],
    priority: 'low',
    tags: ['retoure', 'de'],
    firstMessageLine: 'Viele Grüße',
  },
  {
    file: 'tickets/1008.html',
    id: '1008',
    subject: 'Discount code WELCOME10 not working',
    name: 'Ben Carter',
    email: 'ben.carter@example.com',
    roles: ['customer', 'note'],
    priority: 'normal',
    tags: ['discount-code', 'checkout'],
    firstMessageLine: "Is the code broken? I'd rather not miss out on the 10%.",
  },
  {
    file: 'tickets/1009.html',
    id: '1009',
    subject: 'Please cancel my order – wrong size towels',
    name: 'Grace Whitfield',
    email: 'grace.whitfield@example.com',
    roles: ['customer', 'note'],
    priority: 'normal',
    tags: ['orders', 'cancellation'],
    firstMessageLine: 'Many thanks,',
  },
  {
    file: 'tickets/1010.html',
    id: '1010',
    subject: 'Returning a duvet cover that looks different in person',
    name: 'Owen Price',
    email: 'owen.price@example.co.uk',
    roles: ['customer', 'customer', 'note'],
    priority: 'low',
    tags: ['returns', 'refund'],
    firstMessageLine: 'Thanks,',
  },
  {
    file: 'tickets/1011.html',
    id: '1011',
    subject: 'Parcel late – tracking stuck on "in transit"',
    name: 'Hannah Lindqvist',
    email: 'hannah.lindqvist@example.com',
    roles: ['customer', 'note'],
    priority: 'normal',
    tags: ['delivery', 'tracking'],
    firstMessageLine: "Is it lost, or is it just running late? I'm in Inverness if that makes a difference.",
  },
];

describe('tidydeskAdapter on the demo ticket pages', () => {
  it.each(TICKETS)('reads $file', (expected) => {
    const doc = parsePage(expected.file);
    const url = pageUrl(expected.file);

    expect(tidydeskAdapter.id).toBe('tidydesk');
    expect(tidydeskAdapter.matches(url, doc)).toBe(true);

    const ticket = tidydeskAdapter.extract(doc, url);
    expect(ticket).not.toBeNull();
    if (!ticket) return;

    expect(TicketSchema.parse(ticket)).toEqual(ticket);
    expect(ticket.helpdesk).toBe('tidydesk');
    expect(ticket.ticketId).toBe(expected.id);
    expect(ticket.url).toBe(url.href);
    expect(ticket.subject).toBe(expected.subject);
    expect(ticket.requester).toEqual({ name: expected.name, email: expected.email });
    expect(ticket.priority).toBe(expected.priority);
    expect(ticket.tags).toEqual(expected.tags);
    expect(ticket.language).toBeUndefined();
    expect(ticket.signals).toEqual({});

    expect(ticket.messages).toHaveLength(expected.roles.length);
    expect(ticket.messages.map((m) => m.role)).toEqual(expected.roles);

    const times = ticket.messages.map((m) => Date.parse(m.at ?? ''));
    expect(times.every((t) => !Number.isNaN(t))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    for (const message of ticket.messages) {
      expect(message.author).toBeTruthy();
      expect(message.text.trim()).not.toBe('');
      expect(message.text).toBe(message.text.trim());
      expect(message.text).not.toMatch(/[ \t]{2,}/);
      expect(message.text).not.toMatch(/\n{3,}/);
    }

    const first = ticket.messages[0];
    expect(first?.author).toBe(expected.name);
    // Paragraphs are separated by a blank line and <br> keeps its line break.
    expect(first?.text).toContain('\n\n');
    expect(first?.text.split('\n')).toContain(expected.firstMessageLine);
    // Labels and avatars from the message header stay out of the text.
    expect(first?.text).not.toMatch(/via email|Internal note|Public reply/);
  });

  it('keeps quoted history and phone footers as separate lines for later cleaning', () => {
    const url = pageUrl('tickets/1003.html');
    const ticket = tidydeskAdapter.extract(parsePage('tickets/1003.html'), url);
    const followUp = ticket?.messages[2]?.text ?? '';
    const lines = followUp.split('\n');
    expect(lines).toContain('Sent from my iPhone');
    expect(lines).toContain('On Wed, 5 Mar 2025 at 09:10, Sam Rivera <help@fernhill-supply.example> wrote:');
    expect(lines).toContain('> Hi Priya,');
    expect(lines.indexOf('Sent from my iPhone')).toBeLessThan(lines.indexOf('> Hi Priya,'));
    expect(ticket?.messages[2]?.at).toBe('2025-03-05T12:47:00Z');
  });

  it('gives authors for agents and notes', () => {
    const ticket = tidydeskAdapter.extract(parsePage('tickets/1001.html'), pageUrl('tickets/1001.html'));
    expect(ticket?.messages.map((m) => m.author)).toEqual(['Emma Clarke', 'Jo Patel', 'Emma Clarke', 'Jo Patel']);
  });

  it('matches the inbox but finds no ticket there', () => {
    const doc = parsePage('index.html');
    const url = pageUrl('index.html');
    expect(tidydeskAdapter.matches(url, doc)).toBe(true);
    expect(tidydeskAdapter.extract(doc, url)).toBeNull();
    expect(tidydeskAdapter.editor(doc)).toBeNull();
    const links = Array.from(doc.querySelectorAll('[data-testid="ticket-link"]')).map((a) => a.getAttribute('href'));
    expect(links.length).toBeGreaterThanOrEqual(11);
    for (const ticket of TICKETS) expect(links).toContain(`/${ticket.file}`);
  });

  it('does not match a page that is not Tidydesk', () => {
    const doc = parsePage('about.html');
    const url = pageUrl('about.html');
    expect(tidydeskAdapter.matches(url, doc)).toBe(false);
    expect(tidydeskAdapter.extract(doc, url)).toBeNull();
  });

  it('matches by markup on any host and port', () => {
    const doc = parsePage('tickets/1002.html');
    expect(tidydeskAdapter.matches(new URL('https://support.example.org:8443/t/1002'), doc)).toBe(true);
    const metaOnly = new DOMParser().parseFromString(
      '<html><head><meta name="application-name" content="Tidydesk"></head><body></body></html>',
      'text/html',
    );
    expect(tidydeskAdapter.matches(new URL('http://localhost:3000/'), metaOnly)).toBe(true);
  });

  it('finds the reply editor', () => {
    const doc = parsePage('tickets/1001.html');
    const editor = tidydeskAdapter.editor(doc);
    expect(editor?.tagName.toLowerCase()).toBe('textarea');
    expect(editor?.getAttribute('data-testid')).toBe('reply-editor');
  });
});

/**
 * The rich-text ticket views, with the markup each editor library builds around the host (taken from
 * ProseMirror 1.4x, Summernote 0.9 lite and CKEditor 5 v48 in Chromium), so no library runs here.
 */
describe('tidydeskAdapter with rich-text reply editors', () => {
  const BUILT: Record<string, { file: string; markup: string }> = {
    prosemirror: {
      file: 'tickets/1009.html',
      markup: '<div contenteditable="true" translate="no" class="td-reply__rich-editor ProseMirror" data-testid="reply-editor" role="textbox"><p><br class="ProseMirror-trailingBreak"></p></div>',
    },
    summernote: {
      file: 'tickets/1010.html',
      markup:
        '<div class="td-reply__summernote" style="display: none;"></div>' +
        '<div class="note-editor note-frame"><div class="note-toolbar" role="toolbar"><button type="button" class="note-btn">B</button></div>' +
        '<div class="note-editing-area"><div class="note-placeholder">Write your reply…</div>' +
        '<textarea class="note-codable" aria-multiline="true"></textarea>' +
        '<div class="note-editable" contenteditable="true" role="textbox" data-testid="reply-editor"><p><br></p></div></div></div>',
    },
    ckeditor: {
      file: 'tickets/1011.html',
      markup:
        '<div class="td-reply__ckeditor" style="display: none;"></div>' +
        '<div class="ck ck-reset ck-editor ck-rounded-corners" role="application"><div class="ck ck-editor__top"><div class="ck ck-toolbar"><button class="ck ck-button">Bold</button></div></div>' +
        '<div class="ck ck-editor__main"><div class="ck ck-content ck-editor__editable ck-editor__editable_inline" contenteditable="true" role="textbox" data-testid="reply-editor">' +
        '<p>Text</p><figure class="ck-widget" contenteditable="false"><figcaption contenteditable="true">Caption</figcaption></figure></div></div></div>',
    },
  };

  function mountRich(kind: string): Document {
    const built = BUILT[kind];
    if (!built) throw new Error(`no markup for ${kind}`);
    const doc = parsePage(built.file);
    const host = doc.querySelector(`[data-reply-editor="${kind}"]`);
    if (!host) throw new Error(`${built.file} has no [data-reply-editor="${kind}"]`);
    host.innerHTML = built.markup;
    return doc;
  }

  it.each(Object.keys(BUILT))('finds the editing root of the %s editor, not its toolbar, source view or widgets', (kind) => {
    const doc = mountRich(kind);
    const editor = tidydeskAdapter.editor(doc);
    expect(editor?.getAttribute('contenteditable')).toBe('true');
    expect(editor?.getAttribute('data-testid')).toBe('reply-editor');
    // The page marks the root for tests; the adapter finds it without that mark too.
    editor?.removeAttribute('data-testid');
    expect(tidydeskAdapter.editor(doc)).toBe(editor);
  });

  it.each(Object.keys(BUILT))('reads the %s ticket page like the others, without a textarea', (kind) => {
    const doc = mountRich(kind);
    expect(doc.querySelector('textarea.td-reply__editor')).toBeNull();
    const ticket = tidydeskAdapter.extract(doc, pageUrl(BUILT[kind]?.file ?? ''));
    expect(ticket?.messages.length).toBeGreaterThan(0);
  });

  it('reports the rich editor\'s text on Send and on Ctrl+Enter, and nothing while Send is disabled', () => {
    const parsed = mountRich('ckeditor');
    document.head.innerHTML = parsed.head.innerHTML;
    document.body.innerHTML = parsed.body.innerHTML;
    const controller = new AbortController();
    const onSent = vi.fn<(text: string) => void>();
    tidydeskAdapter.onSend(document, onSent, controller.signal);
    try {
      const editable = tidydeskAdapter.editor(document);
      const send = document.querySelector<HTMLButtonElement>('button.td-reply__send');
      if (!editable || !send) throw new Error('rich ticket page without editor or send button');
      editable.innerHTML = '<p>Hi Hannah,</p><p>Your parcel is on its way.</p>';

      expect(send.disabled).toBe(true);
      send.click();
      editable.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
      expect(onSent).not.toHaveBeenCalled();

      send.disabled = false;
      send.click();
      editable.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
      expect(onSent).toHaveBeenCalledTimes(2);
      for (const [text] of onSent.mock.calls) expect(text.replace(/\s+/g, ' ')).toBe('Hi Hannah, Your parcel is on its way.');
    } finally {
      controller.abort();
      document.body.innerHTML = '';
    }
  });

  it('finds no editor before the library has built one, or when the reply box is hidden', () => {
    expect(tidydeskAdapter.editor(parsePage('tickets/1011.html'))).toBeNull();
    const doc = mountRich('prosemirror');
    doc.querySelector('.td-reply')?.setAttribute('hidden', '');
    expect(tidydeskAdapter.editor(doc)).toBeNull();
  });
});

describe('textWithBreaks', () => {
  function text(html: string): string {
    const doc = new DOMParser().parseFromString(`<div id="x">${html}</div>`, 'text/html');
    const el = doc.getElementById('x');
    if (!el) throw new Error('fixture element missing');
    return textWithBreaks(el);
  }

  it('turns blocks and <br> into line breaks', () => {
    expect(text('<p>Hello   <b>there</b>,</p>\n   <p>line one<br>  line two</p>')).toBe(
      'Hello there,\n\nline one\nline two',
    );
    expect(text('<div>a</div><div>b</div><ul><li>c</li><li>d</li></ul>')).toBe('a\nb\nc\nd');
  });

  it('allows at most one blank line in a row', () => {
    expect(text('<p>a</p><p></p><p><br></p><br><br><br><p>b</p>')).toBe('a\n\nb');
  });

  it('skips scripts, styles, templates and hidden elements', () => {
    expect(
      text('<p>shown</p><script>var x = 1;</script><style>p{}</style><template>t</template><p hidden>secret</p><span hidden>also</span>'),
    ).toBe('shown');
  });
});

describe('tidydeskAdapter.onSend with the live page script', () => {
  const pageScript = readDemo('tidydesk.js');

  /** Puts a ticket page into the test document and runs the page's own script, as a browser would. */
  function mountTicket(file: string): { editor: HTMLTextAreaElement; send: HTMLButtonElement } {
    const parsed = parsePage(file);
    document.head.innerHTML = parsed.head.innerHTML;
    document.body.innerHTML = parsed.body.innerHTML;
    new Function(pageScript)();

    const editor = document.querySelector('textarea');
    const send = document.querySelector('button');
    if (!editor || !send) throw new Error('ticket page without editor or send button');
    expect(editor.getAttribute('data-testid')).toBe('reply-editor');
    expect(send.getAttribute('data-testid')).toBe('send-reply');
    return { editor, send };
  }

  function type(editor: HTMLTextAreaElement, value: string): void {
    editor.value = value;
    editor.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function pressSendShortcut(editor: HTMLTextAreaElement, modifier: 'ctrlKey' | 'metaKey'): void {
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', [modifier]: true, bubbles: true, cancelable: true }));
  }

  const controllers: AbortController[] = [];
  function listen(): { onSent: ReturnType<typeof vi.fn<(text: string) => void>>; controller: AbortController } {
    const controller = new AbortController();
    controllers.push(controller);
    const onSent = vi.fn<(text: string) => void>();
    tidydeskAdapter.onSend(document, onSent, controller.signal);
    return { onSent, controller };
  }

  afterEach(() => {
    controllers.splice(0).forEach((c) => c.abort());
    document.body.innerHTML = '';
  });

  it('reports the reply when Send is clicked, before the page clears the editor', () => {
    const { editor, send } = mountTicket('tickets/1001.html');
    const { onSent } = listen();
    const reply = 'Hi Emma,\n\nI have opened an investigation with the carrier.\n\nBest wishes,\nSam Rivera';

    expect(send.disabled).toBe(true);
    type(editor, reply);
    expect(send.disabled).toBe(false);
    send.click();

    expect(onSent).toHaveBeenCalledTimes(1);
    expect(onSent).toHaveBeenCalledWith(reply);
    // The page appended the reply and reset the editor.
    expect(editor.value).toBe('');
    expect(send.disabled).toBe(true);

    const ticket = tidydeskAdapter.extract(document, pageUrl('tickets/1001.html'));
    const last = ticket?.messages.at(-1);
    expect(ticket?.messages).toHaveLength(5);
    expect(last?.role).toBe('agent');
    expect(last?.author).toBe('Sam Rivera');
    expect(last?.text).toBe(reply);
    expect(TicketSchema.safeParse(ticket).success).toBe(true);
  });

  it.each(['ctrlKey', 'metaKey'] as const)('reports the reply on %s+Enter in the editor', (modifier) => {
    const { editor } = mountTicket('tickets/1003.html');
    const { onSent } = listen();

    type(editor, '  Hi Priya, the pending amount will drop off within 3–5 working days.  ');
    pressSendShortcut(editor, modifier);

    expect(onSent).toHaveBeenCalledTimes(1);
    expect(onSent).toHaveBeenCalledWith('Hi Priya, the pending amount will drop off within 3–5 working days.');
    expect(editor.value).toBe('');
    expect(document.querySelectorAll('.td-thread .td-message')).toHaveLength(5);
  });

  it('ignores plain Enter and empty replies', () => {
    const { editor, send } = mountTicket('tickets/1006.html');
    const { onSent } = listen();

    type(editor, 'Hallo Lukas,');
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    type(editor, '   ');
    send.click();
    pressSendShortcut(editor, 'ctrlKey');

    expect(onSent).not.toHaveBeenCalled();
    expect(document.querySelectorAll('.td-thread .td-message')).toHaveLength(3);
  });

  it('reports nothing when text arrives without an input event (Send stays disabled)', () => {
    const { editor, send } = mountTicket('tickets/1001.html');
    const { onSent } = listen();

    editor.value = 'Inserted without an input event';
    expect(send.disabled).toBe(true);
    send.click();
    pressSendShortcut(editor, 'ctrlKey');

    expect(onSent).not.toHaveBeenCalled();
    expect(document.querySelectorAll('.td-thread .td-message')).toHaveLength(4);
  });

  it('stops reporting after the signal aborts', () => {
    const { editor, send } = mountTicket('tickets/1001.html');
    const { onSent, controller } = listen();

    type(editor, 'First reply');
    send.click();
    expect(onSent).toHaveBeenCalledTimes(1);

    controller.abort();
    type(editor, 'Second reply');
    send.click();
    type(editor, 'Third reply');
    pressSendShortcut(editor, 'ctrlKey');

    expect(onSent).toHaveBeenCalledTimes(1);
    // The page itself still sends.
    expect(document.querySelectorAll('.td-thread .td-message')).toHaveLength(7);
  });

  it('does nothing when the signal is already aborted', () => {
    const { editor, send } = mountTicket('tickets/1001.html');
    const controller = new AbortController();
    controller.abort();
    const onSent = vi.fn<(text: string) => void>();
    tidydeskAdapter.onSend(document, onSent, controller.signal);

    type(editor, 'Reply');
    send.click();
    expect(onSent).not.toHaveBeenCalled();
  });
});

describe('public/kb/sample-kb.jsonl', () => {
  const lines = readFileSync(resolve(ROOT, 'public/kb/sample-kb.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const docs: KbDoc[] = lines.map((line) => KbDocSchema.parse(JSON.parse(line)));

  it('has one valid entry per line with unique ids', () => {
    expect(docs.length).toBe(lines.length);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    for (const doc of docs) {
      expect(doc.title.trim()).not.toBe('');
      expect(doc.body.trim()).not.toBe('');
      expect(doc.language === 'en' || doc.language === 'de').toBe(true);
    }
  });

  it('has enough articles and macros in both languages', () => {
    const articles = docs.filter((d) => d.kind === 'article');
    const macros = docs.filter((d) => d.kind === 'macro');
    expect(articles.length).toBeGreaterThanOrEqual(15);
    expect(macros.length).toBeGreaterThanOrEqual(10);
    expect(articles.filter((d) => d.language === 'de').length).toBeGreaterThanOrEqual(3);
    expect(macros.filter((d) => d.language === 'de').length).toBeGreaterThanOrEqual(3);
    for (const doc of docs.filter((d) => d.language === 'de')) expect(doc.tags).toContain('de');
  });

  it('gives every article a help-centre URL and a sensible length', () => {
    for (const article of docs.filter((d) => d.kind === 'article')) {
      expect(article.id).toMatch(/^art-/);
      expect(article.url).toMatch(/^https:\/\/help\.fernhill-supply\.example\/articles\/[a-z0-9-]+$/);
      const words = article.body.split(/\s+/).filter(Boolean).length;
      expect(words).toBeGreaterThanOrEqual(120);
      expect(words).toBeLessThanOrEqual(350);
    }
  });

  it('writes macros as complete replies with only the supported placeholders', () => {
    for (const macro of docs.filter((d) => d.kind === 'macro')) {
      expect(macro.id).toMatch(/^mac-/);
      expect(macro.body.startsWith(macro.language === 'de' ? 'Hallo {{customer.first_name}},' : 'Hi {{customer.first_name}},')).toBe(true);
      expect(macro.body).toMatch(/\{\{agent\.name\}\}/);
      const placeholders = macro.body.match(/\{\{[^}]*\}\}/g) ?? [];
      for (const placeholder of placeholders) {
        expect(['{{customer.first_name}}', '{{ticket.id}}', '{{agent.name}}']).toContain(placeholder);
      }
    }
  });
});
