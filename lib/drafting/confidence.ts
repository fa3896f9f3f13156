import type { Confidence } from './schema';

export interface ConfidenceSignals {
  /** Sources cited in the draft (after the citation check). */
  citedSources: number;
  /** Idf-weighted share of the ticket's terms that the best cited source covers (0..1). */
  bestCoverage: number;
  /** The best cited source's retrieval score (BM25, unbounded). */
  bestScore: number;
  /** A canned response in the customer's language was used. */
  macroUsed: boolean;
  /** How far the chosen macro stands above the next candidate: (s1 − s2) / s1, 0..1. */
  macroMargin: number;
  /** At least one source is in the customer's language. */
  languageMatch: boolean;
  /** Placeholders left for the agent to fill. */
  unfilledPlaceholders: string[];
  /** Citations that did not check out and were removed. */
  invalidCitations: number;
}

export const HIGH_CONFIDENCE = 0.7;
export const MEDIUM_CONFIDENCE = 0.45;

/** BM25 scores grow with query length; squash them so a strong match approaches 1. */
function saturate(score: number, half: number): number {
  return score <= 0 ? 0 : score / (score + half);
}

/**
 * How sure the copilot is, with the reasons a person can check. Without sources a draft is never
 * above low; a broken citation or a wrong-language source caps it at medium or low.
 */
export function scoreConfidence(s: ConfidenceSignals): Confidence {
  const reasons: string[] = [];
  if (s.citedSources === 0) {
    reasons.push('No knowledge-base source matched this ticket, so the draft cites nothing. Check every fact.');
    return { score: 0.1, level: 'low', reasons };
  }
  let score =
    0.35 * Math.min(1, s.bestCoverage / 0.3) +
    0.25 * saturate(s.bestScore, 8) +
    (s.macroUsed ? 0.2 + 0.1 * Math.min(1, s.macroMargin / 0.3) : 0) +
    (s.citedSources > 1 ? 0.1 : 0);
  if (s.bestCoverage >= 0.3) reasons.push('The best source covers most of what the customer asked.');
  else if (s.bestCoverage >= 0.15) reasons.push('The sources cover part of what the customer asked.');
  else reasons.push('The sources only touch on what the customer asked.');
  if (s.macroUsed) {
    reasons.push(
      s.macroMargin >= 0.2
        ? 'A canned response clearly matched the topic.'
        : 'A canned response matched, but another was nearly as close: check it is the right one.',
    );
  } else {
    reasons.push('No canned response matched; the draft is built from help articles.');
  }
  if (!s.languageMatch) {
    score = Math.min(score, MEDIUM_CONFIDENCE - 0.01);
    reasons.push("No source is in the customer's language.");
  }
  if (s.unfilledPlaceholders.length > 0) {
    score -= 0.1;
    reasons.push(`Fill in ${s.unfilledPlaceholders.map((p) => `[${p}]`).join(', ')} before sending.`);
  }
  if (s.invalidCitations > 0) {
    score = Math.min(score, MEDIUM_CONFIDENCE - 0.01);
    reasons.push(`${s.invalidCitations} citation(s) pointed at nothing that was retrieved and were removed.`);
  }
  score = Math.max(0, Math.min(1, score));
  const level = score >= HIGH_CONFIDENCE ? 'high' : score >= MEDIUM_CONFIDENCE ? 'medium' : 'low';
  return { score: Math.round(score * 100) / 100, level, reasons };
}
