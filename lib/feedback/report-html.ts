import type { ReportNumbers, TeamReport } from './report';

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no network. Each
 * chart has the table with the same numbers right under it, so a screen reader gets them too.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '–' : `${Math.round(x).toLocaleString('en')} ms`);
const usd = (x: number | null) => (x === null ? '–' : `$${x.toFixed(4)}`);

type Row = ReportNumbers & { name: string };

/** Horizontal bars of the acceptance rate with the Wilson 95% interval as a whisker. */
function acceptanceChart(title: string, rows: readonly Row[]): string {
  const barH = 22;
  const gap = 8;
  const labelW = 180;
  const plotW = 420;
  const height = rows.length * (barH + gap) + 30;
  const x = (v: number) => labelW + v * plotW;
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = t / 4;
    parts.push(`<line x1="${x(v)}" x2="${x(v)}" y1="0" y2="${height - 20}" stroke="#d8dde6"/>`);
    parts.push(`<text x="${x(v)}" y="${height - 6}" text-anchor="middle" font-size="11" fill="#555">${v * 100}%</text>`);
  }
  rows.forEach((r, i) => {
    const y = i * (barH + gap) + 4;
    const label = r.name.length > 26 ? `${r.name.slice(0, 25)}…` : r.name;
    parts.push(`<text x="${labelW - 8}" y="${y + barH / 2 + 4}" text-anchor="end" font-size="12">${escapeHtml(label)}</text>`);
    if (r.acceptanceRate !== null) {
      parts.push(`<rect x="${labelW}" y="${y}" width="${(r.acceptanceRate * plotW).toFixed(1)}" height="${barH}" fill="#3b6fd8"/>`);
    }
    if (r.acceptanceLow !== null && r.acceptanceHigh !== null) {
      const cy = y + barH / 2;
      parts.push(
        `<line x1="${x(r.acceptanceLow).toFixed(1)}" x2="${x(r.acceptanceHigh).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#111" stroke-width="2"/>`,
        `<line x1="${x(r.acceptanceLow).toFixed(1)}" x2="${x(r.acceptanceLow).toFixed(1)}" y1="${cy - 6}" y2="${cy + 6}" stroke="#111" stroke-width="2"/>`,
        `<line x1="${x(r.acceptanceHigh).toFixed(1)}" x2="${x(r.acceptanceHigh).toFixed(1)}" y1="${cy - 6}" y2="${cy + 6}" stroke="#111" stroke-width="2"/>`,
      );
    }
  });
  return `<svg role="img" aria-label="${escapeHtml(title)}: acceptance rate with 95% interval per row; the table below has the numbers" width="${labelW + plotW + 20}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function table(keyLabel: string, rows: readonly Row[]): string {
  const head = [keyLabel, 'shown', 'accepted', 'acceptance (95% CI)', 'as-is', 'override', 'ignored', 'abandoned', '👍 rate', 'latency P50', 'latency P95', 'cost / accepted'];
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.name)}</th><td>${r.shown}</td><td>${r.accepted}</td><td>${pct(r.acceptanceRate)} (${pct(r.acceptanceLow)}–${pct(r.acceptanceHigh)})</td>` +
        `<td>${pct(r.asIsRate)}</td><td>${pct(r.overrideRate)}</td><td>${pct(r.ignoredRate)}</td><td>${pct(r.abandonedRate)}</td><td>${pct(r.thumbsUpRate)}</td>` +
        `<td>${ms(r.latencyP50Ms)}</td><td>${ms(r.latencyP95Ms)}</td><td>${usd(r.costPerAcceptedUsd)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function section(title: string, keyLabel: string, rows: readonly Row[]): string {
  if (rows.length === 0) return `<section><h2>${escapeHtml(title)}</h2><p>No shown drafts.</p></section>`;
  return `<section><h2>${escapeHtml(title)}</h2><figure>${acceptanceChart(title, rows)}<figcaption>Acceptance rate; the whisker is the Wilson 95% interval.</figcaption></figure>${table(keyLabel, rows)}</section>`;
}

export function reportHtml(report: TeamReport, meta: { files: readonly string[]; generatedAt: Date }): string {
  const named = <T extends ReportNumbers>(rows: readonly T[], name: (r: T) => string | null): Row[] => rows.map((r) => ({ ...r, name: name(r) ?? '(none)' }));
  const extras = Object.keys(report).filter((k) => !['events', 'duplicates', 'variants', 'cohorts', 'agents'].includes(k));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticket Copilot team report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f27;margin:2rem auto;max-width:70rem;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 2rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #d8dde6;padding:.3rem .6rem;text-align:right}
th[scope=row],thead th:first-child{text-align:left}
figure{margin:0}figcaption{color:#555;font-size:12px}
pre{background:#f4f6fa;padding:1rem;overflow:auto}
</style></head><body>
<h1>Ticket Copilot team report</h1>
<p>${report.events.toLocaleString('en')} distinct events from ${meta.files.length} file(s); ${report.duplicates.toLocaleString('en')} duplicate lines dropped. Generated ${escapeHtml(meta.generatedAt.toISOString())}.</p>
<p>Acceptance = (as-is + edited + rewritten) ÷ shown drafts. Override = (rewritten + dismissed) ÷ shown; ignored and abandoned are beside it. Cost per accepted draft includes regenerations, rewrites and shadow drafts.</p>
${section('Per variant', 'variant', named(report.variants, (r) => r.variant))}
${section('Per cohort', 'cohort', named(report.cohorts, (r) => r.cohort))}
${section('Per agent', 'agent', named(report.agents, (r) => r.agentId))}
${extras.map((k) => `<section><h2>${escapeHtml(k)}</h2><pre>${escapeHtml(JSON.stringify(report[k], null, 2))}</pre></section>`).join('\n')}
<p>Files: ${meta.files.map((f) => escapeHtml(f)).join(', ')}</p>
</body></html>
`;
}
