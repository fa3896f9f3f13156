/**
 * Readable text from a DOM subtree, close to what `innerText` gives for a rendered page
 * but without needing layout (so it also works in tests and on detached documents).
 *
 * - block elements and `<br>` become line breaks, paragraphs are separated by a blank line;
 * - runs of spaces collapse to one, every line is trimmed, at most one blank line in a row;
 * - `script`, `style`, `template`, `noscript` and anything with the `hidden` attribute are skipped.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'iframe', 'object']);

/** Elements that start and end on a line of their own. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);

/** Blocks that are separated from their neighbours by an empty line. */
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'table']);

/** Table cells stay on their row's line, separated by a space. */
const CELLS = new Set(['td', 'th']);

export function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

export function textWithBreaks(el: Element): string {
  const parts: Part[] = [];
  walk(el, parts, false);
  return normalise(joinTextParts(parts));
}

/** A piece of text, or a number: line breaks required at a block boundary (adjacent ones merge). */
/** Text, or a block boundary of that many line breaks. */
export type TextPart = string | number;
type Part = TextPart;

function walk(node: Node, parts: Part[], preformatted: boolean): void {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
    const value = node.nodeValue ?? '';
    parts.push(preformatted ? value.replace(/\r\n?/g, '\n') : value.replace(/\s+/g, ' '));
    return;
  }
  if (!isElement(node)) return;

  const tag = node.localName.toLowerCase();
  if (SKIPPED.has(tag) || node.hasAttribute('hidden')) return;

  if (tag === 'br') {
    parts.push('\n');
    return;
  }

  const breaks = PARAGRAPHS.has(tag) ? 2 : BLOCKS.has(tag) ? 1 : 0;
  const pre = preformatted || tag === 'pre';

  if (breaks) parts.push(breaks);
  // Form controls carry no reading text worth quoting from a message.
  if (tag !== 'textarea' && tag !== 'select') {
    node.childNodes.forEach((child) => walk(child, parts, pre));
  }
  if (CELLS.has(tag)) parts.push(' ');
  if (breaks) parts.push(breaks);
}

/**
 * Joins the parts: neighbouring block boundaries count once (the larger wins), whitespace-only text
 * at a boundary is dropped, and boundaries at the very start or end produce nothing.
 */
export function joinTextParts(parts: readonly Part[]): string {
  let out = '';
  let pending = 0;
  let hasText = false;
  for (const part of parts) {
    if (typeof part === 'number') {
      pending = Math.max(pending, part);
      continue;
    }
    const blank = part.trim() === '';
    if (pending > 0) {
      if (blank) continue;
      if (hasText) out += '\n'.repeat(pending);
      pending = 0;
    }
    out += part;
    if (!blank) hasText = true;
  }
  return out;
}

function normalise(raw: string): string {
  const lines = raw
    .replace(/[\u00a0\t\f\v ]+/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
