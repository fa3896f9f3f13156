/**
 * Context windows shared by detectors: the text just before and after a candidate, on its own line
 * unless told otherwise, for labels such as "Phone:", "SSN" or "order #".
 */

/** The text just before `index`, at most `size` characters, cut at the previous line break. */
export function textBefore(text: string, index: number, size: number, sameLine = true): string {
  const from = Math.max(0, index - size);
  const window = text.slice(from, index);
  if (!sameLine) return window;
  const newline = window.lastIndexOf('\n');
  return newline === -1 ? window : window.slice(newline + 1);
}

/** The text just after `index`, at most `size` characters, cut at the next line break. */
export function textAfter(text: string, index: number, size: number, sameLine = true): string {
  const window = text.slice(index, Math.min(text.length, index + size));
  if (!sameLine) return window;
  const newline = window.indexOf('\n');
  return newline === -1 ? window : window.slice(0, newline);
}

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
