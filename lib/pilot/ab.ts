import type { CopilotEvent } from '../feedback/events';
import { isAccepted, type DraftSummary } from '../feedback/outcomes';
import { wilsonRate, type Rate } from '../feedback/wilson';
import { normalQuantile, normalTwoSided, studentTTwoSided } from './distributions';
import { wouldHaveHelped } from './shadow';

/**
 * A/B statistics for pilots: acceptance per variant, the difference between two variants with a
 * 95% interval and a two-proportion z-test (drafts as the unit), an agent-level comparison (agents
 * as the unit), a sample-size planner and shadow similarity by variant.
 */

const Z975 = normalQuantile(0.975);

export interface ProportionTest {
  /** pB − pA. */
  diff: number;
  /** 95% Wald interval of the difference (unpooled standard error). */
  diffLow: number;
  diffHigh: number;
  /** z statistic with the pooled standard error under H0: pA = pB. */
  z: number;
  pValue: number;
}

/**
 * Two-proportion z-test (two-sided) of xB/nB against xA/nA. Null when either arm is empty. When
 * both rates are 0 or both 1 there is no evidence of a difference: z = 0, p = 1.
 */
export function twoProportionTest(xA: number, nA: number, xB: number, nB: number, confidence = 0.95): ProportionTest | null {
  if (nA <= 0 || nB <= 0) return null;
  const pA = xA / nA;
  const pB = xB / nB;
  const diff = pB - pA;
  const pooled = (xA + xB) / (nA + nB);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const z = sePooled > 0 ? diff / sePooled : 0;
  const seDiff = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  const q = confidence === 0.95 ? Z975 : normalQuantile(1 - (1 - confidence) / 2);
  return {
    diff,
    diffLow: Math.max(-1, diff - q * seDiff),
    diffHigh: Math.min(1, diff + q * seDiff),
    z,
    pValue: sePooled > 0 ? normalTwoSided(z) : 1,
  };
}

export interface PlanInput {
  /** The baseline acceptance rate, 0..1. */
  baseline: number;
  /** The absolute lift to detect (0.05 = five percentage points). May be negative. */
  lift: number;
  /** Two-sided significance level. */
  alpha?: number;
  power?: number;
}

/**
 * Drafts needed in each arm to detect `lift` with a two-sided two-proportion z-test:
 * n = (z₁₋α/₂·√(2·p̄·q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / Δ², rounded up (no continuity correction).
 */
export function sampleSizePerArm(input: PlanInput): number {
  const { baseline, lift } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const p2 = baseline + lift;
  if (!(baseline > 0 && baseline < 1)) throw new RangeError('The baseline rate must be between 0 and 1 (for example 0.3 for 30%).');
  if (lift === 0 || !(p2 > 0 && p2 < 1)) throw new RangeError('The lift must be non-zero and keep the rate between 0 and 1 (for example 0.05 for five points).');
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError('alpha and power must be between 0 and 1.');
  const zA = normalQuantile(1 - alpha / 2);
  const zB = normalQuantile(power);
  const pBar = (baseline + p2) / 2;
  const root = zA * Math.sqrt(2 * pBar * (1 - pBar)) + zB * Math.sqrt(baseline * (1 - baseline) + p2 * (1 - p2));
  return Math.ceil((root * root) / (lift * lift) - 1e-9);
}

export interface WelchResult {
  t: number;
  df: number;
  pValue: number;
  meanA: number;
  meanB: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function variance(values: readonly number[], m = mean(values)): number {
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
}

/** Welch's unequal-variance t-test (two-sided) of B against A. Null with fewer than 2 values in a group. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const meanA = mean(a);
  const meanB = mean(b);
  const vA = variance(a, meanA) / a.length;
  const vB = variance(b, meanB) / b.length;
  const se2 = vA + vB;
  if (se2 <= 0) return { t: meanA === meanB ? 0 : Math.sign(meanB - meanA) * Infinity, df: a.length + b.length - 2, pValue: meanA === meanB ? 1 : 0, meanA, meanB };
  const t = (meanB - meanA) / Math.sqrt(se2);
  const df = (se2 * se2) / ((vA * vA) / (a.length - 1) + (vB * vB) / (b.length - 1));
  return { t, df, pValue: studentTTwoSided(t, df), meanA, meanB };
}

/** A small seeded generator (xorshift32), so a Monte Carlo p-value is the same on every run. */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Largest number of relabellings enumerated exactly; beyond it, random relabellings. */
export const EXACT_PERMUTATION_LIMIT = 50_000;

/**
 * Two-sided permutation test of the difference in means: how often relabelling the values gives a
 * difference at least as large. Exact when the relabellings are few, else `iterations` random ones
 * (seeded). Null when a group is empty.
 */
export function permutationTest(a: readonly number[], b: readonly number[], options: { iterations?: number; seed?: number } = {}): { pValue: number; exact: boolean } | null {
  if (a.length === 0 || b.length === 0) return null;
  const all = [...a, ...b];
  const n = all.length;
  const k = a.length;
  const total = all.reduce((s, v) => s + v, 0);
  const observed = Math.abs(mean(b) - mean(a));
  const diffOf = (sumA: number) => Math.abs((total - sumA) / (n - k) - sumA / k);
  const tolerance = 1e-12;
  if (binomial(n, k) <= EXACT_PERMUTATION_LIMIT) {
    let extreme = 0;
    let count = 0;
    const walk = (start: number, chosen: number, sumA: number) => {
      if (chosen === k) {
        count += 1;
        if (diffOf(sumA) >= observed - tolerance) extreme += 1;
        return;
      }
      for (let i = start; i <= n - (k - chosen); i++) walk(i + 1, chosen + 1, sumA + (all[i] ?? 0));
    };
    walk(0, 0, 0);
    return { pValue: extreme / count, exact: true };
  }
  const iterations = options.iterations ?? 10_000;
  const random = seededRandom(options.seed ?? 20_240_601);
  const pool = [...all];
  let extreme = 0;
  for (let it = 0; it < iterations; it++) {
    // A partial Fisher–Yates shuffle picks group A.
    let sumA = 0;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (n - i));
      const tmp = pool[i] ?? 0;
      pool[i] = pool[j] ?? 0;
      pool[j] = tmp;
      sumA += pool[i] ?? 0;
    }
    if (diffOf(sumA) >= observed - tolerance) extreme += 1;
  }
  return { pValue: (extreme + 1) / (iterations + 1), exact: false };
}

/** One row of `comparisons` in the report's JSON (design: exactly these keys). */
export interface ComparisonRow {
  a: string;
  b: string;
  diff: number | null;
  diffLow: number | null;
  diffHigh: number | null;
  pValue: number | null;
  agentLevelPValue: number | null;
}

export interface ArmSummary {
  variant: string;
  drafts: number;
  accepted: number;
  /** Acceptance rate with its Wilson 95% interval. */
  acceptance: Rate;
  agents: number;
}

export interface AgentLevelComparison {
  agentsA: number;
  agentsB: number;
  /** Mean of per-agent acceptance rates (each agent counts once). */
  meanA: number | null;
  meanB: number | null;
  /** Permutation test on per-agent rates: the `agentLevelPValue`. */
  permutationPValue: number | null;
  permutationExact: boolean | null;
  welch: WelchResult | null;
}

export type AssignmentUnit = 'agent' | 'ticket' | 'unknown';

export interface ComparisonDetail {
  row: ComparisonRow;
  armA: ArmSummary;
  armB: ArmSummary;
  z: number | null;
  agentLevel: AgentLevelComparison;
  /** Which p-value to believe, and why, in a sentence. */
  trust: 'draft' | 'agent';
  note: string;
}

export type DraftRow = Pick<DraftSummary, 'agentId' | 'variant' | 'outcome'> & Partial<Pick<DraftSummary, 'pilotId'>>;

/**
 * How variants were assigned, read from the data: `agent` when no agent has drafts in two variants
 * (then an agent's drafts are not independent: trust the agent-level test), `ticket` otherwise.
 */
export function inferAssignmentUnit(drafts: readonly DraftRow[]): AssignmentUnit {
  const variantsOf = new Map<string, Set<string>>();
  for (const d of drafts) {
    if (d.variant === null) continue;
    const set = variantsOf.get(d.agentId) ?? new Set<string>();
    set.add(d.variant);
    variantsOf.set(d.agentId, set);
  }
  if (variantsOf.size === 0) return 'unknown';
  return [...variantsOf.values()].every((s) => s.size === 1) ? 'agent' : 'ticket';
}

function armOf(variant: string, drafts: readonly DraftRow[]): { arm: ArmSummary; agentRates: number[] } {
  const mine = drafts.filter((d) => d.variant === variant);
  const accepted = mine.filter((d) => isAccepted(d.outcome)).length;
  const byAgent = new Map<string, { shown: number; accepted: number }>();
  for (const d of mine) {
    const row = byAgent.get(d.agentId) ?? { shown: 0, accepted: 0 };
    row.shown += 1;
    if (isAccepted(d.outcome)) row.accepted += 1;
    byAgent.set(d.agentId, row);
  }
  return {
    arm: { variant, drafts: mine.length, accepted, acceptance: wilsonRate(accepted, mine.length), agents: byAgent.size },
    agentRates: [...byAgent.values()].map((r) => r.accepted / r.shown),
  };
}

export interface CompareOptions {
  /** Variant order (baseline first), e.g. the pilot config's; variants not listed follow by name. */
  variantOrder?: readonly string[];
  /** Only drafts of this pilot. */
  pilotId?: string;
  /** How the pilot assigned variants; inferred from the drafts when absent. */
  unit?: 'agent' | 'ticket';
}

export interface VariantComparison {
  arms: ArmSummary[];
  comparisons: ComparisonRow[];
  details: ComparisonDetail[];
  unit: AssignmentUnit;
}

/**
 * Compare every pair of variants on acceptance (design: accepted ÷ shown drafts). For each pair
 * (a before b in variant order) `diff` = rate(b) − rate(a). Drafts made outside any pilot (no
 * variant) are left out.
 */
export function compareVariants(drafts: readonly DraftRow[], options: CompareOptions = {}): VariantComparison {
  const rows = drafts.filter((d) => d.variant !== null && (options.pilotId === undefined || d.pilotId === options.pilotId));
  const seen = [...new Set(rows.map((d) => d.variant ?? ''))];
  const order = options.variantOrder ?? [];
  const variants = [...order.filter((v) => seen.includes(v)), ...seen.filter((v) => !order.includes(v)).sort()];
  const unit: AssignmentUnit = options.unit ?? inferAssignmentUnit(rows);
  const built = new Map(variants.map((v) => [v, armOf(v, rows)]));
  const comparisons: ComparisonRow[] = [];
  const details: ComparisonDetail[] = [];
  for (let i = 0; i < variants.length; i++) {
    for (let j = i + 1; j < variants.length; j++) {
      const va = variants[i] ?? '';
      const vb = variants[j] ?? '';
      const A = built.get(va);
      const B = built.get(vb);
      if (!A || !B) continue;
      const test = twoProportionTest(A.arm.accepted, A.arm.drafts, B.arm.accepted, B.arm.drafts);
      const permutation = permutationTest(A.agentRates, B.agentRates);
      const welch = welchTTest(A.agentRates, B.agentRates);
      const row: ComparisonRow = {
        a: va,
        b: vb,
        diff: test?.diff ?? null,
        diffLow: test?.diffLow ?? null,
        diffHigh: test?.diffHigh ?? null,
        pValue: test?.pValue ?? null,
        agentLevelPValue: permutation?.pValue ?? null,
      };
      const trust: 'draft' | 'agent' = unit === 'agent' ? 'agent' : 'draft';
      const fewAgents = Math.min(A.arm.agents, B.arm.agents);
      const note =
        trust === 'agent'
          ? `Variants were assigned per agent, so one agent's drafts are not independent: trust the agent-level p-value (${fewAgents} agent${fewAgents === 1 ? '' : 's'} in the smaller arm${fewAgents < 4 ? '; too few for any test to show a difference' : ''}). The per-draft p-value overstates the evidence.`
          : 'Variants were assigned per ticket, so each agent worked with both: the per-draft test is the one to trust (the agent-level one compares agents who saw both variants).';
      comparisons.push(row);
      details.push({
        row,
        armA: A.arm,
        armB: B.arm,
        z: test?.z ?? null,
        agentLevel: {
          agentsA: A.arm.agents,
          agentsB: B.arm.agents,
          meanA: A.agentRates.length > 0 ? mean(A.agentRates) : null,
          meanB: B.agentRates.length > 0 ? mean(B.agentRates) : null,
          permutationPValue: permutation?.pValue ?? null,
          permutationExact: permutation?.exact ?? null,
          welch,
        },
        trust,
        note,
      });
    }
  }
  return { arms: variants.map((v) => built.get(v)?.arm).filter((a): a is ArmSummary => a !== undefined), comparisons, details, unit };
}

export interface ShadowSimilarity {
  variant: string | null;
  /** Shadow drafts with a similarity recorded (the agent sent a reply). */
  count: number;
  mean: number | null;
  median: number | null;
  /** 95% interval of the mean (normal approximation; null under 2 values). */
  low: number | null;
  high: number | null;
  /** Share that would have been accepted (similarity ≥ 0.5, i.e. within "edited"), with its Wilson interval. */
  wouldHaveHelped: Rate;
}

/**
 * Shadow similarity by variant: for each shadow draft, the latest `similarity` recorded on its
 * `shadow` events (the one written when the reply was sent), summarised per variant.
 */
export function shadowSimilarityByVariant(events: readonly CopilotEvent[]): ShadowSimilarity[] {
  const latest = new Map<string, { variant: string | null; similarity: number; at: string }>();
  for (const e of events) {
    if (e.type !== 'shadow') continue;
    const similarity = e.payload.similarity;
    if (typeof similarity !== 'number' || !Number.isFinite(similarity)) continue;
    const key = `${e.agentId}\u0000${e.draftId}`;
    const prior = latest.get(key);
    if (!prior || prior.at <= e.at) latest.set(key, { variant: e.variant, similarity, at: e.at });
  }
  return summariseSimilarities([...latest.values()]);
}

/** Shadow similarity by variant from per-draft summaries (the report's shadow state). */
export function shadowSimilarityFromSummaries(shadows: readonly { variant: string | null; similarity: number | null }[]): ShadowSimilarity[] {
  return summariseSimilarities(shadows.filter((s): s is { variant: string | null; similarity: number } => typeof s.similarity === 'number' && Number.isFinite(s.similarity)));
}

function summariseSimilarities(pairs: readonly { variant: string | null; similarity: number }[]): ShadowSimilarity[] {
  const byVariant = new Map<string | null, number[]>();
  for (const { variant, similarity } of pairs) byVariant.set(variant, [...(byVariant.get(variant) ?? []), similarity]);
  return [...byVariant.entries()]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([variant, values]) => {
      const sorted = [...values].sort((x, y) => x - y);
      const m = mean(values);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? m) : ((sorted[mid - 1] ?? m) + (sorted[mid] ?? m)) / 2;
      const half = values.length >= 2 ? Z975 * Math.sqrt(variance(values, m) / values.length) : null;
      return {
        variant,
        count: values.length,
        mean: m,
        median,
        low: half === null ? null : Math.max(0, m - half),
        high: half === null ? null : Math.min(1, m + half),
        wouldHaveHelped: wilsonRate(values.filter(wouldHaveHelped).length, values.length),
      };
    });
}
