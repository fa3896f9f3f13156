import type { ActivePilot, ApplyReport } from '../lib/platform/pilot-store';
import type { ManagedRead, TeamConfig } from '../lib/pilot/team-config';
import { instantOf, type PilotPhase } from '../lib/pilot/config';
import { TEST_IDS } from '../lib/testids';

export interface PilotView {
  pilot: ActivePilot | null;
  agentId: string;
  /** This agent's cohort, or null when no cohort takes them. */
  cohort: string | null;
  /** This agent's variant; null for ticket-unit pilots (it changes per ticket) or outside the dates. */
  variant: string | null;
  effective: TeamConfig;
  locked: string[];
  /** Each locked field with its value, as text. */
  lockedValues: { field: string; value: string }[];
  managed: ManagedRead;
  importedFile: string | null;
  importedAt: string | null;
}

export interface PilotSectionProps {
  view: PilotView | null;
  busy: boolean;
  message: { ok: boolean; text: string } | null;
  report: ApplyReport | null;
  onFile: (file: File) => void;
  onClearPilot: () => void;
}

const PHASE_LABEL: Record<PilotPhase, string> = { scheduled: 'Scheduled', running: 'Running', ended: 'Ended' };

function formatDay(value: string, as: 'start' | 'end'): string {
  // A date-only end means "through that day": show the day itself, not the next midnight.
  const ms = instantOf(value, as) - (as === 'end' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? 1 : 0);
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', ...(value.includes('T') ? { timeStyle: 'short' } : {}) });
}

/** Options → Pilot and team config: import, the pilot in force, this agent's cohort and variant, locked values. */
export function PilotSection(props: PilotSectionProps) {
  const { view } = props;
  const pilot = view?.pilot ?? null;
  return (
    <div className="pilot">
      <p className="muted">
        Import a pilot config (variants, cohorts, dates, shadow mode) or a team config from your team lead (settings,
        knowledge base, policies and pilot in one file). A team config never carries an API key.
      </p>
      <label className="kb__pick">
        Import a pilot or team config (.json){' '}
        <input
          type="file"
          accept=".json,application/json"
          data-testid={TEST_IDS.pilotFileInput}
          disabled={props.busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) props.onFile(file);
            e.target.value = '';
          }}
        />
      </label>
      {props.message && (
        <p className={props.message.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.pilotMessage}>
          {props.message.text}
        </p>
      )}
      {props.report && (props.report.applied.length > 0 || props.report.todo.length > 0) && (
        <div data-testid={TEST_IDS.pilotApplyReport}>
          {props.report.applied.length > 0 && (
            <ul>
              {props.report.applied.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {props.report.todo.length > 0 && (
            <>
              <p>Still to do:</p>
              <ul>
                {props.report.todo.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <div data-testid={TEST_IDS.pilotStatus} data-phase={pilot?.phase ?? 'none'}>
        {!view ? (
          <p className="muted">Loading…</p>
        ) : !pilot ? (
          <p>No pilot. Drafts use your own settings and events carry no pilot, cohort or variant.</p>
        ) : (
          <dl>
            <dt>Pilot</dt>
            <dd data-testid={TEST_IDS.pilotName}>
              {pilot.config.name} <code>{pilot.config.id}</code> — {PHASE_LABEL[pilot.phase]}
              {pilot.source === 'managed' ? ' (set by your organisation)' : pilot.file ? ` (from ${pilot.file})` : ''}
            </dd>
            <dt>Dates</dt>
            <dd data-testid={TEST_IDS.pilotDates}>
              {formatDay(pilot.config.startsAt, 'start')} – {formatDay(pilot.config.endsAt, 'end')}
              {pilot.phase !== 'running' && ' · outside its dates the pilot does nothing'}
            </dd>
            <dt>Your cohort</dt>
            <dd data-testid={TEST_IDS.pilotCohort}>{view.cohort ?? `none (agent id ${view.agentId} is in no cohort)`}</dd>
            <dt>Your variant</dt>
            <dd data-testid={TEST_IDS.pilotVariant} data-variant={view.variant ?? ''}>
              {pilot.config.unit === 'ticket'
                ? 'assigned per ticket (shown in the side panel footer)'
                : (view.variant ?? (pilot.phase === 'running' ? 'none' : 'none while the pilot is not running'))}
            </dd>
            <dt>Shadow mode</dt>
            <dd data-testid={TEST_IDS.pilotShadow}>
              {pilot.config.shadow ? 'On: drafts are made and recorded, but not shown to you.' : 'Off: drafts are shown as usual.'}
            </dd>
          </dl>
        )}
        {pilot?.source === 'imported' && (
          <button type="button" className="quiet" data-testid={TEST_IDS.pilotClear} onClick={props.onClearPilot}>
            Remove the pilot
          </button>
        )}
      </div>
      {view && (view.locked.length > 0 || view.managed.problems.length > 0 || view.managed.notices.length > 0) && (
        <div data-testid={TEST_IDS.pilotLocked}>
          <p>Set by your organisation (locked):</p>
          <ul>
            {view.lockedValues.map(({ field, value }) => (
              <li key={field}>
                🔒 <code>{field}</code>: {value}
              </li>
            ))}
          </ul>
          {[...view.managed.problems, ...view.managed.notices].map((line) => (
            <p key={line} className="alert">
              {line}
            </p>
          ))}
        </div>
      )}
      {view?.importedFile && (
        <p className="muted">
          Team config: {view.importedFile}
          {view.importedAt ? `, imported ${new Date(view.importedAt).toLocaleString()}` : ''}.
        </p>
      )}
    </div>
  );
}
