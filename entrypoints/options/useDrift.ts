import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../../lib/platform/database';
import { DAY_MS, DRIFT_RECENT_DAYS, DRIFT_REFERENCE_DAYS, driftFromDrafts } from '../../lib/pilot/drift-windows';
import type { DriftReport } from '../../lib/pilot/drift';

/** The drift check over the drafts of the last 60 days, recomputed when drafts change. */
export function useDrift(): DriftReport | null {
  return (
    useLiveQuery(async () => {
      const now = Date.now();
      const from = now - (DRIFT_RECENT_DAYS + DRIFT_REFERENCE_DAYS) * DAY_MS;
      const drafts = await db.drafts.where('createdAt').aboveOrEqual(from).toArray();
      return driftFromDrafts(drafts, now);
    }, []) ?? null
  );
}
