import { KbDocSchema, type KbDoc, type KbDocInput } from '../schema';

/** A problem with one file, or one row or line of it. The rest of the file still imports. */
export interface ImportIssue {
  file: string;
  /** 1-based line in the file, when the problem has one. */
  line?: number;
  message: string;
}

/** What one importer made of one file. */
export interface ImportResult {
  docs: KbDoc[];
  errors: ImportIssue[];
  /** Things skipped on purpose (a draft article), worth telling but not failures. */
  notes?: ImportIssue[];
}

/** A file as the importers see it: its name (for messages and default ids) and its text. */
export interface ImportFile {
  name: string;
  text: string;
}

/**
 * What the importers need from their host. Extension pages parse HTML with `DOMParser`; tests use
 * happy-dom. The background worker has no DOM, so HTML is always parsed by the page that imports.
 */
export interface ImportEnv {
  parseHtml(html: string): Document;
}

export function issue(file: string, message: string, line?: number): ImportIssue {
  return line === undefined ? { file, message } : { file, line, message };
}

/** Check a candidate entry against the KB schema; a failure is a sentence naming the field. */
export function checkDoc(input: KbDocInput, file: string, line?: number): { doc: KbDoc } | { error: ImportIssue } {
  const parsed = KbDocSchema.safeParse(input);
  if (parsed.success) return { doc: parsed.data };
  const first = parsed.error.issues[0];
  const field = first?.path.join('.') || 'entry';
  const detail = first?.code === 'too_big' ? 'is too long' : (first?.message ?? 'is invalid');
  return { error: issue(file, `The ${field} ${detail}; shorten or fix it and import the file again.`, line) };
}

/** Drop a byte-order mark and make every line break a `\n`. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

class JsonSyntaxError extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

/**
 * Where JSON text first goes wrong (a character offset), found by a small recursive-descent scan.
 * JSON.parse's messages differ between engines and often carry no position, so this finds it.
 */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxError(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        const next = text.charAt(i + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== '') i += 2;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += match?.[0].length ?? 0;
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail();
    space();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      space();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text.charAt(i) !== '"') fail();
        string();
        space();
        if (text.charAt(i) !== ':') fail();
        i++;
        value(depth + 1);
        space();
        if (text.charAt(i) === ',') i++;
        else if (text.charAt(i) === '}') {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text.charAt(i) === ',') i++;
        else if (text.charAt(i) === ']') {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    fail();
  };
  try {
    value(0);
    space();
    return i < text.length ? i : null;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error.offset;
    return null;
  }
}

/** JSON.parse with a sentence and the line where the text stops being JSON. */
export function parseJson(text: string, file: string): { value: unknown } | { error: ImportIssue } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    const offset = jsonErrorOffset(text);
    return {
      error: issue(
        file,
        'This file is not valid JSON, so nothing in it was imported. Check it for a missing comma, quote or bracket near this line, or export it again.',
        offset === null ? undefined : lineAt(text, offset),
      ),
    };
  }
}
