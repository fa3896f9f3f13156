/**
 * Context checks shared by detectors: is a number labelled ("Phone:", "SSN", "order #") and
 * where does a token stand. Windows stay on the same line unless told otherwise.
 */

/** The text just before `index`, at most `size` characters, cut at the previous line break. */
export function textBefore(text: string, index: number, size: number, sameLine = true): string {
  let from = Math.max(0, index - size);
  if (sameLine) {
    const newline = text.lastIndexOf('\n', index - 1);
    if (newline >= from) from = newline + 1;
  }
  return text.slice(from, index);
}

/** The text just after `index`, at most `size` characters, cut at the next line break. */
export function textAfter(text: string, index: number, size: number, sameLine = true): string {
  let to = Math.min(text.length, index + size);
  if (sameLine) {
    const newline = text.indexOf('\n', index);
    if (newline !== -1 && newline < to) to = newline;
  }
  return text.slice(index, to);
}

/** Whether a label pattern occurs in the `size` characters before `index` (same line). */
export function labelledBefore(text: string, index: number, label: RegExp, size = 40): boolean {
  return label.test(textBefore(text, index, size));
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Whether the characters around [start, end) are not letters, digits or underscores. */
export function isWholeWord(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text.charAt(start - 1) : '';
  const after = end < text.length ? text.charAt(end) : '';
  return !(before && WORD_CHAR.test(before)) && !(after && WORD_CHAR.test(after));
}

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
