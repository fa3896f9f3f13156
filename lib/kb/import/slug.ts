/**
 * An id-friendly form of a name: lower case, letters and digits of any script, words joined by `-`.
 * `Engraving & gift messages.md` → `engraving-gift-messages-md` (callers strip the extension first).
 */
export function slugify(text: string, maxLength = 80): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, maxLength).replace(/-+$/, '');
}

/** The file name without folders and without its last extension: `kb/returns.policy.md` → `returns.policy`. */
export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The lower-case extension without the dot, or '' when the name has none. */
export function extensionOf(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The id a file's entry gets when it names none: the slug of its file name. */
export function idFromFileName(fileName: string): string {
  return slugify(baseName(fileName)) || 'untitled';
}

/** A readable title from a file name: `gift-wrapping_options.md` → `Gift wrapping options`. */
export function titleFromFileName(fileName: string): string {
  const words = baseName(fileName).replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Untitled';
}

/** The primary language subtag of a locale: `en-us` → `en`, `pt_BR` → `pt`. Empty when none. */
export function primaryLanguage(locale: string | null | undefined): string {
  const match = /^\s*([a-z]{2,3})(?:[-_]|\s*$)/i.exec(locale ?? '');
  return match?.[1]?.toLowerCase() ?? '';
}
