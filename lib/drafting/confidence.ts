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

/** What a model draft's confidence is built from. */
export interface ModelConfidenceSignals {
  /** Sources cited in the final text (after the citation check). */
  citedSources: number;
  /** Idf-weighted share of the ticket's terms that the best cited source covers (0..1). */
  bestCoverage: number;
  /** The best cited source's retrieval score. */
  bestScore: number;
  /** Claim sentences (see `groundedness`) and how many carry a valid marker. */
  claims: number;
  citedClaims: number;
  /** Supported claims ÷ claims (1 when there is no claim). */
  groundedness: number;
  /** The model's own rating, 0..1; null when it gave none. */
  selfRated: number | null;
  /** The model said a person must decide. */
  needsHuman: boolean;
  /** Markers that named no retrieved source and were removed. */
  invalidCitations: number;
  /** Links, addresses or numbers found in no source and no ticket, removed by the output check. */
  removedByOutputCheck: number;
  /** At least one cited source is in the customer's language. */
  languageMatch: boolean;
  /** The answer hit the token limit and may be cut short. */
  truncated: boolean;
  /** The guard's prompt-injection flag. */
  injectionSuspected: boolean;
}

/**
 * The confidence of a model draft, from every signal at once: retrieval evidence (how well the
 * best cited source covers the ticket), citation coverage (claims that cite a source), groundedness
 * (claims their cited source supports), the model's self-rating (trusted least: it is capped by the
 * evidence) and the guard's flags. The result never says high when a citation was invented, a
 * claim is unsupported by its source, the model asked for a person, or the ticket tried to steer it.
 */
export function scoreModelConfidence(s: ModelConfidenceSignals): Confidence {
  const reasons: string[] = [];
  if (s.citedSources === 0) {
    reasons.push('The draft cites no knowledge-base source. Check every fact before sending.');
    if (s.invalidCitations > 0) reasons.push(`${s.invalidCitations} citation(s) pointed at nothing that was retrieved and were removed.`);
    if (s.injectionSuspected) reasons.push('The ticket contains text that tries to instruct the copilot; confidence is capped at low.');
    return { score: 0.1, level: 'low', reasons };
  }
  const citationCoverage = s.claims === 0 ? 1 : s.citedClaims / s.claims;
  const evidence = 0.6 * Math.min(1, s.bestCoverage / 0.3) + 0.4 * saturate(s.bestScore, 8);
  const self = s.selfRated ?? 0.5;
  let score = 0.3 * evidence + 0.3 * s.groundedness + 0.2 * citationCoverage + 0.2 * Math.min(self, evidence + 0.3);

  if (s.bestCoverage >= 0.3) reasons.push('The best cited source covers most of what the customer asked.');
  else if (s.bestCoverage >= 0.15) reasons.push('The cited sources cover part of what the customer asked.');
  else reasons.push('The cited sources only touch on what the customer asked.');
  const unsupported = s.claims - Math.round(s.groundedness * s.claims);
  if (s.claims > 0) {
    reasons.push(
      unsupported === 0
        ? `All ${s.claims} statement(s) are supported by the source they cite.`
        : `${unsupported} of ${s.claims} statement(s) are not supported by a cited source: check them.`,
    );
  }
  if (s.selfRated !== null) reasons.push(`The model rated its own answer ${Math.round(s.selfRated * 100)}%.`);

  const capBelowMedium = (why: string) => {
    score = Math.min(score, MEDIUM_CONFIDENCE - 0.01);
    reasons.push(why);
  };
  const capBelowHigh = (why: string) => {
    score = Math.min(score, HIGH_CONFIDENCE - 0.01);
    reasons.push(why);
  };
  if (s.invalidCitations > 0) capBelowMedium(`${s.invalidCitations} citation(s) pointed at nothing that was retrieved and were removed.`);
  if (s.removedByOutputCheck > 0) capBelowMedium(`${s.removedByOutputCheck} link(s), address(es) or number(s) found in no source were removed.`);
  if (s.needsHuman) capBelowMedium('The model says the sources do not settle this: a person should decide.');
  if (s.truncated) capBelowMedium('The answer hit the length limit and may be cut short.');
  if (!s.languageMatch) capBelowMedium("No cited source is in the customer's language.");
  if (s.groundedness < 0.5 && s.claims > 0) capBelowMedium('Most statements are not backed by the source they cite.');
  else if (unsupported > 0) capBelowHigh('Some statements are not backed by their source.');
  if (s.injectionSuspected) {
    score = Math.min(score, 0.3);
    reasons.push('The ticket contains text that tries to instruct the copilot; confidence is capped at low.');
  }
  score = Math.max(0, Math.min(1, score));
  const level = score >= HIGH_CONFIDENCE ? 'high' : score >= MEDIUM_CONFIDENCE ? 'medium' : 'low';
  return { score: Math.round(score * 100) / 100, level, reasons };
}
