import type { CopilotStats } from '../lib/feedback/stats';
import { formatRate } from '../lib/feedback/stats';
import { TEST_IDS } from '../lib/testids';

/** This agent's acceptance rate so far, with its count and 95% interval. */
export function AcceptanceFooter({ stats, agentId }: { stats: CopilotStats | null; agentId: string }) {
  const rate = stats?.acceptanceRate;
  const interval =
    rate && rate.low !== null && rate.high !== null ? ` · 95% CI ${Math.round(rate.low * 100)}–${Math.round(rate.high * 100)}%` : '';
  return (
    <footer className="footer">
      <span>
        Your acceptance rate:{' '}
        <strong data-testid={TEST_IDS.acceptanceRate} data-accepted={rate?.numerator ?? 0} data-shown={rate?.denominator ?? 0}>
          {rate ? formatRate(rate) : '–'}
        </strong>
        <span className="muted">{interval}</span>
      </span>
      <span className="muted footer__agent" title="Your pseudonymous agent id (change it in Options)">
        {agentId}
      </span>
    </footer>
  );
}
