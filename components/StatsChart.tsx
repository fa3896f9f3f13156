import { useId, useState, type ReactNode } from 'react';
import type { HistogramBin, VariantSeries } from '../lib/feedback/stats-view';

/**
 * Inline-SVG charts for the stats page. Each chart comes with a table of the same numbers: the
 * table is always in the page for screen readers (the SVG is hidden from them), and a button
 * shows it on screen instead of the chart.
 */

const COLORS = ['#3b6fd8', '#d8703b', '#2f9e5b', '#9b4dca', '#c0392b', '#7f8c8d', '#b8860b'];

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);

function ChartFrame({ title, testId, chart, table }: { title: string; testId: string; chart: ReactNode; table: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  return (
    <figure className="stats-chart" data-testid={testId} aria-labelledby={`${id}-title`}>
      <figcaption className="stats-chart__head">
        <span id={`${id}-title`}>{title}</span>
        <button type="button" onClick={() => setAsTable(!asTable)} aria-pressed={asTable}>
          {asTable ? 'Show chart' : 'Show table'}
        </button>
      </figcaption>
      {!asTable && <div aria-hidden="true">{chart}</div>}
      <div className={asTable ? undefined : 'stats-sr-only'}>{table}</div>
    </figure>
  );
}

export function variantName(variant: string | null): string {
  return variant ?? '(no variant)';
}

export function AcceptanceOverTimeChart({ series, bucket, testId }: { series: readonly VariantSeries[]; bucket: 'day' | 'week'; testId: string }) {
  const width = 640;
  const height = 220;
  const pad = { left: 40, right: 12, top: 10, bottom: 28 };
  const starts = [...new Set(series.flatMap((s) => s.points.map((p) => p.startMs)))].sort((a, b) => a - b);
  const first = starts[0] ?? 0;
  const last = starts.at(-1) ?? 0;
  const x = (ms: number) => pad.left + (last === first ? (width - pad.left - pad.right) / 2 : ((ms - first) / (last - first)) * (width - pad.left - pad.right));
  const y = (rate: number) => pad.top + (1 - rate) * (height - pad.top - pad.bottom);
  const label = (ms: number) => new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const chart = (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="presentation">
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} stroke="#e1e5ec" />
          <text x={pad.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#667">
            {t * 100}%
          </text>
        </g>
      ))}
      {starts.length > 0 && (
        <>
          <text x={x(first)} y={height - 8} fontSize="11" fill="#667" textAnchor={starts.length > 1 ? 'start' : 'middle'}>
            {label(first)}
          </text>
          {starts.length > 1 && (
            <text x={x(last)} y={height - 8} fontSize="11" fill="#667" textAnchor="end">
              {label(last)}
            </text>
          )}
        </>
      )}
      {series.map((s, i) => {
        const color = COLORS[i % COLORS.length];
        const points = s.points.filter((p) => p.rate.rate !== null);
        return (
          <g key={variantName(s.variant)}>
            <polyline fill="none" stroke={color} strokeWidth="2" points={points.map((p) => `${x(p.startMs)},${y(p.rate.rate ?? 0)}`).join(' ')} />
            {points.map((p) => (
              <circle key={p.startMs} cx={x(p.startMs)} cy={y(p.rate.rate ?? 0)} r="3" fill={color} />
            ))}
          </g>
        );
      })}
    </svg>
  );
  const table = (
    <table className="stats-table">
      <caption>Acceptance rate per {bucket} and variant, with count and Wilson 95% interval</caption>
      <thead>
        <tr>
          <th scope="col">{bucket === 'day' ? 'Day' : 'Week of'}</th>
          <th scope="col">Variant</th>
          <th scope="col">Accepted</th>
          <th scope="col">Shown</th>
          <th scope="col">Rate</th>
          <th scope="col">95% interval</th>
        </tr>
      </thead>
      <tbody>
        {series.flatMap((s) =>
          s.points.map((p) => (
            <tr key={`${variantName(s.variant)}-${p.startMs}`}>
              <td>{p.label}</td>
              <td>{variantName(s.variant)}</td>
              <td>{p.rate.numerator}</td>
              <td>{p.rate.denominator}</td>
              <td>{pct(p.rate.rate)}</td>
              <td>
                {pct(p.rate.low)}–{pct(p.rate.high)}
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
  return (
    <>
      <ChartFrame title="Acceptance over time, by variant" testId={testId} chart={chart} table={table} />
      <ul className="stats-legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={variantName(s.variant)}>
            <span style={{ background: COLORS[i % COLORS.length] }} /> {variantName(s.variant)}
          </li>
        ))}
      </ul>
    </>
  );
}

export function BarChart({
  title,
  testId,
  bars,
  columns,
}: {
  title: string;
  testId: string;
  bars: readonly { label: string; value: number }[];
  columns: [string, string];
}) {
  const width = 640;
  const barH = 18;
  const gap = 6;
  const labelW = 150;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(barH, bars.length * (barH + gap));
  const chart =
    bars.length === 0 ? (
      <p className="muted">Nothing to show yet.</p>
    ) : (
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="presentation">
        {bars.map((b, i) => {
          const y = i * (barH + gap);
          const w = (b.value / max) * (width - labelW - 50);
          return (
            <g key={b.label}>
              <text x={labelW - 6} y={y + barH - 5} textAnchor="end" fontSize="12" fill="#333">
                {b.label}
              </text>
              <rect x={labelW} y={y} width={w} height={barH} fill="#3b6fd8" />
              <text x={labelW + w + 4} y={y + barH - 5} fontSize="12" fill="#333">
                {b.value}
              </text>
            </g>
          );
        })}
      </svg>
    );
  const table = (
    <table className="stats-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{columns[0]}</th>
          <th scope="col">{columns[1]}</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b) => (
          <tr key={b.label}>
            <td>{b.label}</td>
            <td>{b.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return <ChartFrame title={title} testId={testId} chart={chart} table={table} />;
}

export function EditRatioHistogram({ bins, testId }: { bins: readonly HistogramBin[]; testId: string }) {
  const width = 640;
  const height = 180;
  const pad = { left: 36, right: 8, top: 8, bottom: 26 };
  const max = Math.max(1, ...bins.map((b) => b.count));
  const barW = (width - pad.left - pad.right) / Math.max(1, bins.length);
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const range = (b: HistogramBin) => `${b.from.toFixed(2)}–${b.to.toFixed(2)}`;
  const chart = (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="presentation">
      {bins.map((b, i) => (
        <rect key={b.from} x={pad.left + i * barW + 1} y={y(b.count)} width={barW - 2} height={height - pad.bottom - y(b.count)} fill={b.to <= 0.05 ? '#2f9e5b' : b.to <= 0.5 ? '#3b6fd8' : '#d8703b'} />
      ))}
      <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#999" />
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <text key={t} x={pad.left + t * (width - pad.left - pad.right)} y={height - 8} textAnchor="middle" fontSize="11" fill="#667">
          {t}
        </text>
      ))}
      <text x={pad.left - 6} y={pad.top + 10} textAnchor="end" fontSize="11" fill="#667">
        {max}
      </text>
    </svg>
  );
  const table = (
    <table className="stats-table">
      <caption>Accepted drafts by edit ratio (0 = sent as inserted, 1 = nothing kept)</caption>
      <thead>
        <tr>
          <th scope="col">Edit ratio</th>
          <th scope="col">Drafts</th>
        </tr>
      </thead>
      <tbody>
        {bins.map((b) => (
          <tr key={b.from}>
            <td>{range(b)}</td>
            <td>{b.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return <ChartFrame title="Edit ratio of accepted drafts (green as-is, blue edited, orange rewritten)" testId={testId} chart={chart} table={table} />;
}
