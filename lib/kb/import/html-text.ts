/**
 * HTML → plain text for the knowledge base, without layout (works on any Document: DOMParser in
 * an extension page, happy-dom in tests). Paragraph breaks are kept, headings become Markdown
 * `## ` lines (so chunking by headings works), list items become `- ` lines and table rows one
 * line each. Scripts, styles, forms and hidden elements are dropped.
 */
import { isElement, joinTextParts, type TextPart } from '../../ticket/dom-text';

const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

const SKIPPED = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'head',
  'title',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'button',
  'input',
  'select',
  'textarea',
]);

const HEADING_LEVEL: Record<string, number> = { h1: 2, h2: 2, h3: 3, h4: 4, h5: 4, h6: 4 };

/** Blocks separated from their neighbours by an empty line. */
const PARAGRAPHS = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'hr']);

/** Blocks that start on a line of their own. */
const LINES = new Set([
  'address',
  'article',
  'aside',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dt',
  'fieldset',
  'figcaption',
  'footer',
  'header',
  'hgroup',
  'li',
  'main',
  'nav',
  'section',
  'summary',
  'tbody',
  'tfoot',
  'thead',
  'tr',
]);

/** A piece of text, or a boundary needing that many line breaks (neighbouring ones merge). */
type Part = TextPart;

function hidden(el: Element): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = (el.getAttribute('style') ?? '').replace(/\s+/g, '').toLowerCase();
  return style.includes('display:none') || style.includes('visibility:hidden');
}

function inlineText(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function walk(node: Node, parts: Part[], pre: boolean): void {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
    const value = node.nodeValue ?? '';
    parts.push(pre ? value.replace(/\r\n?/g, '\n') : value.replace(/\s+/g, ' '));
    return;
  }
  if (!isElement(node)) {
    node.childNodes.forEach((child) => walk(child, parts, pre));
    return;
  }
  const tag = node.localName.toLowerCase();
  if (SKIPPED.has(tag) || hidden(node)) return;

  const level = HEADING_LEVEL[tag];
  if (level !== undefined) {
    const text = inlineText(node);
    if (text) parts.push(2, `${'#'.repeat(level)} ${text}`, 2);
    return;
  }
  if (tag === 'br') {
    parts.push('\n');
    return;
  }
  if (tag === 'img') {
    const alt = (node.getAttribute('alt') ?? '').trim();
    if (alt) parts.push(` ${alt} `);
    return;
  }
  const breaks = PARAGRAPHS.has(tag) ? 2 : LINES.has(tag) ? 1 : 0;
  if (breaks) parts.push(breaks);
  if (tag === 'li') {
    const list = node.parentElement?.localName.toLowerCase();
    if (list === 'ol') {
      const items = Array.from(node.parentElement?.children ?? []).filter((c) => c.localName.toLowerCase() === 'li');
      parts.push(`${items.indexOf(node) + 1}. `);
    } else {
      parts.push('- ');
    }
  }
  const isPre = pre || tag === 'pre';
  node.childNodes.forEach((child) => walk(child, parts, isPre));
  if (tag === 'td' || tag === 'th') parts.push(' | ');
  if (breaks) parts.push(breaks);
}

function normalise(raw: string): string {
  return raw
    .replace(/[\u00a0\t\f\v ]+/g, ' ')
    .split('\n')
    .map((line) =>
      line
        .trim()
        // A table row's trailing cell separator, and empty list markers.
        .replace(/\s*\|$/, '')
        .replace(/^(?:-|\d+\.)$/, ''),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The readable text of an element or document, as KB body text. */
export function htmlToText(root: Node): string {
  const parts: Part[] = [];
  walk(root, parts, false);
  return normalise(joinTextParts(parts));
}

/** The readable text of an HTML fragment (a help-centre article body), parsed by the caller's parser. */
export function htmlFragmentToText(html: string, parseHtml: (html: string) => Document): string {
  const doc = parseHtml(`<!doctype html><html><head></head><body>${html}</body></html>`);
  return htmlToText(doc.body);
}
