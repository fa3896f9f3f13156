import { parseKbJsonl } from '../jsonl';
import { KbDocSchema } from '../schema';
import { issue, parseJson, type ImportFile, type ImportIssue, type ImportResult } from './result';

/** KB JSON Lines (one entry per line, the bundled sample's format). A bad line is reported and skipped. */
export function importKbJsonl(file: ImportFile): ImportResult {
  const text = file.text.replace(/^\uFEFF/, '');
  if (!text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import. Put one entry per line: {"id", "title", "body", …}.')] };
  const { docs, errors } = parseKbJsonl(text);
  return {
    docs,
    errors: errors.map((e) => issue(file.name, `${e.message.replace(/\.$/, '')}; this line was skipped. Fix it and import the file again.`, e.line)),
  };
}

/** A JSON array of KB entries (the JSON Lines fields, as one array). A bad entry is reported and skipped. */
export function importKbJsonArray(file: ImportFile): ImportResult {
  const text = file.text.replace(/^\uFEFF/, '');
  if (!text.trim()) return { docs: [], errors: [issue(file.name, 'The file is empty; there is nothing to import.')] };
  const parsed = parseJson(text, file.name);
  if ('error' in parsed) return { docs: [], errors: [parsed.error] };
  if (!Array.isArray(parsed.value)) {
    return {
      docs: [],
      errors: [issue(file.name, 'This JSON is neither a list of entries ([{"id", "title", "body"}, …]) nor a Zendesk Help Center export ({"articles": […]}), so nothing was imported.')],
    };
  }
  const byId = new Map<string, ImportResult['docs'][number]>();
  const errors: ImportIssue[] = [];
  parsed.value.forEach((value: unknown, i) => {
    const entry = KbDocSchema.safeParse(value);
    if (!entry.success) {
      const first = entry.error.issues[0];
      const field = first?.path.join('.') || 'entry';
      errors.push(issue(file.name, `Entry ${i + 1} in the list: field "${field}": ${first?.message ?? 'invalid'}; it was skipped. Fix it and import again.`));
      return;
    }
    byId.set(entry.data.id, entry.data);
  });
  return { docs: [...byId.values()], errors };
}
