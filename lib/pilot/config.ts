import { z } from 'zod';

/**
 * A pilot: a time-boxed experiment with variants (a baseline and one or more challengers), cohorts
 * of agents with an allocation over the variants, and optionally shadow mode (drafts are made and
 * recorded but never shown). A product manager writes it as JSON and hands it to the team.
 */

const ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;
const idSchema = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `The ${what} id cannot be empty.`)
    .max(100, `Keep the ${what} id under 100 characters.`)
    .regex(ID_PATTERN, `Use letters, digits and . _ : @ - only in the ${what} id.`);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A date (`2026-03-01`, the whole day in UTC) or a date and time with a zone (`2026-03-01T09:00:00+01:00`). */
const instantSchema = z
  .string()
  .trim()
  .refine((s) => (DATE_ONLY.test(s) || DATE_TIME.test(s)) && !Number.isNaN(Date.parse(s)), {
    message: 'Write a date as 2026-03-01, or a date and time with its zone as 2026-03-01T09:00:00Z.',
  });

export const VariantSchema = z.object({
  id: idSchema('variant'),
  drafter: z.enum(['template', 'model'], { message: 'The drafter must be "template" or "model".' }),
  /** The model name for a `model` variant; absent: the model in the agent's provider settings. */
  model: z.string().trim().min(1).max(200).optional(),
  promptVersion: z.string().trim().min(1).max(100).optional(),
  retrieval: z
    .object({
      k: z.number().int('k must be a whole number.').min(1, 'k must be at least 1.').max(50, 'k must be at most 50.'),
      hybrid: z.boolean(),
    })
    .optional(),
});
export type Variant = z.infer<typeof VariantSchema>;

export const CohortSchema = z.object({
  id: idSchema('cohort'),
  /** The agent ids in the cohort, or "*" for every agent not listed in another cohort. */
  agents: z.union([z.literal('*'), z.array(z.string().trim().min(1, 'An agent id cannot be empty.').max(100)).min(1, 'List at least one agent id, or write "*" for everyone.')], {
    message: 'agents must be a list of agent ids or "*".',
  }),
  /** Variant id → weight; weights are relative (60 / 40 and 3 / 2 allocate alike). */
  allocation: z.record(z.string(), z.number({ message: 'A weight must be a number.' })),
});
export type Cohort = z.infer<typeof CohortSchema>;

export const PilotConfigSchema = z
  .object({
    id: idSchema('pilot'),
    name: z.string().trim().min(1, 'Give the pilot a name.').max(200),
    startsAt: instantSchema,
    endsAt: instantSchema,
    variants: z.array(VariantSchema).min(1, 'A pilot needs at least one variant.').max(20),
    cohorts: z.array(CohortSchema).min(1, 'A pilot needs at least one cohort.').max(100),
    shadow: z.boolean(),
    unit: z.enum(['agent', 'ticket'], { message: 'unit must be "agent" or "ticket".' }),
  })
  .superRefine((config, ctx) => {
    const variantIds = new Set<string>();
    config.variants.forEach((v, i) => {
      if (variantIds.has(v.id)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'id'], message: `The variant id "${v.id}" is used twice; give each variant its own id.` });
      variantIds.add(v.id);
    });
    const cohortIds = new Set<string>();
    const agentCohort = new Map<string, string>();
    config.cohorts.forEach((c, i) => {
      if (cohortIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'id'], message: `The cohort id "${c.id}" is used twice; give each cohort its own id.` });
      cohortIds.add(c.id);
      if (Array.isArray(c.agents)) {
        for (const agent of c.agents) {
          const other = agentCohort.get(agent);
          if (other !== undefined) {
            const message =
              other === c.id
                ? `The agent "${agent}" is listed twice in cohort "${c.id}".`
                : `The agent "${agent}" is in cohorts "${other}" and "${c.id}"; an agent belongs to one cohort.`;
            ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'agents'], message });
          } else agentCohort.set(agent, c.id);
        }
      }
      const entries = Object.entries(c.allocation);
      if (entries.length === 0) ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'allocation'], message: 'Give at least one variant a weight.' });
      for (const [variantId, weight] of entries) {
        if (!variantIds.has(variantId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['cohorts', i, 'allocation', variantId],
            message: `There is no variant "${variantId}"; the variants are ${[...variantIds].map((v) => `"${v}"`).join(', ')}.`,
          });
        }
        if (!Number.isFinite(weight) || weight <= 0) {
          ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'allocation', variantId], message: 'A weight must be more than 0; leave a variant out to give it none.' });
        }
      }
    });
    if (config.cohorts.filter((c) => c.agents === '*').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['cohorts'], message: 'Only one cohort may use "*" (everyone else).' });
    }
    const start = instantOf(config.startsAt, 'start');
    const end = instantOf(config.endsAt, 'end');
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `The pilot ends (${config.endsAt}) before it starts (${config.startsAt}).` });
    }
  });
export type PilotConfig = z.infer<typeof PilotConfigSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The instant of a config date in ms. A date without a time is a whole day in UTC: as a start it
 * is that day's midnight, as an end the next midnight (so `"endsAt": "2026-03-31"` includes the 31st).
 */
export function instantOf(value: string, as: 'start' | 'end'): number {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return DATE_ONLY.test(value) && as === 'end' ? ms + DAY_MS : ms;
}

export type PilotPhase = 'scheduled' | 'running' | 'ended';

/** Where a pilot stands at `now`: it runs from `startsAt` (inclusive) to `endsAt` (exclusive). */
export function pilotPhase(config: Pick<PilotConfig, 'startsAt' | 'endsAt'>, now: Date = new Date()): PilotPhase {
  const t = now.getTime();
  if (t < instantOf(config.startsAt, 'start')) return 'scheduled';
  if (t >= instantOf(config.endsAt, 'end')) return 'ended';
  return 'running';
}

/** A zod issue path as a person reads it: `cohorts[0].allocation.challenger`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string; field: string };

/** The first problem of a failed parse as a sentence that names the field. */
export function describeIssue(
  error: z.ZodError,
  what: string,
  under: readonly PropertyKey[] = [],
  fix = 'Fix the file and import it again.',
): { message: string; field: string } {
  const issue = error.issues[0];
  const field = formatPath([...under, ...(issue?.path ?? [])]);
  const text = issue?.message ?? 'invalid';
  const more = error.issues.length > 1 ? ` (${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''} after this one)` : '';
  return { field, message: `The ${what} was not loaded: ${field || 'the file'}: ${text}${more}. ${fix}` };
}

/** Validate a pilot config already parsed from JSON. */
export function validatePilotConfig(raw: unknown): ParseResult<PilotConfig> {
  const parsed = PilotConfigSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, ...describeIssue(parsed.error, 'pilot config') };
}

/** Parse a pilot config file: JSON, then the schema and the cross-checks. */
export function parsePilotConfig(text: string): ParseResult<PilotConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, field: '', message: `The pilot config is not valid JSON (${error instanceof Error ? error.message : String(error)}). Fix the file and import it again.` };
  }
  return validatePilotConfig(raw);
}

export function variantOf(config: PilotConfig, variantId: string): Variant | undefined {
  return config.variants.find((v) => v.id === variantId);
}
