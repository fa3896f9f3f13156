/**
 * "Save page snapshot": the ticket page's structure with no customer data, for a new adapter
 * fixture or a bug report. Every text character is replaced by a placeholder of the same shape —
 * letters → x, digits → 0 — so lengths, line breaks and punctuation survive.
 * Scripts, frames, images' sources, styles and form values are dropped; attribute values that can
 * carry text are masked the same way; class names, ids, roles and data-* keys are kept (they are
 * what an adapter selects on).
 */

const DROP = new Set(['script', 'noscript', 'iframe', 'object', 'embed', 'frame', 'frameset', 'link', 'base', 'canvas', 'video', 'audio', 'source', 'track']);

/** Attributes kept as they are: structure, not content. */
const KEEP = new Set([
  'class',
  'id',
  'role',
  'type',
  'name',
  'for',
  'rel',
  'dir',
  'lang',
  'tabindex',
  'contenteditable',
  'hidden',
  'disabled',
  'readonly',
  'checked',
  'selected',
  'colspan',
  'rowspan',
  'charset',
  'data-testid',
  'data-test-id',
  'data-qa',
  'aria-hidden',
  'aria-expanded',
  'aria-selected',
  'aria-disabled',
  'aria-checked',
  'aria-level',
  'aria-multiline',
  'aria-readonly',
  'aria-live',
  'aria-modal',
]);

/** Attributes dropped whole: they point at resources or carry behaviour. */
const REMOVE = /^(on|src$|srcset$|style$|background$|poster$|action$|formaction$|integrity$|nonce$)/i;

export function maskText(text: string): string {
  return text.replace(/\p{L}/gu, 'x').replace(/\p{N}/gu, '0');
}

function maskUrl(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:)?(.*)$/i.exec(value.trim());
  const scheme = m?.[1] ?? '';
  return scheme.toLowerCase() === 'javascript:' ? '#' : `${scheme}${maskText(m?.[2] ?? '')}`;
}

function maskElement(el: Element): void {
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name.toLowerCase();
    if (KEEP.has(name)) continue;
    if (REMOVE.test(name)) {
      el.removeAttribute(attr.name);
    } else if (name === 'href' || name === 'xlink:href' || name === 'cite') {
      el.setAttribute(attr.name, maskUrl(attr.value));
    } else {
      // data-*, aria-label, title, alt, placeholder, value, content, datetime …: may hold customer data.
      el.setAttribute(attr.name, maskText(attr.value));
    }
  }
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function walk(node: Node): void {
  for (const child of Array.from(node.childNodes)) {
    if (isElement(child)) {
      const el = child;
      if (DROP.has(el.localName)) {
        el.remove();
        continue;
      }
      maskElement(el);
      walk(el);
      if (el.localName === 'template' && 'content' in el && el.content instanceof Object && 'childNodes' in el.content) {
        el.remove();
      }
    } else if (child.nodeType === 3 || child.nodeType === 4) {
      child.nodeValue = maskText(child.nodeValue ?? '');
    } else if (child.nodeType === 8) {
      child.remove();
    }
  }
}

/** The masked HTML of a document (a copy: the page itself is not touched). */
export function pageSnapshot(doc: Document): string {
  const root = doc.documentElement.cloneNode(true);
  if (!isElement(root)) return '';
  maskElement(root);
  walk(root);
  return `<!doctype html>\n${root.outerHTML}`;
}
