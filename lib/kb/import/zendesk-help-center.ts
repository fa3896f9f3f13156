import type { KbDocInput } from '../schema';
import { htmlFragmentToText } from './html-text';
import { checkDoc, issue, lineAt, parseJson, type ImportEnv, type ImportFile, type ImportIssue, type ImportResult } from './result';
import { primaryLanguage } from './slug';

/**
 * A Zendesk Help Center articles export: the JSON the Help Center API's "List Articles" endpoint
 * returns (`{ "articles": [...], "next_page": …, … }`), or a bare array of article objects.
 * Fields used: `id`, `title` (or `name`), `body` (HTML), `html_url`, `label_names`, `locale`, `draft`.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The articles of an export, or null when the JSON is not a Help Center export. */
export function zendeskArticles(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value.articles)) return value.articles;
  return null;
}

/** Whether parsed JSON looks like a Help Center export (for format detection). */
export function looksLikeZendeskExport(value: unknown): boolean {
  if (isRecord(value)) return Array.isArray(value.articles);
  if (!Array.isArray(value)) return false;
  const first: unknown = value.find(isRecord);
  return isRecord(first) && ('html_url' in first || 'label_names' in first || 'section_id' in first || 'source_locale' in first);
}

/** The line an article's `"id": <id>` is on, when it occurs exactly once in the file. */
function lineOfId(text: string, id: string): number | undefined {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`"id"\\s*:\\s*"?${escaped}"?\\s*[,}\\n]`, 'g');
  const matches = [...text.matchAll(pattern)];
  const only = matches.length === 1 ? matches[0] : undefined;
  return only?.index === undefined ? undefined : lineAt(text, only.index);
}

function stringField(article: Record<string, unknown>, key: string): string {
  const value = article[key];
  return typeof value === 'string' ? value.trim() : '';
}

export function importZendeskHelpCenter(file: ImportFile, env: ImportEnv): ImportResult {
  if (!file.text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Export the articles again.')] };
  const parsed = parseJson(file.text.replace(/^\uFEFF/, ''), file.name);
  if ('error' in parsed) return { docs: [], errors: [parsed.error] };
  const articles = zendeskArticles(parsed.value);
  if (!articles) {
    return {
      docs: [],
      errors: [issue(file.name, 'This JSON has no "articles" list, so it is not a Zendesk Help Center articles export. Export the articles again (GET /api/v2/help_center/articles.json) and import that file.')],
    };
  }
  const docs: ImportResult['docs'] = [];
  const errors: ImportIssue[] = [];
  const notes: ImportIssue[] = [];
  const byId = new Map<string, number>();
  articles.forEach((article, i) => {
    const where = `Article ${i + 1} in the list`;
    if (!isRecord(article)) {
      errors.push(issue(file.name, `${where} is not an object with id, title and body, so it was skipped. Export the articles again.`));
      return;
    }
    const rawId = article.id;
    const zdId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : '';
    const line = zdId ? lineOfId(file.text, zdId) : undefined;
    const label = zdId ? `Article ${zdId}` : where;
    if (!zdId) {
      errors.push(issue(file.name, `${where} has no id, so it was skipped. Export the articles again; every article from Zendesk has one.`, line));
      return;
    }
    if (article.draft === true) {
      notes.push(issue(file.name, `${label} is a draft in Zendesk, so it was skipped. Publish it there and import again to include it.`, line));
      return;
    }
    const title = stringField(article, 'title') || stringField(article, 'name');
    if (!title) {
      errors.push(issue(file.name, `${label} has no title, so it was skipped. Give it a title in Zendesk and export again.`, line));
      return;
    }
    if (typeof article.body !== 'string' && article.body !== null && article.body !== undefined) {
      errors.push(issue(file.name, `${label} ("${title}") has a body that is not HTML text, so it was skipped. Export the articles again.`, line));
      return;
    }
    const body = typeof article.body === 'string' ? htmlFragmentToText(article.body, env.parseHtml) : '';
    if (!body) {
      errors.push(issue(file.name, `${label} ("${title}") has no body text, so it was skipped. Add the article text in Zendesk and export again.`, line));
      return;
    }
    const locale = stringField(article, 'locale');
    const language = primaryLanguage(locale);
    let id = `zd-${zdId}`;
    // The same article in a second language (an export of several locales) keeps both.
    const earlier = byId.get(id);
    if (earlier !== undefined && locale && docs[earlier]?.language !== language) id = `zd-${zdId}-${locale.toLowerCase()}`;
    const url = stringField(article, 'html_url');
    const tags = Array.isArray(article.label_names) ? article.label_names.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim()) : [];
    const input: KbDocInput = {
      id,
      title,
      body,
      kind: 'article',
      ...(url ? { url } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(language ? { language } : {}),
    };
    const checked = checkDoc(input, file.name, line);
    if ('error' in checked) {
      errors.push({ ...checked.error, message: `${label}: ${checked.error.message}` });
      return;
    }
    const existing = byId.get(id);
    if (existing !== undefined) docs[existing] = checked.doc;
    else {
      byId.set(id, docs.length);
      docs.push(checked.doc);
    }
  });
  if (articles.length === 0) notes.push(issue(file.name, 'The export lists no articles; nothing to import.'));
  return { docs, errors, notes };
}
