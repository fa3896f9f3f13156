/**
 * `npm run report -- --plan --baseline 0.3 --lift 0.05 [--alpha 0.05] [--power 0.8] [--json]`
 *
 * How many drafts each arm of a pilot needs to detect an absolute lift in acceptance with a
 * two-sided two-proportion z-test. scripts/report.ts calls `reportPlan` when it sees `--plan`.
 */
import { parseArgs } from 'node:util';
import { sampleSizePerArm } from '../lib/pilot/ab';

export const PLAN_USAGE = 'Usage: npm run report -- --plan --baseline 0.3 --lift 0.05 [--alpha 0.05] [--power 0.8] [--json]';

export interface PlanResult {
  baseline: number;
  lift: number;
  alpha: number;
  power: number;
  perArm: number;
  total: number;
}

/** A rate typed as 0.3 or 30%. */
function rateArg(raw: string | undefined, name: string): number | string {
  if (raw === undefined) return `--${name} is missing. ${PLAN_USAGE}`;
  const percent = /^\s*(-?[\d.]+)\s*%\s*$/.exec(raw);
  const value = percent ? Number(percent[1]) / 100 : Number(raw);
  if (!Number.isFinite(value)) return `--${name} must be a number such as 0.3 (or 30%), not "${raw}".`;
  return value;
}

/** Work out the plan from command-line arguments; a string is a message for the person. */
export function planFromArgs(argv: readonly string[]): PlanResult | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: false,
      options: {
        plan: { type: 'boolean' },
        baseline: { type: 'string' },
        lift: { type: 'string' },
        alpha: { type: 'string' },
        power: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}. ${PLAN_USAGE}`;
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const baseline = rateArg(str(values.baseline), 'baseline');
  const lift = rateArg(str(values.lift), 'lift');
  const alpha = values.alpha === undefined ? 0.05 : rateArg(str(values.alpha), 'alpha');
  const power = values.power === undefined ? 0.8 : rateArg(str(values.power), 'power');
  for (const v of [baseline, lift, alpha, power]) if (typeof v === 'string') return v;
  if (typeof baseline === 'string' || typeof lift === 'string' || typeof alpha === 'string' || typeof power === 'string') return PLAN_USAGE;
  try {
    const perArm = sampleSizePerArm({ baseline, lift, alpha, power });
    return { baseline, lift, alpha, power, perArm, total: 2 * perArm };
  } catch (error) {
    return error instanceof RangeError ? error.message : String(error);
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1).replace(/\.0$/, '')}%`;

/** Run the planner: prints the answer (or the problem to stderr) and returns the exit code. */
export function reportPlan(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  const plan = planFromArgs(argv);
  if (typeof plan === 'string') {
    err(plan);
    return 2;
  }
  if (argv.includes('--json')) {
    out(JSON.stringify({ plan }));
    return 0;
  }
  out(
    `Each arm needs ${plan.perArm.toLocaleString('en')} drafts (${plan.total.toLocaleString('en')} in all) to detect a change in acceptance ` +
      `from ${pct(plan.baseline)} to ${pct(plan.baseline + plan.lift)} (two-sided ${pct(plan.alpha)}, power ${pct(plan.power)}).`,
  );
  out(
    'Counted in shown drafts. When variants are assigned per agent, drafts of one agent are not independent: plan for more ' +
      'drafts, and for enough agents per arm (at least 5–10) for the agent-level test to mean anything.',
  );
  return 0;
}
