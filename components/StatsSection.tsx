import { useRef } from 'react';
import type { StatsView } from '../lib/feedback/stats-view';
import type { Rate } from '../lib/feedback/wilson';
import { REASON_CODES, REASON_LABELS, TEST_IDS, type ReasonCode } from '../lib/testids';
import { AcceptanceOverTimeChart, BarChart, EditRatioHistogram } from './StatsChart';
import './StatsSection.css';

/** A filter value for "any": each select's first option. */
export const ANY = '*';
/** The select value standing for a null cohort or variant (events outside any pilot). */
export const NONE = '∅';

export interface StatsFilters {
  /** `YYYY-MM-DD` of the first day (inclusive), or '' for no lower bound. */
  from: string;
  /** `YYYY-MM-DD` of the last day (inclusive), or '' for no upper bound. */
  to: string;
  agent: string;
  helpdesk: string;
  cohort: string;
  variant: string;
}

export interface StatsSectionProps {
  filters: StatsFilters;
  setFilters: (filters: StatsFilters) => void;
  resetFilters: () => void;
  view: StatsView | null;
  busy: boolean;
  message: { ok: boolean; text: string } | null;
  importLines: { ok: boolean; lines: string[] } | null;
  storage: { usage: number; quota: number } | null;
  retentionDays: string;
  setRetentionDays: (days: string) => void;
  retentionPrompt: { days: number; count: number; cutoff: string } | null;
  exportEvents: () => void;
  exportDrafts: () => void;
  importFiles: (files: readonly File[]) => void;
  askRetention: () => void;
  confirmRetention: () => void;
  cancelRetention: () => void;
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
const isReason = (code: string): code is ReasonCode => (REASON_CODES as readonly string[]).includes(code);

/** One rate with its count and its Wilson 95% interval, as every number on this page is shown. */
function RateRow({ label, rate, testId, help }: { label: string; rate: Rate; testId: string; help?: string }) {
  return (
    <tr>
      <th scope="row">
        {label}
        {help && <div className="muted stats-help">{help}</div>}
      </th>
      <td
        data-testid={testId}
        data-numerator={rate.numerator}
        data-denominator={rate.denominator}
        data-rate={rate.rate ?? ''}
        data-low={rate.low ?? ''}
        data-high={rate.high ?? ''}
      >
        <strong>{pct(rate.rate)}</strong> <span className="muted">({rate.numerator} of {rate.denominator})</span>
      </td>
      <td className="muted">{rate.low === null || rate.high === null ? '–' : `${pct(rate.low)}–${pct(rate.high)}`}</td>
    </tr>
  );
}

function Select({ label, value, testId, options, onChange }: { label: string; value: string; testId: string; options: { value: string; label: string }[]; onChange: (v: string) => void }) {
  return (
    <label>
      {label}
      <br />
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value={ANY}>All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const nullableOptions = (values: readonly (string | null)[], none: string) => values.map((v) => ({ value: v ?? NONE, label: v ?? none }));

export function StatsSection(props: StatsSectionProps) {
  const { filters, setFilters, view } = props;
  const fileInput = useRef<HTMLInputElement>(null);
  const set = (patch: Partial<typeof filters>) => setFilters({ ...filters, ...patch });
  const s = view?.stats;

  return (
    <div className="stats">
      <fieldset className="stats__filters">
        <legend>Filters</legend>
        <label>
          From
          <br />
          <input type="date" data-testid={TEST_IDS.statsFrom} value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          To
          <br />
          <input type="date" data-testid={TEST_IDS.statsTo} value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.target.value })} />
        </label>
        <Select label="Agent" value={filters.agent} testId={TEST_IDS.statsAgent} options={(view?.facets.agents ?? []).map((a) => ({ value: a, label: a }))} onChange={(agent) => set({ agent })} />
        <Select label="Helpdesk" value={filters.helpdesk} testId={TEST_IDS.statsHelpdesk} options={(view?.facets.helpdesks ?? []).map((h) => ({ value: h, label: h }))} onChange={(helpdesk) => set({ helpdesk })} />
        <Select label="Cohort" value={filters.cohort} testId={TEST_IDS.statsCohort} options={nullableOptions(view?.facets.cohorts ?? [], '(no cohort)')} onChange={(cohort) => set({ cohort })} />
        <Select label="Variant" value={filters.variant} testId={TEST_IDS.statsVariant} options={nullableOptions(view?.facets.variants ?? [], '(no variant)')} onChange={(variant) => set({ variant })} />
        <button type="button" onClick={props.resetFilters}>
          Clear filters
        </button>
      </fieldset>

      {!view || !s ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted" data-testid={TEST_IDS.statsShown} data-shown={s.shownDrafts} data-tickets={s.ticketsWithShownDraft}>
            {s.shownDrafts.toLocaleString('en')} shown drafts on {s.ticketsWithShownDraft.toLocaleString('en')} tickets
            {view.draftsPerTicket !== null && ` (${view.draftsPerTicket.toFixed(2)} drafts per ticket)`}. Every rate shows its count and its Wilson 95% interval.
          </p>
          <table className="stats-table stats-numbers">
            <caption className="stats-sr-only">The numbers for the chosen filters</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Rate (count)</th>
                <th scope="col">95% interval</th>
              </tr>
            </thead>
            <tbody>
              <RateRow label="Acceptance, per draft" rate={s.acceptanceRate} testId={TEST_IDS.statsAcceptance} help="(as-is + edited + rewritten) ÷ shown drafts" />
              <RateRow label="Acceptance, per ticket" rate={s.ticketAcceptanceRate} testId={TEST_IDS.statsTicketAcceptance} help="tickets with an accepted draft ÷ tickets with a shown draft" />
              <RateRow label="As-is" rate={s.asIsRate} testId={TEST_IDS.statsAsIs} help="sent with at most 5% changed" />
              <RateRow label="Override" rate={s.overrideRate} testId={TEST_IDS.statsOverride} help="(rewritten + dismissed) ÷ shown drafts" />
              <RateRow label="Ignored" rate={s.ignoredRate} testId={TEST_IDS.statsIgnored} help="a reply was sent without the draft" />
              <RateRow label="Abandoned" rate={s.abandonedRate} testId={TEST_IDS.statsAbandoned} help="ticket changed or a newer draft came first" />
              <RateRow label="Thumbs up" rate={s.thumbsUpRate} testId={TEST_IDS.statsThumbsUp} help="thumbs up ÷ rated drafts (each draft's latest rating)" />
              <RateRow label="Cache hits" rate={s.cacheHitRate} testId={TEST_IDS.statsCacheHit} help="drafts served from the local model cache" />
            </tbody>
          </table>
          <ul className="stats-facts">
            <li data-testid={TEST_IDS.statsLatency} data-p50={s.latencyMs.p50 ?? ''} data-p95={s.latencyMs.p95 ?? ''} data-count={s.latencyMs.count}>
              Ticket → draft latency: P50 <strong>{s.latencyMs.p50 === null ? '–' : `${Math.round(s.latencyMs.p50)} ms`}</strong>, P95{' '}
              <strong>{s.latencyMs.p95 === null ? '–' : `${Math.round(s.latencyMs.p95)} ms`}</strong> <span className="muted">({s.latencyMs.count} drafts)</span>
            </li>
            <li data-testid={TEST_IDS.statsCost} data-total={s.totalCostUsd} data-per-accepted={s.costPerAcceptedDraftUsd ?? ''}>
              Cost per accepted draft: <strong>{s.costPerAcceptedDraftUsd === null ? '–' : `$${s.costPerAcceptedDraftUsd.toFixed(4)}`}</strong>{' '}
              <span className="muted">
                (${s.totalCostUsd.toFixed(4)} of model spend, regenerations, rewrites and shadow drafts included, ÷ {s.acceptedDrafts} accepted)
              </span>
            </li>
            <li data-testid={TEST_IDS.statsTokens} data-total={s.totalTokens} data-per-accepted={s.tokensPerAcceptedDraft ?? ''}>
              Tokens per accepted draft: <strong>{s.tokensPerAcceptedDraft === null ? '–' : Math.round(s.tokensPerAcceptedDraft).toLocaleString('en')}</strong>{' '}
              <span className="muted">({s.totalTokens.toLocaleString('en')} tokens in and out)</span>
            </li>
          </ul>

          <AcceptanceOverTimeChart series={view.acceptanceOverTime} bucket={view.bucket} testId={TEST_IDS.statsChartAcceptance} />
          <div data-testid={TEST_IDS.statsReasonCounts}>
            <BarChart
              title="Reasons given with a thumbs down (latest rating per draft)"
              testId={TEST_IDS.statsChartReasons}
              columns={['Reason', 'Drafts']}
              bars={view.reasons.map((r) => ({ label: isReason(r.code) ? REASON_LABELS[r.code] : r.code, value: r.count }))}
            />
          </div>
          <EditRatioHistogram bins={view.editRatioHistogram} testId={TEST_IDS.statsChartEditRatio} />
        </>
      )}

      <fieldset className="stats__box">
        <legend>Export</legend>
        <p className="muted">
          The date range above applies. NDJSON has every event (for merging, <code>npm run report</code> or a warehouse); CSV has one row per shown draft with its
          outcome. Columns are described in docs/events.md.
        </p>
        <div className="actions">
          <button type="button" data-testid={TEST_IDS.statsExportNdjson} disabled={props.busy} onClick={props.exportEvents}>
            Export events (NDJSON)
          </button>
          <button type="button" data-testid={TEST_IDS.statsExportCsv} disabled={props.busy} onClick={props.exportDrafts}>
            Export drafts (CSV)
          </button>
        </div>
      </fieldset>

      <fieldset className="stats__box">
        <legend>Import and merge</legend>
        <p className="muted">Choose one or more NDJSON exports, from any agents. Events already here are counted as duplicates and skipped.</p>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".ndjson,.jsonl,.json,application/x-ndjson"
          data-testid={TEST_IDS.statsImportInput}
          disabled={props.busy}
          onChange={(e) => {
            props.importFiles([...(e.target.files ?? [])]);
            if (fileInput.current) fileInput.current.value = '';
          }}
        />
        {props.importLines && (
          <div data-testid={TEST_IDS.statsImportResult} role="status" className={props.importLines.ok ? 'ok' : 'notice'}>
            {props.importLines.lines.map((line, i) => (
              <p key={i}>{line}</p>
            ))}
          </div>
        )}
      </fieldset>

      <fieldset className="stats__box">
        <legend>Keep events for</legend>
        <label>
          Days
          <br />
          <input type="number" min={1} step={1} data-testid={TEST_IDS.retentionDays} value={props.retentionDays} onChange={(e) => props.setRetentionDays(e.target.value)} />
        </label>{' '}
        <button type="button" data-testid={TEST_IDS.retentionDelete} disabled={props.busy} onClick={props.askRetention}>
          Delete older events…
        </button>
        {props.retentionPrompt && (
          <div className="notice" role="alertdialog" aria-label="Confirm deleting old events">
            <p>
              Delete {props.retentionPrompt.count.toLocaleString('en')} events recorded before {new Date(props.retentionPrompt.cutoff).toLocaleString()}? This cannot be
              undone: export them first if you may need them.
            </p>
            <div className="actions">
              <button type="button" className="danger" data-testid={TEST_IDS.retentionConfirm} onClick={props.confirmRetention}>
                Delete {props.retentionPrompt.count.toLocaleString('en')} events
              </button>
              <button type="button" data-testid={TEST_IDS.retentionCancel} onClick={props.cancelRetention}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {props.storage && (
          <p className="muted">
            Storage in use: {(props.storage.usage / 1e6).toFixed(1)} MB of {(props.storage.quota / 1e6).toFixed(0)} MB available to the extension.
          </p>
        )}
      </fieldset>

      {props.message && (
        <p data-testid={TEST_IDS.statsMessage} className={props.message.ok ? 'ok' : 'alert'} role={props.message.ok ? 'status' : 'alert'}>
          {props.message.text}
        </p>
      )}
    </div>
  );
}
