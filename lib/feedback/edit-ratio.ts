import { distance } from 'fastest-levenshtein';

/** Collapse every run of whitespace to one space and trim, as the design's `editRatio` asks. */
export function normalizeForEditRatio(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Character Levenshtein distance between the inserted draft and the sent text, both
 * whitespace-collapsed and trimmed, divided by the longer length (0 = unchanged, 1 = nothing kept).
 * fastest-levenshtein uses Myers' bit-parallel algorithm, so 10,000-character replies stay fast.
 */
export function editRatio(draft: string, sent: string): number {
  const a = normalizeForEditRatio(draft);
  const b = normalizeForEditRatio(sent);
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  return distance(a, b) / longer;
}
