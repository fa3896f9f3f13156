import type { ReportInput, ReportSection } from '../feedback/report';
import { compareVariants, shadowSimilarityFromSummaries, type VariantComparison } from './ab';

/** One comparison per report input (the sections below share it; permutation tests are not free). */
const computed = new WeakMap<ReportInput, VariantComparison>();
function comparisonOf(input: ReportInput): VariantComparison {
  let result = computed.get(input);
  if (!result) {
    result = compareVariants(input.drafts);
    computed.set(input, result);
  }
  return result;
}

/**
 * The A/B sections of `npm run report`: for each pair of variants the difference in acceptance with
 * its 95% interval and p-value per draft, the agent-level p-value (agents as the unit) — the
 * `comparisons` array — then, per pair, which of the two p-values to trust and why, and the shadow
 * drafts' similarity to the sent replies by variant.
 */
export const AB_REPORT_SECTIONS: ReportSection[] = [
  { key: 'comparisons', build: (input) => comparisonOf(input).comparisons },
  {
    key: 'comparisonDetails',
    build: (input) => {
      const { arms, details, unit } = comparisonOf(input);
      return { unit, arms, details };
    },
  },
  { key: 'shadowSimilarity', build: (input) => shadowSimilarityFromSummaries(input.shadows) },
];
