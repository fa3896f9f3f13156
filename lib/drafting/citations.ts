import type { Citation } from './schema';

const MARKER = /\[(\d{1,3})\]/g;

export interface CitationCheck {
  /** Every marker in the text points at a listed citation, and every citation at a retrieved chunk. */
  ok: boolean;
  /** Markers in the text, in order of first appearance. */
  markers: number[];
  /** Markers with no citation, or whose citation points outside what was retrieved. */
  invalidMarkers: number[];
  /** The text with invalid markers removed. */
  repairedText: string;
  /** Only the citations that check out and appear in the text. */
  validCitations: Citation[];
}

/** The `[n]` markers of a text, in order of first appearance. */
export function citationMarkers(text: string): number[] {
  const seen: number[] = [];
  for (const m of text.matchAll(MARKER)) {
    const n = Number(m[1]);
    if (!seen.includes(n)) seen.push(n);
  }
  return seen;
}

/**
 * Check a draft's citations against the chunks retrieved for this ticket. A marker that points at
 * nothing retrieved is removed from the text (repaired) and reported, so the draft can be marked.
 */
export function checkCitations(text: string, citations: readonly Citation[], retrievedChunkIds: ReadonlySet<string>): CitationCheck {
  const markers = citationMarkers(text);
  const byMarker = new Map(citations.map((c) => [c.marker, c]));
  const invalid = markers.filter((m) => {
    const c = byMarker.get(m);
    return !c || !retrievedChunkIds.has(c.chunkId);
  });
  const repairedText =
    invalid.length === 0
      ? text
      : text.replace(MARKER, (match, n: string) => (invalid.includes(Number(n)) ? '' : match)).replace(/[ \t]+([.,;:!?])/g, '$1');
  const validCitations = citations.filter((c) => markers.includes(c.marker) && !invalid.includes(c.marker));
  return { ok: invalid.length === 0, markers, invalidMarkers: invalid, repairedText, validCitations };
}
