import type { Confidence } from '../lib/drafting/schema';
import { TEST_IDS } from '../lib/testids';

const LABEL: Record<Confidence['level'], string> = { high: 'High confidence', medium: 'Medium confidence', low: 'Low confidence' };

/**
 * How sure the copilot is. Under a `review` policy the badge says Review whatever the score:
 * `data-level` still carries the measured level, `data-review` says the policy forced the label.
 */
export function ConfidenceBadge({ confidence, review = false }: { confidence: Confidence; review?: boolean }) {
  return (
    <span
      className={`badge badge--${review ? 'review' : confidence.level}`}
      data-testid={TEST_IDS.confidenceBadge}
      data-level={confidence.level}
      data-review={review ? 'true' : undefined}
      title={confidence.reasons.join('\n')}
    >
      {review ? 'Review' : LABEL[confidence.level]} · {Math.round(confidence.score * 100)}
    </span>
  );
}
