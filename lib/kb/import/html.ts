import { Readability } from '@mozilla/readability';
import type { KbDocInput } from '../schema';
import { htmlToText } from './html-text';
import { checkDoc, issue, type ImportEnv, type ImportFile, type ImportResult } from './result';
import { idFromFileName, primaryLanguage, slugify, titleFromFileName } from './slug';

export interface HtmlImportOptions {
  /** The page's address, for a URL import: the entry links to it and its id derives from it. */
  url?: string;
}

/** Too little text for an article: a page that needs scripts, a login wall, an error page. */
const MIN_TEXT_LENGTH = 20;

function isDocument(node: Node): node is Document {
  return node.nodeType === 9; // Node.DOCUMENT_NODE, whichever window made it
}

function httpUrl(value: string | null | undefined, base?: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The id of a web page's entry: `web-` + the slug of its host and path, stable across imports. */
export function idFromUrl(address: string): string {
  try {
    const url = new URL(address);
    return `web-${slugify(`${url.hostname}${url.pathname}`, 120) || 'page'}`;
  } catch {
    return `web-${slugify(address, 120) || 'page'}`;
  }
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1; // Node.ELEMENT_NODE
}

/** The page without its chrome (navigation, header, footer, sidebars), for when Readability finds no article. */
function bodyText(doc: Document): string {
  const clone = doc.body.cloneNode(true);
  if (!isElement(clone)) return htmlToText(doc.body);
  for (const el of clone.querySelectorAll('nav, header, footer, aside, [role="navigation"], [role="banner"], [role="contentinfo"]')) el.remove();
  return htmlToText(clone);
}

/**
 * One HTML page → one article, with Readability picking the article out of the page. The caller
 * supplies the parser (`DOMParser` in an extension page; the background worker has none), or the
 * Document it already parsed from `file.text`. Headings become `## ` lines so the chunker splits
 * by them; scripts and styles are dropped. The caller's Document is not changed.
 */
export function importHtml(file: ImportFile, parser: ImportEnv | Document, options: HtmlImportOptions = {}): ImportResult {
  if (!file.text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Save the page again, or leave the file out.')] };
  let doc: Document;
  try {
    doc = 'parseHtml' in parser ? parser.parseHtml(file.text) : parser;
  } catch (error) {
    return { docs: [], errors: [issue(file.name, `The page could not be read as HTML (${error instanceof Error ? error.message : String(error)}). Save it again from the browser and import the saved file.`)] };
  }
  const pageTitle = doc.title.trim();
  const firstH1 = doc.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const canonical = httpUrl(doc.querySelector('link[rel="canonical"]')?.getAttribute('href'), options.url);
  const keywords = (doc.querySelector('meta[name="keywords"]')?.getAttribute('content') ?? '')
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter((t) => t && t.length <= 200)
    .slice(0, 50);
  const language = primaryLanguage(doc.documentElement.getAttribute('lang'));

  // Readability changes the document it reads: give it a copy, so the fallback still has the page.
  let articleTitle = '';
  let text = '';
  const clone = doc.cloneNode(true);
  if (isDocument(clone)) {
    for (const el of clone.querySelectorAll('script, style, noscript, template')) el.remove();
    try {
      const article = new Readability<Node>(clone, { charThreshold: 100, serializer: (node) => node }).parse();
      articleTitle = article?.title?.replace(/\s+/g, ' ').trim() ?? '';
      if (article?.content) text = htmlToText(article.content);
    } catch {
      text = '';
    }
  }
  if (text.length < MIN_TEXT_LENGTH) text = bodyText(doc);
  const title = articleTitle || pageTitle || firstH1 || (options.url ? options.url : titleFromFileName(file.name));
  // The title travels with every passage; a body that opens with it would repeat it.
  const lines = text.split('\n');
  if (lines[0]?.replace(/^#+\s*/, '').trim().toLowerCase() === title.toLowerCase()) text = lines.slice(1).join('\n').trim();
  if (text.length < MIN_TEXT_LENGTH) {
    return {
      docs: [],
      errors: [
        issue(
          file.name,
          options.url
            ? 'The page has no readable article text (it may need a login or build its content with scripts). Open it in the browser, save it as a file, and import the file.'
            : 'The page has no readable article text, so it was not imported. Check that it is the saved article and not an empty or script-only page.',
        ),
      ],
    };
  }
  const url = options.url ? httpUrl(options.url) : canonical;
  const input: KbDocInput = {
    id: options.url ? idFromUrl(options.url) : idFromFileName(file.name),
    title: title.slice(0, 1000),
    body: text,
    kind: 'article',
    ...(url ? { url } : {}),
    ...(keywords.length > 0 ? { tags: keywords } : {}),
    ...(language ? { language } : {}),
  };
  const checked = checkDoc(input, file.name);
  return 'error' in checked ? { docs: [], errors: [checked.error] } : { docs: [checked.doc], errors: [] };
}
