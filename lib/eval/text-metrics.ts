import { tokenize, words } from '../text/tokenize';

/** Length of the longest common subsequence of two token lists (one row of the table at a time). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let prev = new Array<number>(short.length + 1).fill(0);
  let curr = new Array<number>(short.length + 1).fill(0);
  for (const x of long) {
    for (let j = 1; j <= short.length; j++) {
      curr[j] = x === short[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, curr[j - 1] ?? 0);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[short.length] ?? 0;
}

const MARKERS = /\[\d{1,3}\]/g;

/**
 * ROUGE-L F1 between a candidate and a reference: the longest common subsequence of their
 * lower-cased words, as recall (÷ reference length) and precision (÷ candidate length), combined
 * as their harmonic mean. Citation markers are not words. 0 when either is empty.
 */
export function rougeL(candidate: string, reference: string): { precision: number; recall: number; f1: number } {
  const c = words(candidate.replace(MARKERS, ' '));
  const r = words(reference.replace(MARKERS, ' '));
  const lcs = lcsLength(c, r);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

/** A sentence is a claim worth checking when it has at least this many content terms. */
export const MIN_CLAIM_TERMS = 4;
/** A claim is grounded when at least this share of its content terms appear in the sources or the ticket. */
export const GROUNDED_SHARE = 0.6;

/** Split a reply into sentences (lines first, then sentence ends). */
export function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    // A sentence ends at . ! or ? followed by a space: "£64.50" and "FH-48.2" stay whole.
    .flatMap((line) => line.split(/(?<=[.!?]["')\]»“”]*)\s+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface Groundedness {
  /** Sentences with enough content to check. */
  claims: number;
  grounded: number;
  /** grounded ÷ claims; null when there was nothing to check. */
  share: number | null;
  /** The sentences that were not grounded (for the report). */
  ungrounded: string[];
}

/**
 * How much of a draft is supported: each sentence with at least MIN_CLAIM_TERMS content terms
 * counts as grounded when GROUNDED_SHARE of its stemmed terms occur in the cited sources or in the
 * ticket itself (names and order numbers come from there). Greetings and sign-offs are too short
 * to count. A lexical check: it catches invented facts and unsupported paragraphs, not paraphrase
 * that twists a source's meaning.
 */
export function groundedness(draft: string, sources: readonly string[], ticketText: string, language: string): Groundedness {
  const support = new Set<string>();
  for (const text of [...sources, ticketText]) for (const t of tokenize(text, language)) support.add(t);
  let claims = 0;
  let grounded = 0;
  const ungrounded: string[] = [];
  for (const sentence of sentences(draft.replace(MARKERS, ' '))) {
    const terms = [...new Set(tokenize(sentence, language))];
    if (terms.length < MIN_CLAIM_TERMS) continue;
    claims += 1;
    const found = terms.filter((t) => support.has(t)).length;
    if (found / terms.length >= GROUNDED_SHARE) grounded += 1;
    else ungrounded.push(sentence);
  }
  return { claims, grounded, share: claims > 0 ? grounded / claims : null, ungrounded };
}
