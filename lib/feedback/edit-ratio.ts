import { levenshtein } from './edit-distance';

/** Collapse every run of whitespace to one space and trim, as the design's `editRatio` asks. */
export function normalizeForEditRatio(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/**
 * The distance counts UTF-16 code units, so an emoji would count twice. When either text
 * has characters outside the Basic Multilingual Plane, each such character is mapped to one unused
 * private-use code unit first, so distances are in characters (code points).
 */
function toSingleUnits(a: string, b: string): [string, string] {
  if (!ASTRAL.test(a) && !ASTRAL.test(b)) return [a, b];
  const used = new Set<number>();
  for (const s of [a, b]) for (let i = 0; i < s.length; i++) used.add(s.charCodeAt(i));
  const mapping = new Map<string, string>();
  let next = 0xe000;
  const map = (s: string): string => {
    let out = '';
    for (const ch of s) {
      if (ch.length === 1) {
        out += ch;
        continue;
      }
      let unit = mapping.get(ch);
      if (unit === undefined) {
        while (used.has(next) && next <= 0xf8ff) next += 1;
        // More distinct astral characters than private-use slots: fall back to code units.
        if (next > 0xf8ff) return s;
        unit = String.fromCharCode(next);
        used.add(next);
        mapping.set(ch, unit);
      }
      out += unit;
    }
    return out;
  };
  return [map(a), map(b)];
}

/**
 * Character Levenshtein distance between the inserted draft and the sent text, both
 * whitespace-collapsed and trimmed, divided by the longer length (0 = unchanged, 1 = nothing kept).
 * The distance is Myers' bit-parallel algorithm in block form (edit-distance.ts), so 10,000-character
 * replies stay within a few milliseconds.
 */
export function editRatio(draft: string, sent: string): number {
  const [a, b] = toSingleUnits(normalizeForEditRatio(draft), normalizeForEditRatio(sent));
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  return levenshtein(a, b) / longer;
}
