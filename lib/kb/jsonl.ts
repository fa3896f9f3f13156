import { KbDocSchema, type KbDoc } from './schema';

export interface LineError {
  line: number;
  message: string;
}

export interface ParsedKb {
  docs: KbDoc[];
  errors: LineError[];
}

/**
 * Parse KB JSON Lines. A bad line is reported with its number and skipped; the rest still loads.
 * A later line with the same id replaces the earlier one.
 */
export function parseKbJsonl(text: string): ParsedKb {
  const byId = new Map<string, KbDoc>();
  const errors: LineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push({ line: i + 1, message: 'This line is not valid JSON.' });
      return;
    }
    const parsed = KbDocSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'entry';
      errors.push({ line: i + 1, message: `Field "${field}": ${issue?.message ?? 'invalid'}.` });
      return;
    }
    byId.set(parsed.data.id, parsed.data);
  });
  return { docs: [...byId.values()], errors };
}
