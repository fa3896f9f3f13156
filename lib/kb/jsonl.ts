import { parseJsonLines } from '../jsonl';
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
  const { rows, problems } = parseJsonLines(text, KbDocSchema);
  const byId = new Map<string, KbDoc>();
  for (const { value } of rows) byId.set(value.id, value);
  const errors: LineError[] = problems.map((p) =>
    p.kind === 'json'
      ? { line: p.line, message: 'This line is not valid JSON.' }
      : { line: p.line, message: `Field "${p.issue?.path.join('.') || 'entry'}": ${p.issue?.message ?? 'invalid'}.` },
  );
  return { docs: [...byId.values()], errors };
}
