import type { z } from 'zod';

/** A line of a JSON Lines file that could not be used: not JSON, or not of the expected shape. */
export type JsonLineProblem = { line: number; kind: 'json' } | { line: number; kind: 'schema'; issue: z.core.$ZodIssue | undefined };

/**
 * Parse JSON Lines against a schema: blank lines are skipped, every other line is parsed and
 * validated on its own, so one bad line never stops the rest. Callers word the problems.
 */
export function parseJsonLines<S extends z.ZodType>(text: string, schema: S): { rows: { line: number; value: z.infer<S> }[]; problems: JsonLineProblem[] } {
  const rows: { line: number; value: z.infer<S> }[] = [];
  const problems: JsonLineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, kind: 'json' });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) rows.push({ line: i + 1, value: parsed.data });
    else problems.push({ line: i + 1, kind: 'schema', issue: parsed.error.issues[0] });
  });
  return { rows, problems };
}
