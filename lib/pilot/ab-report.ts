import type { CopilotEvent } from '../feedback/events';
import { compareVariants, shadowSimilarityByVariant, type CompareOptions, type DraftRow, type ShadowSimilarity, type VariantComparison } from './ab';

/** The A/B part of `npm run report`: the JSON (`comparisons`, …) and the lines a person reads. */
export interface AbReport extends VariantComparison {
  shadowSimilarity: ShadowSimilarity[];
}

export function abReport(drafts: readonly DraftRow[], events: readonly CopilotEvent[], options: CompareOptions = {}): AbReport {
  const shadowEvents = options.pilotId === undefined ? events : events.filter((e) => e.pilotId === options.pilotId);
  return { ...compareVariants(drafts, options), shadowSimilarity: shadowSimilarityByVariant(shadowEvents) };
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const points = (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
const p = (v: number | null) => (v === null ? '–' : v < 0.001 ? '< 0.001' : v.toFixed(3));

/** Human-readable lines for the report. */
export function formatAbReport(report: AbReport): string[] {
  const lines: string[] = [];
  if (report.arms.length === 0) return ['No drafts were made in a pilot: no variants to compare.'];
  lines.push('Acceptance by variant:');
  for (const arm of report.arms) {
    lines.push(`  ${arm.variant}: ${pct(arm.acceptance.rate)} of ${arm.drafts} drafts (95% ${pct(arm.acceptance.low)}–${pct(arm.acceptance.high)}), ${arm.agents} agent(s)`);
  }
  for (const d of report.details) {
    const r = d.row;
    lines.push(
      `${r.b} vs ${r.a}: ${points(r.diff)} (95% ${points(r.diffLow)} to ${points(r.diffHigh)}), per-draft p = ${p(r.pValue)}, agent-level p = ${p(r.agentLevelPValue)}`,
    );
    lines.push(`  ${d.note}`);
  }
  if (report.shadowSimilarity.length > 0) {
    lines.push('Shadow drafts, similarity to the reply the agent sent:');
    for (const s of report.shadowSimilarity) {
      const ci = s.low === null || s.high === null ? '' : ` (95% ${s.low.toFixed(2)}–${s.high.toFixed(2)})`;
      lines.push(
        `  ${s.variant ?? '(no variant)'}: mean ${s.mean?.toFixed(2) ?? '–'}${ci}, median ${s.median?.toFixed(2) ?? '–'}, ${s.count} sent; would have helped ${pct(s.wouldHaveHelped.rate)} (95% ${pct(s.wouldHaveHelped.low)}–${pct(s.wouldHaveHelped.high)})`,
      );
    }
  }
  return lines;
}
