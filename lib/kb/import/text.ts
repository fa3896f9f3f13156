import { MAX_TITLE_LINE } from './markdown';
import { checkDoc, issue, normaliseText, type ImportFile, type ImportResult } from './result';
import { idFromFileName, titleFromFileName } from './slug';

/**
 * One plain-text file → one article: the first line is the title, the rest the body. A first
 * line too long to be a title makes the file name the title and keeps the whole text as body.
 */
export function importText(file: ImportFile): ImportResult {
  const text = normaliseText(file.text).trim();
  if (!text) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Add the article text, or leave the file out.')] };
  const lines = text.split('\n');
  const first = (lines[0] ?? '').trim().replace(/^#+\s*/, '');
  let title: string;
  let body: string;
  if (first.length > MAX_TITLE_LINE) {
    title = titleFromFileName(file.name);
    body = text;
  } else {
    title = first;
    body = lines.slice(1).join('\n').trim();
  }
  if (!body) {
    return {
      docs: [],
      errors: [issue(file.name, 'The file has only a title line, so it was not imported. Put the title on the first line and the article text below it.', 1)],
    };
  }
  const checked = checkDoc({ id: idFromFileName(file.name), title, body, kind: 'article' }, file.name);
  return 'error' in checked ? { docs: [], errors: [checked.error] } : { docs: [checked.doc], errors: [] };
}
