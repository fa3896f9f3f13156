import type { Confidence } from '../lib/drafting/schema';
import { TEST_IDS } from '../lib/testids';

const LABEL: Record<Confidence['level'], string> = { high: 'High confidence', medium: 'Medium confidence', low: 'Low confidence' };

export function ConfidenceBadge({ confidence }: { confidence: Confidence }) {
  return (
    <span
      className={`badge badge--${confidence.level}`}
      data-testid={TEST_IDS.confidenceBadge}
      data-level={confidence.level}
      title={confidence.reasons.join('\n')}
    >
      {LABEL[confidence.level]} · {Math.round(confidence.score * 100)}
    </span>
  );
}
