import type { DriftReport } from '../lib/pilot/drift';
import { DRIFT_RECENT_DAYS, DRIFT_REFERENCE_DAYS } from '../lib/pilot/drift-windows';
import { TEST_IDS } from '../lib/testids';

/**
 * The drift check on the stats page: are this browser's recent tickets still about what the
 * reference window (and the knowledge base) was about? A warning names the terms that grew.
 */
export function DriftNotice({ report }: { report: DriftReport | null }) {
  if (!report) return null;
  const windows = `the last ${DRIFT_RECENT_DAYS} days (${report.recent.tickets} tickets) against the ${DRIFT_REFERENCE_DAYS} days before (${report.reference.tickets})`;
  if (report.drift && report.warning) {
    return (
      <div className="alert" role="alert" data-testid={TEST_IDS.driftWarning} data-drift="true">
        <strong>Tickets are drifting away from the knowledge base.</strong> {report.warning}
        {report.terms.grown.length > 0 && (
          <ul>
            {report.terms.grown.map((g) => (
              <li key={g.term}>
                “{g.term}”: in {Math.round(g.recentShare * 100)}% of recent tickets, {Math.round(g.referenceShare * 100)}% before
              </li>
            ))}
          </ul>
        )}
        <p className="muted">Compared: {windows}. Consider new articles or macros for these topics.</p>
      </div>
    );
  }
  return (
    <p className="muted" data-testid={TEST_IDS.driftWarning} data-drift="false">
      {report.tooFew
        ? `Drift check: not enough tickets yet to compare ${windows}.`
        : `Drift check: recent tickets look like earlier ones (${windows}).`}
    </p>
  );
}
