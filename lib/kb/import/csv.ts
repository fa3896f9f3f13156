import Papa from 'papaparse';
import type { KbDocInput } from '../schema';
import { checkDoc, issue, type ImportFile, type ImportIssue, type ImportResult } from './result';
import { slugify } from './slug';

const COLUMNS = ['title', 'body', 'tags', 'id', 'kind', 'url', 'language'] as const;
type Column = (typeof COLUMNS)[number];

/** Header names each column answers to (compared case-insensitively, spaces and `_` ignored). */
const COLUMN_NAMES: Record<Column, readonly string[]> = {
  title: ['title', 'name', 'subject'],
  body: ['body', 'content', 'text', 'answer'],
  tags: ['tags', 'labels'],
  id: ['id'],
  kind: ['kind', 'type'],
  url: ['url', 'link'],
  language: ['language', 'lang', 'locale'],
};

const COLUMNS_HINT = 'The first line must name the columns: title, body and tags, optionally id, kind, url and language.';

function headerKey(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_-]+/g, '');
}

/** The delimiter of the header line: the most frequent of `,` `;` tab outside quotes (Excel writes `;` in many locales). */
function headerDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [delimiter, count] of counts) {
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

interface Row {
  fields: string[];
  line: number;
  error?: string;
}

/** Every record with the line it starts on; papaparse reads quoted fields with commas, quotes and line breaks. */
function readRows(text: string, delimiter: string): Row[] {
  const rows: Row[] = [];
  let cursor = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    step: (result) => {
      const start = cursor;
      const end = result.meta.cursor;
      // A record starts after the line breaks that ended the previous one.
      const row: Row = { fields: result.data, line };
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError) {
        row.error =
          quoteError.code === 'MissingQuotes'
            ? 'A quoted field that starts on this line never closes, so the rest of the file could not be read. Close the quote; write "" for a quote inside the text.'
            : 'A quote on this line is misplaced. Put quotes around the whole field and write "" for a quote inside the text.';
      }
      rows.push(row);
      line += countLineBreaks(text, start, end);
      cursor = end;
    },
  });
  return rows;
}

/**
 * A CSV of macros (canned responses) → one entry per row. Columns: title, body, tags (separated
 * by `,` or `;`), optional id, kind, url, language; header names are matched case-insensitively.
 * A row without a title or body is reported with its line number; the other rows still import.
 * The id defaults to `macro-` + the slug of the title, so importing the file again updates the entries.
 */
export function importCsv(file: ImportFile): ImportResult {
  const text = file.text.replace(/^\uFEFF/, '');
  if (!text.trim()) return { docs: [], errors: [issue(file.name, `The file is empty; there is nothing to import. ${COLUMNS_HINT}`)] };
  const rows = readRows(text, headerDelimiter(text));
  const header = rows.find((r) => r.fields.some((f) => f.trim() !== ''));
  if (!header) return { docs: [], errors: [issue(file.name, `The file has no header line. ${COLUMNS_HINT}`)] };

  const index = new Map<Column, number>();
  header.fields.forEach((name, i) => {
    const key = headerKey(name);
    for (const column of COLUMNS) {
      if (COLUMN_NAMES[column].includes(key) && !index.has(column)) index.set(column, i);
    }
  });
  const missing = (['title', 'body'] as const).filter((c) => !index.has(c));
  if (missing.length > 0) {
    const found = header.fields.map((f) => f.trim()).filter(Boolean).join(', ') || 'none';
    return {
      docs: [],
      errors: [issue(file.name, `The header has no ${missing.map((c) => `"${c}"`).join(' or ')} column (found: ${found}), so nothing was imported. ${COLUMNS_HINT}`, header.line)],
    };
  }

  const docs: ImportResult['docs'] = [];
  const errors: ImportIssue[] = [];
  const seen = new Map<string, number>();
  const cell = (row: Row, column: Column): string => {
    const i = index.get(column);
    return i === undefined ? '' : (row.fields[i] ?? '').trim();
  };
  for (const row of rows) {
    if (row === header || row.fields.every((f) => f.trim() === '')) continue;
    if (row.error) {
      errors.push(issue(file.name, row.error, row.line));
      continue;
    }
    if (row.fields.length > header.fields.length) {
      errors.push(
        issue(
          file.name,
          `This row has ${row.fields.length} fields but the header has ${header.fields.length}, so it was skipped. Put quotes around text that contains a comma or semicolon.`,
          row.line,
        ),
      );
      continue;
    }
    const title = cell(row, 'title');
    const body = cell(row, 'body');
    if (!title || !body) {
      const what = !title && !body ? 'title and no body' : !title ? 'title' : 'body';
      errors.push(issue(file.name, `This row has no ${what}, so it was skipped. Fill it in, or delete the row.`, row.line));
      continue;
    }
    const kindText = cell(row, 'kind').toLowerCase();
    if (kindText && kindText !== 'macro' && kindText !== 'article') {
      errors.push(issue(file.name, `The kind is "${cell(row, 'kind')}"; write "macro" or "article" (or leave it empty for a macro). The row was skipped.`, row.line));
      continue;
    }
    const id = cell(row, 'id') || `macro-${slugify(title) || 'untitled'}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      errors.push(issue(file.name, `This row has the same id "${id}" as line ${earlier}, so it was skipped. Give one of them its own id (id column) or a different title.`, row.line));
      continue;
    }
    const tags = cell(row, 'tags')
      .split(/[,;]/)
      .map((t) => t.trim())
      .filter(Boolean);
    const url = cell(row, 'url');
    const language = cell(row, 'language').toLowerCase();
    const input: KbDocInput = {
      id,
      title,
      body,
      kind: kindText === 'article' ? 'article' : 'macro',
      ...(tags.length > 0 ? { tags } : {}),
      ...(url ? { url } : {}),
      ...(language ? { language } : {}),
    };
    const checked = checkDoc(input, file.name, row.line);
    if ('error' in checked) {
      errors.push(checked.error);
      continue;
    }
    seen.set(id, row.line);
    docs.push(checked.doc);
  }
  return { docs, errors };
}
