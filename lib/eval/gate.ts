import { z } from 'zod';

/**
 * The promotion gate: a variant may replace the baseline only if no metric of the locked set got
 * worse by more than its tolerance. Quality metrics are shares (0..1), so tolerances are absolute
 * points; latency and cost get a relative allowance plus a small absolute one, since timings jitter.
 */
const MetricsShape = z.object({
  recallAt5: z.number().nullable(),
  citationPrecision: z.number().nullable(),
  groundedness: z.number().nullable(),
  rougeL: z.number().nullable(),
  needsHumanRate: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  costPerTicketUsd: z.number().nullable(),
  /** Model variants only (absent in results of template runs and older files). */
  fallbackRate: z.number().nullable().optional(),
});

/** What the gate reads of a result: the set's checksum and the overall metrics. */
export interface GateInput {
  set?: string;
  variant?: string;
  sha256: string;
  overall: z.infer<typeof MetricsShape>;
}

export interface GateTolerances {
  /** Largest allowed drop (absolute) in recall@5, citation precision, groundedness and ROUGE-L. */
  recallAt5: number;
  citationPrecision: number;
  groundedness: number;
  rougeL: number;
  /** Largest allowed rise (absolute) in the needs-human rate. */
  needsHumanRate: number;
  /** P95 latency may grow to baseline × (1 + latencyRelative) + latencyAbsoluteMs. */
  latencyRelative: number;
  latencyAbsoluteMs: number;
  /** Cost per ticket may grow to baseline × (1 + costRelative) + costAbsoluteUsd. */
  costRelative: number;
  costAbsoluteUsd: number;
  /** Largest allowed rise (absolute) in the share of model drafts that fell back to the template. */
  fallbackRate: number;
}

export const DEFAULT_TOLERANCES: GateTolerances = {
  recallAt5: 0.02,
  citationPrecision: 0.02,
  groundedness: 0.03,
  rougeL: 0.03,
  needsHumanRate: 0.02,
  latencyRelative: 0.5,
  latencyAbsoluteMs: 50,
  costRelative: 0.1,
  costAbsoluteUsd: 0.0001,
  fallbackRate: 0.05,
};

export interface GateCheck {
  metric: string;
  baseline: number | null;
  current: number | null;
  /** The worst allowed value. */
  limit: number | null;
  pass: boolean;
  message: string;
}

export interface GateResult {
  pass: boolean;
  checks: GateCheck[];
  /** Sentences for the failures (empty when it passes). */
  failures: string[];
}

const HIGHER_IS_BETTER = ['recallAt5', 'citationPrecision', 'groundedness', 'rougeL'] as const;

function fmt(v: number | null, digits = 3): string {
  return v === null ? 'n/a' : v.toFixed(digits);
}

/** Compare a run with its baseline on the overall metrics. */
export function gate(current: GateInput, baseline: GateInput, tolerances: GateTolerances = DEFAULT_TOLERANCES): GateResult {
  const checks: GateCheck[] = [];
  if (current.sha256 !== baseline.sha256) {
    const message = `The baseline was measured on another version of the set (SHA-256 ${baseline.sha256.slice(0, 12)}…, now ${current.sha256.slice(0, 12)}…). Measure the baseline again on this set before comparing.`;
    return { pass: false, checks: [{ metric: 'set', baseline: null, current: null, limit: null, pass: false, message }], failures: [message] };
  }
  const cur = current.overall;
  const base = baseline.overall;
  for (const metric of HIGHER_IS_BETTER) {
    const b = base[metric];
    const c = cur[metric];
    if (b === null) {
      checks.push({ metric, baseline: b, current: c, limit: null, pass: true, message: `${metric}: nothing to compare (the baseline had none).` });
      continue;
    }
    const limit = b - tolerances[metric];
    const pass = c !== null && c >= limit - 1e-12;
    checks.push({
      metric,
      baseline: b,
      current: c,
      limit,
      pass,
      message: pass
        ? `${metric}: ${fmt(c)} (baseline ${fmt(b)}, may drop to ${fmt(limit)}).`
        : `${metric} dropped from ${fmt(b)} to ${fmt(c)}, more than the allowed ${tolerances[metric]}.`,
    });
  }
  if (base.needsHumanRate !== null) {
    const limit = base.needsHumanRate + tolerances.needsHumanRate;
    const c = cur.needsHumanRate;
    const pass = c !== null && c <= limit + 1e-12;
    checks.push({
      metric: 'needsHumanRate',
      baseline: base.needsHumanRate,
      current: c,
      limit,
      pass,
      message: pass
        ? `needsHumanRate: ${fmt(c)} (baseline ${fmt(base.needsHumanRate)}, may rise to ${fmt(limit)}).`
        : `needsHumanRate rose from ${fmt(base.needsHumanRate)} to ${fmt(c)}, more than the allowed ${tolerances.needsHumanRate}.`,
    });
  }
  if (base.latencyP95Ms !== null && cur.latencyP95Ms !== null) {
    const limit = base.latencyP95Ms * (1 + tolerances.latencyRelative) + tolerances.latencyAbsoluteMs;
    const pass = cur.latencyP95Ms <= limit;
    checks.push({
      metric: 'latencyP95Ms',
      baseline: base.latencyP95Ms,
      current: cur.latencyP95Ms,
      limit,
      pass,
      message: pass
        ? `latencyP95Ms: ${fmt(cur.latencyP95Ms, 1)} (baseline ${fmt(base.latencyP95Ms, 1)}, may grow to ${fmt(limit, 1)}).`
        : `P95 latency grew from ${fmt(base.latencyP95Ms, 1)} ms to ${fmt(cur.latencyP95Ms, 1)} ms, beyond the allowed ${fmt(limit, 1)} ms.`,
    });
  }
  if (base.costPerTicketUsd !== null && cur.costPerTicketUsd !== null) {
    const limit = base.costPerTicketUsd * (1 + tolerances.costRelative) + tolerances.costAbsoluteUsd;
    const pass = cur.costPerTicketUsd <= limit + 1e-12;
    checks.push({
      metric: 'costPerTicketUsd',
      baseline: base.costPerTicketUsd,
      current: cur.costPerTicketUsd,
      limit,
      pass,
      message: pass
        ? `costPerTicketUsd: ${fmt(cur.costPerTicketUsd, 5)} (baseline ${fmt(base.costPerTicketUsd, 5)}, may grow to ${fmt(limit, 5)}).`
        : `Cost per ticket grew from $${fmt(base.costPerTicketUsd, 5)} to $${fmt(cur.costPerTicketUsd, 5)}, beyond the allowed $${fmt(limit, 5)}.`,
    });
  }
  const baseFallback = base.fallbackRate ?? null;
  const curFallback = cur.fallbackRate ?? null;
  if (baseFallback !== null && curFallback !== null) {
    const limit = baseFallback + tolerances.fallbackRate;
    const pass = curFallback <= limit + 1e-12;
    checks.push({
      metric: 'fallbackRate',
      baseline: baseFallback,
      current: curFallback,
      limit,
      pass,
      message: pass
        ? `fallbackRate: ${fmt(curFallback)} (baseline ${fmt(baseFallback)}, may rise to ${fmt(limit)}).`
        : `fallbackRate rose from ${fmt(baseFallback)} to ${fmt(curFallback)}, more than the allowed ${tolerances.fallbackRate}: more model drafts failed and were replaced by the template.`,
    });
  }
  const failures = checks.filter((c) => !c.pass).map((c) => c.message);
  return { pass: failures.length === 0, checks, failures };
}


/** Read a baseline result file (the `--json` output of an earlier run). */
export function parseBaseline(text: string): { ok: true; result: GateInput } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The baseline is not valid JSON. Save it with `npm run eval -- set … --json > RESULT.json`.' };
  }
  const shape = z.looseObject({ schema: z.literal(1), set: z.string(), variant: z.string().optional(), sha256: z.string(), overall: MetricsShape });
  const parsed = shape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `The baseline is not an eval-set result (${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}). Save one with \`npm run eval -- set … --json > RESULT.json\`.` };
  }
  return { ok: true, result: parsed.data };
}
