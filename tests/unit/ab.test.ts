import { describe, expect, it } from 'vitest';
import type { CopilotEvent } from '../../lib/feedback/events';
import type { Outcome } from '../../lib/feedback/outcomes';
import { abReport, formatAbReport } from '../../lib/pilot/ab-report';
import { shadowSimilarity, wouldHaveHelped, wouldHaveOutcome } from '../../lib/pilot/shadow';
import { compareVariants, inferAssignmentUnit, permutationTest, sampleSizePerArm, shadowSimilarityByVariant, twoProportionTest, welchTTest, type DraftRow } from '../../lib/pilot/ab';
import { gammaQ, incompleteBeta, normalCdf, normalQuantile, studentTTwoSided } from '../../lib/pilot/distributions';
import { planFromArgs, reportPlan } from '../../scripts/report-plan';

describe('distributions', () => {
  it('match tabulated values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-6)).toBeCloseTo(9.865876450376946e-10, 20);
    expect(normalCdf(-6) / 9.865876450376946e-10).toBeCloseTo(1, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 10);
    // t with 5 df: two-sided P(|T| > 2.015) = 0.10 (t-table), P(|T| > 2) = 0.10194.
    expect(studentTTwoSided(2.0150483733330233, 5)).toBeCloseTo(0.1, 8);
    expect(studentTTwoSided(2, 5)).toBeCloseTo(0.10193947882985835, 10);
    expect(incompleteBeta(0.3, 2.5, 4)).toBeCloseTo(0.3521975859067672, 10);
    // χ² with 1 df: P(χ² > 3.841459) = 0.05.
    expect(gammaQ(0.5, 3.841458820694124 / 2)).toBeCloseTo(0.05, 10);
  });
});

describe('two-proportion z-test', () => {
  it('gives the textbook statistic, p-value and Wald interval', () => {
    // 30/100 vs 45/100: pooled p = 0.375, z = 0.15 / √(0.375·0.625·0.02) = 2.1909, p = 0.02846;
    // unpooled SE = √(0.21/100 + 0.2475/100) = 0.06764, 95% CI 0.15 ± 1.96·0.06764 = [0.0174, 0.2826].
    const t = twoProportionTest(30, 100, 45, 100);
    expect(t?.diff).toBeCloseTo(0.15, 12);
    expect(t?.z).toBeCloseTo(2.1908902300206647, 10);
    expect(t?.pValue).toBeCloseTo(0.02845973691631043, 10);
    expect(t?.diffLow).toBeCloseTo(0.017430493307564854, 10);
    expect(t?.diffHigh).toBeCloseTo(0.2825695066924352, 10);
  });

  it('equals Pearson’s χ² test on the 2×2 table', () => {
    const [a, nA, b, nB] = [120, 400, 150, 400];
    const table = [
      [a, nA - a],
      [b, nB - b],
    ];
    const total = nA + nB;
    const cols = [a + b, total - a - b];
    let chi = 0;
    table.forEach((row, i) =>
      row.forEach((obs, j) => {
        const expected = ([nA, nB][i] ?? 0) * (cols[j] ?? 0) / total;
        chi += (obs - expected) ** 2 / expected;
      }),
    );
    const t = twoProportionTest(a, nA, b, nB);
    expect(t?.pValue).toBeCloseTo(gammaQ(0.5, chi / 2), 12);
    expect(t?.pValue).toBeCloseTo(0.0248911006068675, 10);
  });

  it('is null for an empty arm and p = 1 when nothing varies', () => {
    expect(twoProportionTest(0, 0, 3, 10)).toBeNull();
    expect(twoProportionTest(0, 10, 0, 12)?.pValue).toBe(1);
  });
});

describe('sample-size planner', () => {
  it('needs 1,377 drafts per arm for 30% → 35% at two-sided 5%, power 80%', () => {
    // (1.95996·√(2·0.325·0.675) + 0.84162·√(0.21 + 0.2275))² / 0.05² = 1376.3 → 1377.
    expect(sampleSizePerArm({ baseline: 0.3, lift: 0.05 })).toBe(1377);
    // Fleiss' classic 0.5 vs 0.6 → 388 per group (without continuity correction).
    expect(sampleSizePerArm({ baseline: 0.5, lift: 0.1 })).toBe(388);
    expect(sampleSizePerArm({ baseline: 0.3, lift: -0.05 })).toBe(sampleSizePerArm({ baseline: 0.25, lift: 0.05 }));
    expect(() => sampleSizePerArm({ baseline: 0.98, lift: 0.05 })).toThrow(/between 0 and 1/);
  });

  it('prints per-arm counts for npm run report -- --plan', () => {
    const lines: string[] = [];
    expect(reportPlan(['--plan', '--baseline', '0.3', '--lift', '0.05'], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toContain('Each arm needs 1,377 drafts');
    const json: string[] = [];
    reportPlan(['--plan', '--baseline', '30%', '--lift', '5%', '--json'], (l) => json.push(l));
    expect(JSON.parse(json[0] ?? '{}')).toEqual({ plan: { baseline: 0.3, lift: 0.05, alpha: 0.05, power: 0.8, perArm: 1377, total: 2754 } });
    const errors: string[] = [];
    expect(reportPlan(['--plan', '--lift', '0.05'], () => undefined, (l) => errors.push(l))).toBe(2);
    expect(errors[0]).toContain('--baseline is missing');
    expect(planFromArgs(['--plan', '--baseline', 'high', '--lift', '0.05'])).toMatch(/must be a number/);
  });
});

describe('agent-level tests', () => {
  it('Welch’s t-test matches the textbook example (t = −2.46, df = 24.99, p = 0.021)', () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a2, a1);
    expect(r?.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r?.df).toBeCloseTo(24.988529290231416, 8);
    expect(r?.pValue).toBeCloseTo(0.021378001462866992, 8);
    expect(welchTTest([1], [2, 3])).toBeNull();
  });

  it('the exact permutation test counts relabellings', () => {
    // {1,2,3} vs {4,5,6}: only the observed split and its mirror reach |diff| = 3 → 2 of C(6,3) = 20.
    expect(permutationTest([1, 2, 3], [4, 5, 6])).toEqual({ pValue: 0.1, exact: true });
    expect(permutationTest([1, 2], [1, 2])?.pValue).toBe(1);
    const big = permutationTest(
      Array.from({ length: 30 }, (_, i) => i / 30),
      Array.from({ length: 30 }, (_, i) => i / 30 + 0.3),
    );
    expect(big?.exact).toBe(false);
    expect(big?.pValue).toBeLessThan(0.01);
  });
});

function drafts(agent: string, variant: string | null, accepted: number, shown: number): DraftRow[] {
  return Array.from({ length: shown }, (_, i) => ({ agentId: agent, variant, outcome: (i < accepted ? 'edited' : 'ignored') satisfies Outcome, pilotId: 'p' }));
}

describe('compareVariants', () => {
  it('compares each pair with exactly the report keys and trusts the agent-level test for per-agent pilots', () => {
    const rows = [
      ...drafts('a1', 'baseline', 30, 100),
      ...drafts('a2', 'baseline', 30, 100),
      ...drafts('b1', 'challenger', 45, 100),
      ...drafts('b2', 'challenger', 45, 100),
      ...drafts('x', null, 5, 5),
    ];
    const result = compareVariants(rows, { variantOrder: ['baseline', 'challenger'] });
    expect(result.unit).toBe('agent');
    expect(result.comparisons).toHaveLength(1);
    const row = result.comparisons[0];
    expect(Object.keys(row ?? {}).sort()).toEqual(['a', 'agentLevelPValue', 'b', 'diff', 'diffHigh', 'diffLow', 'pValue']);
    expect(row?.a).toBe('baseline');
    expect(row?.diff).toBeCloseTo(0.15, 12);
    expect(row?.pValue).toBeLessThan(0.01);
    // Two agents per arm: the smallest possible permutation p-value is 2 / C(4,2) = 1/3.
    expect(row?.agentLevelPValue).toBeCloseTo(1 / 3, 12);
    expect(result.details[0]?.trust).toBe('agent');
    expect(result.details[0]?.note).toMatch(/trust the agent-level p-value/);
    expect(result.arms.map((a) => a.drafts)).toEqual([200, 200]);
  });

  it('trusts the per-draft test when agents saw both variants', () => {
    const rows = [...drafts('a1', 'A', 3, 10), ...drafts('a1', 'B', 5, 10), ...drafts('a2', 'A', 2, 10), ...drafts('a2', 'B', 6, 10), ...drafts('a2', 'C', 1, 10)];
    expect(inferAssignmentUnit(rows)).toBe('ticket');
    const result = compareVariants(rows);
    expect(result.comparisons.map((c) => `${c.a}-${c.b}`)).toEqual(['A-B', 'A-C', 'B-C']);
    expect(result.details.every((d) => d.trust === 'draft')).toBe(true);
  });
});

describe('shadow similarity', () => {
  const base = { schema: 1 as const, ticketKey: 't', helpdesk: 'demo', pilotId: 'p', cohort: 'c' };
  const shadow = (id: string, draftId: string, variant: string, at: string, similarity?: number): CopilotEvent => ({
    ...base,
    id,
    agentId: 'ana',
    seq: Number(id),
    at,
    draftId,
    variant,
    type: 'shadow',
    payload: similarity === undefined ? {} : { similarity },
  });

  it('uses the similarity recorded on send, per variant', () => {
    const events = [
      shadow('1', 'd1', 'model', '2026-03-01T10:00:00Z'),
      shadow('2', 'd1', 'model', '2026-03-01T10:05:00Z', 0.8),
      shadow('3', 'd2', 'model', '2026-03-01T11:05:00Z', 0.6),
      shadow('4', 'd3', 'template', '2026-03-01T11:06:00Z', 0.4),
    ];
    const rows = shadowSimilarityByVariant(events);
    expect(rows.map((r) => [r.variant, r.count, r.mean, r.median])).toEqual([
      ['model', 2, 0.7, 0.7],
      ['template', 1, 0.4, 0.4],
    ]);
    expect(rows[0]?.low).toBeCloseTo(0.7 - 1.959963984540054 * Math.sqrt(0.02 / 2), 10);
    expect(rows[1]?.low).toBeNull();
    expect(rows[0]?.wouldHaveHelped.numerator).toBe(2);
    expect(rows[1]?.wouldHaveHelped.numerator).toBe(0);
  });

  it('measures a shadow draft against the sent reply on the edit-ratio scale', () => {
    const draft = 'Hi Emma, I have opened an investigation with the carrier [1]. Best wishes, Jo';
    expect(shadowSimilarity(draft, 'Hi Emma, I have opened an investigation with the carrier. Best wishes, Jo')).toBe(1);
    expect(wouldHaveOutcome(1)).toBe('as-is');
    const edited = shadowSimilarity(draft, 'Hi Emma, I have opened an investigation with Northway, our carrier. Best, Jo');
    expect(wouldHaveOutcome(edited)).toBe('edited');
    expect(wouldHaveHelped(edited)).toBe(true);
    expect(wouldHaveHelped(shadowSimilarity(draft, 'Please call us.'))).toBe(false);
  });
});

describe('the A/B part of the report', () => {
  it('gives comparisons and shadow similarity as JSON and as lines', () => {
    const rows = [...drafts('a1', 'baseline', 3, 10), ...drafts('b1', 'challenger', 6, 10)];
    const report = abReport(rows, []);
    expect(report.comparisons).toHaveLength(1);
    expect(JSON.parse(JSON.stringify({ comparisons: report.comparisons })).comparisons[0].diff).toBeCloseTo(0.3, 12);
    const lines = formatAbReport(report);
    expect(lines.join('\n')).toMatch(/challenger vs baseline: \+30\.0 pts/);
    expect(formatAbReport(abReport([], []))[0]).toMatch(/No drafts were made in a pilot/);
  });
});
