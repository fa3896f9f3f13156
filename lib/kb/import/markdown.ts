import type { KbDocInput } from '../schema';
import { checkDoc, issue, normaliseText, type ImportFile, type ImportIssue, type ImportResult } from './result';
import { idFromFileName, titleFromFileName } from './slug';

/** Front-matter fields the importer reads; any other field is ignored. */
interface FrontMatter {
  id?: string;
  title?: string;
  url?: string;
  kind?: 'article' | 'macro';
  language?: string;
  tags?: string[];
}

const KNOWN = new Set(['id', 'title', 'url', 'kind', 'language', 'lang', 'tags']);

/** A longer first line is a paragraph, not a title. */
export const MAX_TITLE_LINE = 200;

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    const inner = v.slice(1, -1);
    return v.startsWith('"') ? inner.replace(/\\"/g, '"').replace(/\\\\/g, '\\') : inner.replace(/''/g, "'");
  }
  return v;
}

/** `[a, "b"]`, `a, b` or `a; b` → a list of tags. */
export function splitTags(value: string): string[] {
  const inner = unquote(value).replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(/[,;]/)
    .map(unquote)
    .map((t) => t.trim())
    .filter(Boolean);
}

interface FrontMatterBlock {
  fields: FrontMatter;
  /** The Markdown after the block. */
  body: string;
  errors: ImportIssue[];
}

/**
 * YAML-style front matter between `---` lines at the top of the file, read as simple `key: value`
 * pairs (a tag list may also be written as `- item` lines). A field that cannot be read is reported
 * with its line and skipped; the article still imports.
 */
function readFrontMatter(text: string, file: string): FrontMatterBlock {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') return { fields: {}, body: text, errors: [] };
  const end = lines.findIndex((line, i) => i > 0 && (line.trim() === '---' || line.trim() === '...'));
  if (end < 0) {
    return {
      fields: {},
      body: text,
      errors: [issue(file, 'The front matter that starts here has no closing "---" line, so it was imported as text. Add a line with --- after the last field.', 1)],
    };
  }
  const fields: FrontMatter = {};
  const errors: ImportIssue[] = [];
  let listKey: string | null = null;
  for (let i = 1; i < end; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const item = /^\s*-\s+(.*)$/.exec(raw);
    if (item && listKey) {
      if (listKey === 'tags') fields.tags = [...(fields.tags ?? []), unquote(item[1] ?? '')].filter(Boolean);
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(raw);
    if (!pair) {
      errors.push(issue(file, `This front-matter line is not "name: value", so it was skipped. Write it as, for example, tags: billing, refunds.`, lineNo));
      listKey = null;
      continue;
    }
    const key = (pair[1] ?? '').toLowerCase();
    const value = pair[2] ?? '';
    listKey = value.trim() === '' ? key : null;
    if (!KNOWN.has(key)) continue;
    if (key === 'tags') {
      if (value.trim()) fields.tags = splitTags(value);
      continue;
    }
    const text = unquote(value);
    if (!text) continue;
    if (key === 'kind') {
      const kind = text.toLowerCase();
      if (kind === 'article' || kind === 'macro') fields.kind = kind;
      else errors.push(issue(file, `kind is "${text}", which is neither "article" nor "macro"; the entry was imported as an article. Fix the kind and import again to change it.`, lineNo));
    } else if (key === 'language' || key === 'lang') {
      fields.language = text.toLowerCase();
    } else if (key === 'id' || key === 'title' || key === 'url') {
      fields[key] = text;
    }
  }
  return { fields, body: lines.slice(end + 1).join('\n'), errors };
}

const ATX_H1 = /^\s{0,3}#\s+(.+?)\s*#*\s*$/;
const SETEXT_H1 = /^\s{0,3}=+\s*$/;

/** The first level-1 heading: its text and the lines it spans. */
function firstHeading(lines: readonly string[]): { text: string; start: number; end: number } | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const atx = ATX_H1.exec(line);
    if (atx?.[1]) return { text: atx[1], start: i, end: i + 1 };
    const next = lines[i + 1];
    if (line.trim() && next !== undefined && SETEXT_H1.test(next)) return { text: line.trim(), start: i, end: i + 2 };
  }
  return null;
}

/**
 * One Markdown file → one article. Title: front-matter `title`, else the first `# ` heading, else
 * the file name. Front matter `id`, `tags`, `url`, `kind` and `language` are honoured; the id
 * defaults to the slug of the file name, so importing the same file again updates its entry.
 */
export function importMarkdown(file: ImportFile): ImportResult {
  const text = normaliseText(file.text);
  if (!text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Add the article text, or leave the file out.')] };
  const { fields, body: rawBody, errors } = readFrontMatter(text, file.name);
  const lines = rawBody.replace(/<!--[\s\S]*?-->/g, '').split('\n');
  const heading = firstHeading(lines);
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  let title = fields.title ?? heading?.text;
  // The heading that gave the title (or repeats it) opens the body: drop it, the title travels with every passage.
  if (heading && heading.start === firstContent && (!fields.title || heading.text.toLowerCase() === fields.title.toLowerCase())) {
    lines.splice(heading.start, heading.end - heading.start);
  }
  title ??= titleFromFileName(file.name);
  const body = lines.join('\n').trim();
  if (!body) {
    errors.push(issue(file.name, 'The file has a title but no article text, so it was not imported. Add the text below the title.'));
    return { docs: [], errors };
  }
  const input: KbDocInput = {
    id: fields.id ?? idFromFileName(file.name),
    title: title.slice(0, MAX_TITLE_LINE * 5),
    body,
    kind: fields.kind ?? 'article',
    ...(fields.url ? { url: fields.url } : {}),
    ...(fields.tags && fields.tags.length > 0 ? { tags: fields.tags } : {}),
    ...(fields.language ? { language: fields.language } : {}),
  };
  const checked = checkDoc(input, file.name);
  if ('error' in checked) return { docs: [], errors: [...errors, checked.error] };
  return { docs: [checked.doc], errors };
}
