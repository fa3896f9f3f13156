import type { KbDoc } from '../schema';
import { importCsv } from './csv';
import { importHtml } from './html';
import { importKbJsonArray, importKbJsonl } from './jsonl';
import { importMarkdown } from './markdown';
import { issue, type ImportEnv, type ImportFile, type ImportResult } from './result';
import { extensionOf } from './slug';
import { importText } from './text';
import { looksLikeZendeskExport, importZendeskHelpCenter } from './zendesk-help-center';

export type { ImportEnv, ImportFile, ImportIssue, ImportResult } from './result';

export type ImportFormat = 'markdown' | 'text' | 'html' | 'csv' | 'zendesk-help-center' | 'kb-json' | 'jsonl';

/** What the file picker offers. */
export const IMPORT_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.csv', '.json', '.jsonl'] as const;

const BY_EXTENSION: Readonly<Record<string, ImportFormat>> = {
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  csv: 'csv',
  tsv: 'csv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/** A `.json` file: a Help Center export, a list of entries, or JSON Lines saved as `.json`. */
function jsonFormat(text: string): ImportFormat {
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return looksLikeZendeskExport(value) ? 'zendesk-help-center' : 'kb-json';
  } catch {
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines.length > 1 && lines.every((l) => l.startsWith('{') && l.endsWith('}')) ? 'jsonl' : 'kb-json';
  }
}

/**
 * The format of a file: by its extension, and by its content for `.json` and for names without an
 * extension. Null for an extension the importer does not read.
 */
export function detectFormat(fileName: string, text: string): ImportFormat | null {
  const ext = extensionOf(fileName);
  if (ext === 'json') return jsonFormat(text);
  const known = BY_EXTENSION[ext];
  if (known) return known;
  if (ext) return null;
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (/^<(!doctype html|html|head|body|article|main|div|p|h[1-6])\b/i.test(start)) return 'html';
  if (start.startsWith('{') || start.startsWith('[')) return jsonFormat(start);
  if (start.startsWith('---') || start.startsWith('# ')) return 'markdown';
  const firstLine = (start.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  if (/\btitle\b/.test(firstLine) && /\bbody\b/.test(firstLine) && /[,;\t]/.test(firstLine)) return 'csv';
  return 'text';
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4000);
  if (sample.includes('\u0000')) return true;
  const replacement = (sample.match(/\uFFFD/g) ?? []).length;
  return sample.length > 0 && replacement / sample.length > 0.05;
}

/** Import one file of any supported format. Never throws: every problem is an error naming the file. */
export function importFile(file: ImportFile, env: ImportEnv): ImportResult {
  if (!file.text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Check that you picked the right file.')] };
  if (looksBinary(file.text)) {
    return {
      docs: [],
      errors: [issue(file.name, 'This is not a text file (it may be a PDF, Word document or image). Save it as HTML, Markdown or plain text and import that.')],
    };
  }
  const format = detectFormat(file.name, file.text);
  if (!format) {
    const ext = extensionOf(file.name);
    return {
      docs: [],
      errors: [
        issue(
          file.name,
          `Files ending in .${ext} cannot be imported. Import ${IMPORT_EXTENSIONS.join(', ')} files; save other documents as HTML, Markdown or plain text first.`,
        ),
      ],
    };
  }
  try {
    switch (format) {
      case 'markdown':
        return importMarkdown(file);
      case 'text':
        return importText(file);
      case 'html':
        return importHtml(file, env);
      case 'csv':
        return importCsv(file);
      case 'zendesk-help-center':
        return importZendeskHelpCenter(file, env);
      case 'kb-json':
        return importKbJsonArray(file);
      case 'jsonl':
        return importKbJsonl(file);
    }
  } catch (error) {
    return {
      docs: [],
      errors: [issue(file.name, `The file could not be read (${error instanceof Error ? error.message : String(error)}). Check that it is a valid ${format} file and import it again.`)],
    };
  }
}

/**
 * The entries of several imported files, grouped by the file they came from. When two files give
 * the same id the later file wins, as a second import of that id would.
 */
export function latestBySource(files: readonly { source: string; docs: readonly KbDoc[] }[]): Map<string, KbDoc[]> {
  const byId = new Map<string, { doc: KbDoc; source: string }>();
  for (const { source, docs } of files) {
    for (const doc of docs) {
      byId.delete(doc.id);
      byId.set(doc.id, { doc, source });
    }
  }
  const groups = new Map<string, KbDoc[]>();
  for (const { doc, source } of byId.values()) {
    const group = groups.get(source);
    if (group) group.push(doc);
    else groups.set(source, [doc]);
  }
  return groups;
}
