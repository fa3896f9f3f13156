import { Readability, isProbablyReaderable } from '@mozilla/readability';
import type { HelpdeskAdapter } from '../adapter';
import { firstShown } from '../adapter-kit';
import { cleanMessageText } from '../clean-text';
import { editorText } from '../editor';
import type { Ticket } from '../schema';

const EDITOR_SELECTOR = 'textarea, [contenteditable="true"], [contenteditable=""], [role="textbox"]';

function findEditor(doc: Document): HTMLElement | null {
  return firstShown<HTMLElement>(doc, [EDITOR_SELECTOR]);
}

function isDocument(node: Node): node is Document {
  return node.nodeType === 9; // Node.DOCUMENT_NODE, whichever window made it
}

/** A short stable id from the URL path, for pages that do not show one. */
function pathId(url: URL): string {
  let hash = 0;
  const key = `${url.host}${url.pathname}${url.search}`;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(31, hash) + key.charCodeAt(i)) | 0;
  return `page-${(hash >>> 0).toString(36)}`;
}

/**
 * Any page with a visible conversation and a reply box: the readable text of the page becomes
 * one customer message. A page without a reply box is not a ticket.
 */
export const genericAdapter: HelpdeskAdapter = {
  id: 'generic',
  matches: () => true,
  extract(doc: Document, url: URL): Ticket | null {
    const editor = findEditor(doc);
    if (!editor) return null;
    // Readability changes the document it reads: give it a copy.
    const clone = doc.cloneNode(true);
    if (!isDocument(clone)) return null;
    for (const el of clone.querySelectorAll(EDITOR_SELECTOR + ', script, style, form, nav, header, footer')) el.remove();
    if (!isProbablyReaderable(clone, { minContentLength: 40, minScore: 10 })) return null;
    const article = new Readability(clone, { charThreshold: 40 }).parse();
    const text = cleanMessageText(article?.textContent?.replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n\n') ?? '');
    if (text.length < 20) return null;
    const subject = (doc.querySelector('h1')?.textContent ?? article?.title ?? doc.title).trim() || doc.title;
    return {
      helpdesk: 'generic',
      ticketId: pathId(url),
      url: url.href,
      subject: subject.slice(0, 2000),
      requester: {},
      messages: [{ role: 'customer', text: text.slice(0, 100_000) }],
      tags: [],
      signals: {},
    };
  },
  editor: findEditor,
  onSend(doc, onSent, signal) {
    const sendLike = /^(send|reply|submit|senden|antworten|envoyer|enviar)\b/i;
    doc.addEventListener(
      'click',
      (event) => {
        const target = event.target instanceof Element ? event.target.closest('button, [role="button"], input[type="submit"]') : null;
        const label = target?.textContent?.trim() || target?.getAttribute('aria-label') || target?.getAttribute('value') || '';
        if (!target || !sendLike.test(label)) return;
        const editor = findEditor(doc);
        const text = editor ? editorText(editor) : '';
        if (text.trim()) onSent(text);
      },
      { capture: true, signal },
    );
  },
};
