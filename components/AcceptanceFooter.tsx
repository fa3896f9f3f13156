import type { CopilotStats } from '../lib/feedback/stats';
import { formatRate } from '../lib/feedback/stats';
import { TEST_IDS } from '../lib/testids';

/** This agent's acceptance rate so far, with its count and 95% interval. */
export interface FooterPilot {
  pilotId: string;
  cohort: string;
  variant: string;
  shadow: boolean;
}

export function AcceptanceFooter({ stats, agentId, pilot = null }: { stats: CopilotStats | null; agentId: string; pilot?: FooterPilot | null }) {
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
      {pilot && (
        <span className="muted" title={`Pilot ${pilot.pilotId}, cohort ${pilot.cohort}${pilot.shadow ? ', shadow mode' : ''}`}>
          Pilot variant:{' '}
          <strong data-testid={TEST_IDS.variant} data-pilot={pilot.pilotId} data-cohort={pilot.cohort}>
            {pilot.variant}
          </strong>
        </span>
      )}
      <span className="muted footer__agent" title="Your pseudonymous agent id (change it in Options)">
        {agentId}
      </span>
    </footer>
  );
}
