import { checkEvent } from './event-check';
import type { CopilotEvent } from './events';
import { EVENT_SCHEMA_VERSION } from './events';
import { applyToDraft, applyToShadow, draftFromShown, shadowFromEvent, type DraftSummary, type ShadowStep, type ShadowSummary } from './outcomes';
import { statsFromSummaries, type CopilotStats } from './stats';

/**
 * The team report of `npm run report`: per variant, per cohort and per agent, the numbers of design
 * §"Events and the numbers built on them", computed by the one stats module.
 *
 * Events are streamed in: each line is checked and folded into its draft's state, which keeps only
 * what the outcome needs (a few numbers per event and a 32-bit hash of its id for dropping
 * duplicates), so memory grows with the number of drafts, not with the size of the files. Events of
 * a draft may arrive in any order (several overlapping exports); they are put in `(agentId, seq)`
 * order per draft when the report is built.
 */

/** The numbers of one group, with exactly the keys the report promises. */
export interface ReportNumbers {
  shown: number;
  accepted: number;
  acceptanceRate: number | null;
  acceptanceLow: number | null;
  acceptanceHigh: number | null;
  asIsRate: number | null;
  overrideRate: number | null;
  ignoredRate: number | null;
  abandonedRate: number | null;
  thumbsUpRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  costPerAcceptedUsd: number | null;
}

export type VariantRow = { variant: string | null } & ReportNumbers;
export type CohortRow = { cohort: string | null } & ReportNumbers;
export type AgentRow = { agentId: string } & ReportNumbers;

export interface ReportInput {
  drafts: readonly DraftSummary[];
  shadows: readonly ShadowSummary[];
}

/**
 * A section another part of the product adds to the report as an extra top-level key (A/B
 * comparisons between variants, say: `{ key: 'comparisons', build: (input) => [...] }`). Register it
 * in `REPORT_SECTIONS`; `buildReport` appends each section's key after the fixed ones.
 */
export interface ReportSection {
  key: string;
  build(input: ReportInput): unknown;
}

/** ← Extra top-level report keys plug in here (see `ReportSection`). */
export const REPORT_SECTIONS: ReportSection[] = [];

export interface TeamReport {
  /** Distinct events read (duplicates not counted). */
  events: number;
  /** Lines dropped because an event with the same id was already read. */
  duplicates: number;
  variants: VariantRow[];
  cohorts: CohortRow[];
  agents: AgentRow[];
  [extra: string]: unknown;
}

export function numbersOf(stats: CopilotStats): ReportNumbers {
  return {
    shown: stats.shownDrafts,
    accepted: stats.acceptedDrafts,
    acceptanceRate: stats.acceptanceRate.rate,
    acceptanceLow: stats.acceptanceRate.low,
    acceptanceHigh: stats.acceptanceRate.high,
    asIsRate: stats.asIsRate.rate,
    overrideRate: stats.overrideRate.rate,
    ignoredRate: stats.ignoredRate.rate,
    abandonedRate: stats.abandonedRate.rate,
    thumbsUpRate: stats.thumbsUpRate.rate,
    latencyP50Ms: stats.latencyMs.p50,
    latencyP95Ms: stats.latencyMs.p95,
    costPerAcceptedUsd: stats.costPerAcceptedDraftUsd,
  };
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Group drafts (and shadow spend) by a key and compute each group's numbers, groups sorted by key. */
export function groupNumbers<K extends string | null>(input: ReportInput, keyOf: (d: DraftSummary | ShadowSummary) => K): [K, ReportNumbers][] {
  const groups = new Map<K, { drafts: DraftSummary[]; shadows: ShadowSummary[] }>();
  const group = (k: K) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { drafts: [], shadows: [] }));
    return g;
  };
  for (const d of input.drafts) group(keyOf(d)).drafts.push(d);
  for (const s of input.shadows) group(keyOf(s)).shadows.push(s);
  return [...groups.entries()]
    .filter(([, g]) => g.drafts.length > 0)
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([k, g]) => [k, numbersOf(statsFromSummaries(g.drafts, g.shadows))]);
}

/** The report object from summarized drafts; `sections` add extra top-level keys after the fixed ones. */
export function buildReport(
  input: ReportInput,
  counts: { events: number; duplicates: number },
  sections: readonly ReportSection[] = REPORT_SECTIONS,
): TeamReport {
  const report: TeamReport = {
    events: counts.events,
    duplicates: counts.duplicates,
    variants: groupNumbers(input, (d) => d.variant).map(([variant, n]) => ({ variant, ...n })),
    cohorts: groupNumbers(input, (d) => d.cohort).map(([cohort, n]) => ({ cohort, ...n })),
    agents: groupNumbers(input, (d) => d.agentId).map(([agentId, n]) => ({ agentId, ...n })),
  };
  for (const section of sections) {
    if (section.key in report) throw new Error(`The report section "${section.key}" would overwrite a built-in key.`);
    report[section.key] = section.build(input);
  }
  return report;
}

// ── streaming ────────────────────────────────────────────────────────────────────────────────────

/** FNV-1a, 32 bits: enough to tell two events of the same draft and the same seq apart. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** What one event contributes to its draft: its place in `(agentId, seq)` order and a slim copy. */
interface Step {
  agentId: string;
  seq: number;
  hash: number;
  /** The event with only the fields the outcome reads (a `sent` event's reply text is dropped). */
  event: SlimEvent;
}

type SlimEvent =
  | { type: 'shown'; summary: DraftSummary }
  | { type: 'shadow'; summary: ShadowSummary; payload: ShadowStep['payload'] }
  | { type: 'inserted' | 'copied' | 'regenerated' }
  | { type: 'sent'; payload: { used: boolean; editRatio: number | null } }
  | { type: 'discarded'; payload: { reason: 'agent' | 'ticket-changed' | 'superseded' } }
  | { type: 'rated'; payload: { thumb: 'up' | 'down'; reasons: readonly string[] } };

function slim(event: CopilotEvent): SlimEvent {
  switch (event.type) {
    case 'shown':
      return { type: 'shown', summary: draftFromShown(event) };
    case 'shadow':
      return {
        type: 'shadow',
        summary: shadowFromEvent(event),
        payload: { costUsd: event.payload.costUsd, tokensIn: event.payload.tokensIn, tokensOut: event.payload.tokensOut, similarity: event.payload.similarity },
      };
    case 'inserted':
    case 'copied':
    case 'regenerated':
      return { type: event.type };
    case 'sent':
      return { type: 'sent', payload: { used: event.payload.used, editRatio: event.payload.editRatio } };
    case 'discarded':
      return { type: 'discarded', payload: { reason: event.payload.reason } };
    case 'rated':
      return { type: 'rated', payload: { thumb: event.payload.thumb, reasons: event.payload.reasons } };
  }
}

const byOrder = (a: Step, b: Step) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.seq - b.seq);

/** Replay one draft's steps in order, exactly as `summarizeOrdered` does for full events. */
function foldDraft(steps: Step[]): { draft: DraftSummary | null; shadow: ShadowSummary | null } {
  for (let i = 1; i < steps.length; i++) {
    const a = steps[i - 1];
    const b = steps[i];
    if (a && b && byOrder(a, b) > 0) {
      steps.sort(byOrder);
      break;
    }
  }
  let draft: DraftSummary | null = null;
  let shadow: ShadowSummary | null = null;
  for (const { event } of steps) {
    if (event.type === 'shown') {
      if (!draft) {
        draft = { ...event.summary, reasons: [...event.summary.reasons] };
        shadow = null;
      }
      continue;
    }
    if (draft) {
      if (event.type !== 'shadow') applyToDraft(draft, event);
      continue;
    }
    if (event.type === 'shadow') {
      if (!shadow) shadow = { ...event.summary };
      else applyToShadow(shadow, event);
    }
  }
  return { draft, shadow };
}

export interface ReportProblem {
  file: string;
  line: number;
  message: string;
}

/** Folds lines of NDJSON exports into per-draft state; `finish()` builds the report. */
export class ReportBuilder {
  private readonly drafts = new Map<string, Step[]>();
  private readonly agents = new Map<string, string>();
  events = 0;
  duplicates = 0;
  readonly problems: ReportProblem[] = [];
  /** Lines of another schema version, per file: refused, never guessed at. */
  readonly refused = new Map<string, { version: string; lines: number; firstLine: number }>();

  /** One line of a file (1-based line number for messages). */
  addLine(raw: string, file: string, line: number): void {
    let start = 0;
    let end = raw.length;
    while (start < end && raw.charCodeAt(start) <= 32) start++;
    while (end > start && raw.charCodeAt(end - 1) <= 32) end--;
    if (start === end) return;
    if (line === 1 && raw.charCodeAt(0) === 0xfeff) start = Math.max(start, 1);
    let value: unknown;
    try {
      value = JSON.parse(start === 0 && end === raw.length ? raw : raw.slice(start, end));
    } catch {
      this.problems.push({ file, line, message: `${file} line ${line} is not valid JSON (each line must be one whole event object).` });
      return;
    }
    const version: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'schema') : undefined;
    if (version !== undefined && version !== EVENT_SCHEMA_VERSION) {
      const entry = this.refused.get(file) ?? { version: JSON.stringify(version), lines: 0, firstLine: line };
      entry.lines += 1;
      this.refused.set(file, entry);
      return;
    }
    const checked = checkEvent(value);
    if (!checked.ok) {
      const where = checked.issue?.path.length ? checked.issue.path.map(String).join('.') : 'event';
      this.problems.push({ file, line, message: `${file} line ${line} has a bad ${where}: ${checked.issue?.message ?? 'not an event of schema 1'}.` });
      return;
    }
    this.add(checked.event);
  }

  /** One event already parsed and checked. */
  add(event: CopilotEvent): void {
    const hash = hashId(event.id);
    let steps = this.drafts.get(event.draftId);
    if (!steps) this.drafts.set(event.draftId, (steps = []));
    for (const s of steps) {
      if (s.seq === event.seq && s.hash === hash && s.agentId === event.agentId) {
        this.duplicates += 1;
        return;
      }
    }
    // One string per agent id, shared by every step, instead of one per parsed line.
    let agentId = this.agents.get(event.agentId);
    if (agentId === undefined) this.agents.set(event.agentId, (agentId = event.agentId));
    steps.push({ agentId, seq: event.seq, hash, event: slim(event) });
    this.events += 1;
  }

  /** Every draft's outcome, in no particular order. */
  summaries(): ReportInput {
    const drafts: DraftSummary[] = [];
    const shadows: ShadowSummary[] = [];
    for (const steps of this.drafts.values()) {
      const { draft, shadow } = foldDraft(steps);
      if (draft) drafts.push(draft);
      else if (shadow) shadows.push(shadow);
    }
    return { drafts, shadows };
  }

  finish(sections: readonly ReportSection[] = REPORT_SECTIONS): TeamReport {
    return buildReport(this.summaries(), { events: this.events, duplicates: this.duplicates }, sections);
  }
}
