import { guessLanguage } from '../text/language';
import { tokenize, words } from '../text/tokenize';

/**
 * Drift: are recent tickets still about what the reference window (and the knowledge base) was
 * about? Two checks: the term distribution (Jensen–Shannon divergence, with a permutation test so
 * small windows do not cry wolf) and the retrieval scores (two-sample Kolmogorov–Smirnov test).
 * A warning names the terms that grew.
 */

export interface DriftWindow {
  /** Ticket texts (subject and the customer's words). */
  texts: readonly string[];
  /** One retrieval score per ticket, e.g. the best passage's coverage (0..1); may be empty. */
  scores: readonly number[];
}

export interface DriftOptions {
  /** Smallest divergence beyond what chance gives (observed − median of shuffled windows) that counts as drift. */
  minExcessDivergence?: number;
  /** Significance level of both tests. */
  alpha?: number;
  /** Terms in fewer tickets than this (both windows together) are pooled into one "other" bucket. */
  minTermTickets?: number;
  /** A grown term must appear in at least this many recent tickets. */
  minRecentTickets?: number;
  /** How many grown terms to name. */
  topTerms?: number;
  permutations?: number;
  seed?: number;
  /** Fewer tickets than this in either window: report the numbers, but never warn. */
  minTickets?: number;
}

export const DRIFT_DEFAULTS: Required<DriftOptions> = {
  minExcessDivergence: 0.02,
  alpha: 0.01,
  minTermTickets: 3,
  minRecentTickets: 3,
  topTerms: 8,
  permutations: 199,
  seed: 7_331,
  minTickets: 20,
};

export interface GrownTerm {
  /** The most common word form of the term in recent tickets. */
  term: string;
  /** Share of tickets mentioning it, in each window. */
  referenceShare: number;
  recentShare: number;
  recentTickets: number;
}

export interface DriftReport {
  drift: boolean;
  /** A window had fewer than `minTickets` tickets: too few to judge, so no warning. */
  tooFew: boolean;
  reference: { tickets: number };
  recent: { tickets: number };
  terms: {
    /** Jensen–Shannon divergence (base 2, 0..1) of the two windows' term distributions. */
    divergence: number;
    /** Median divergence of shuffled windows of the same sizes: what chance alone gives. */
    chanceDivergence: number;
    pValue: number;
    drifted: boolean;
    grown: GrownTerm[];
  };
  scores: {
    /** Kolmogorov–Smirnov D (largest gap between the two empirical CDFs); null without scores. */
    ks: number | null;
    pValue: number | null;
    referenceMedian: number | null;
    recentMedian: number | null;
    /** Only a fall in scores is drift: tickets the KB covers less well. */
    drifted: boolean;
  };
  /** A sentence for the stats page and the CLI, or null when nothing drifted. */
  warning: string | null;
}

/** Jensen–Shannon divergence in bits (0 identical … 1 disjoint) of two count vectors over the same bins. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  if (sp <= 0 || sq <= 0) return 0;
  let js = 0;
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    const a = (p[i] ?? 0) / sp;
    const b = (q[i] ?? 0) / sq;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  return Math.min(1, Math.max(0, js));
}

/** The Kolmogorov distribution's upper tail Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Two-sample Kolmogorov–Smirnov test (asymptotic p-value with Stephens' small-sample correction). */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { d: number; pValue: number } | null {
  if (a.length === 0 || b.length === 0) return null;
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i] ?? 0, y[j] ?? 0);
    while (i < x.length && (x[i] ?? 0) <= v) i++;
    while (j < y.length && (y[j] ?? 0) <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const root = Math.sqrt(ne);
  return { d, pValue: kolmogorovQ((root + 0.12 + 0.11 / root) * d) };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 === 1 ? (s[Math.floor(mid)] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Each ticket's distinct terms (stems), and the surface words seen for each stem. */
function ticketTerms(texts: readonly string[], surfaces: Map<string, Map<string, number>>): Set<string>[] {
  return texts.map((text) => {
    const language = guessLanguage(text) ?? 'en';
    const terms = new Set<string>();
    for (const word of words(text)) {
      const stem = tokenize(word, language)[0];
      if (!stem || /^\d+$/.test(stem)) continue;
      terms.add(stem);
      const forms = surfaces.get(stem) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      surfaces.set(stem, forms);
    }
    return terms;
  });
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Compare a recent window of tickets with a reference window. */
export function detectDrift(reference: DriftWindow, recent: DriftWindow, options: DriftOptions = {}): DriftReport {
  const o = { ...DRIFT_DEFAULTS, ...options };
  const surfaces = new Map<string, Map<string, number>>();
  const refSets = ticketTerms(reference.texts, surfaces);
  const recentSurfaces = new Map<string, Map<string, number>>();
  const recSets = ticketTerms(recent.texts, recentSurfaces);
  const all = [...refSets, ...recSets];

  // Bins: terms in enough tickets, plus one bin for everything rarer (its mass still counts).
  const ticketsWith = new Map<string, number>();
  for (const set of all) for (const t of set) ticketsWith.set(t, (ticketsWith.get(t) ?? 0) + 1);
  const vocabulary = [...ticketsWith.entries()].filter(([, n]) => n >= o.minTermTickets).map(([t]) => t).sort();
  const bin = new Map(vocabulary.map((t, i) => [t, i]));
  const other = vocabulary.length;
  const countsOf = (sets: readonly Set<string>[]) => {
    const counts = new Array<number>(other + 1).fill(0);
    for (const set of sets) for (const t of set) counts[bin.get(t) ?? other] = (counts[bin.get(t) ?? other] ?? 0) + 1;
    return counts;
  };
  const divergence = jensenShannon(countsOf(refSets), countsOf(recSets));

  // What divergence do windows of these sizes show by chance? Shuffle tickets between the windows.
  const random = seeded(o.seed);
  const pool = [...all];
  const chance: number[] = [];
  let atLeast = 0;
  const canTest = refSets.length > 0 && recSets.length > 0;
  const tooFew = refSets.length < o.minTickets || recSets.length < o.minTickets;
  if (canTest) {
    for (let p = 0; p < o.permutations; p++) {
      for (let i = pool.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const tmp = pool[i];
        pool[i] = pool[j] ?? new Set<string>();
        pool[j] = tmp ?? new Set<string>();
      }
      const js = jensenShannon(countsOf(pool.slice(0, refSets.length)), countsOf(pool.slice(refSets.length)));
      chance.push(js);
      if (js >= divergence - 1e-12) atLeast += 1;
    }
  }
  const chanceDivergence = median(chance) ?? 0;
  const termsP = canTest ? (atLeast + 1) / (o.permutations + 1) : 1;
  const termsDrifted = canTest && !tooFew && termsP < o.alpha && divergence - chanceDivergence >= o.minExcessDivergence;

  // The terms that grew most, by share of tickets that mention them.
  const share = (sets: readonly Set<string>[], t: string) => sets.filter((s) => s.has(t)).length / Math.max(1, sets.length);
  const recentCount = new Map<string, number>();
  for (const set of recSets) for (const t of set) recentCount.set(t, (recentCount.get(t) ?? 0) + 1);
  const smoothing = 1 / Math.max(1, refSets.length);
  const grown: GrownTerm[] = [...recentCount.entries()]
    .filter(([, n]) => n >= o.minRecentTickets)
    .map(([t, n]) => {
      const referenceShare = share(refSets, t);
      const recentShare = n / Math.max(1, recSets.length);
      const forms = recentSurfaces.get(t) ?? surfaces.get(t) ?? new Map<string, number>();
      const term = [...forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? t;
      return { term, referenceShare, recentShare, recentTickets: n };
    })
    .filter((g) => g.recentShare - g.referenceShare > 0 && (g.recentShare + smoothing) / (g.referenceShare + smoothing) >= 2)
    .sort((a, b) => b.recentShare - b.referenceShare - (a.recentShare - a.referenceShare) || a.term.localeCompare(b.term))
    .slice(0, o.topTerms);

  const ks = ksTwoSample(reference.scores, recent.scores);
  const referenceMedian = median(reference.scores);
  const recentMedian = median(recent.scores);
  const scoresFell = !tooFew && ks !== null && ks.pValue < o.alpha && recentMedian !== null && referenceMedian !== null && recentMedian < referenceMedian;

  const parts: string[] = [];
  if (termsDrifted) {
    const named = grown.length > 0 ? `; more tickets mention ${grown.map((g) => `“${g.term}”`).join(', ')}` : '';
    parts.push(`Recent tickets talk about different things than the reference window (Jensen–Shannon divergence ${divergence.toFixed(3)}, chance gives ${chanceDivergence.toFixed(3)}, p = ${termsP.toFixed(3)})${named}.`);
  }
  if (scoresFell) {
    parts.push(
      `Retrieval scores fell (median ${referenceMedian?.toFixed(2)} → ${recentMedian?.toFixed(2)}, Kolmogorov–Smirnov p = ${ks.pValue.toExponential(1)}): the knowledge base covers recent tickets less well.`,
    );
  }
  if (parts.length > 0) parts.push('Check whether the knowledge base needs new articles, and re-run the eval set.');
  return {
    drift: termsDrifted || scoresFell,
    tooFew,
    reference: { tickets: reference.texts.length },
    recent: { tickets: recent.texts.length },
    terms: { divergence, chanceDivergence, pValue: termsP, drifted: termsDrifted, grown },
    scores: { ks: ks?.d ?? null, pValue: ks?.pValue ?? null, referenceMedian, recentMedian, drifted: scoresFell },
    warning: parts.length > 0 ? parts.join(' ') : null,
  };
}
