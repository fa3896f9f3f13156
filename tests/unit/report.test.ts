import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CopilotEventSchema, type CopilotEvent } from '../../lib/feedback/events';
import { fastPathAccepts } from '../../lib/feedback/event-check';
import { eventLine, eventsToNdjson } from '../../lib/feedback/export';
import { summarizeAll } from '../../lib/feedback/outcomes';
import { ReportBuilder, buildReport, type ReportSection } from '../../lib/feedback/report';
import { computeStats } from '../../lib/feedback/stats';
import { AB_REPORT_SECTIONS } from '../../lib/pilot/report-sections';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(ROOT, 'tests/fixtures/events/sequences.json');
const sequences = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { name: string; events: unknown[] }[]).map((s) => ({
  name: s.name,
  events: s.events.map((e) => CopilotEventSchema.parse(e)),
}));
const pooled: CopilotEvent[] = sequences.flatMap((s) =>
  s.events.map((e) => ({ ...e, id: `${s.name}/${e.id}`, agentId: `${s.name}/${e.agentId}`, draftId: `${s.name}/${e.draftId}` })),
);

const ROW_KEYS = [
  'shown',
  'accepted',
  'acceptanceRate',
  'acceptanceLow',
  'acceptanceHigh',
  'asIsRate',
  'overrideRate',
  'ignoredRate',
  'abandonedRate',
  'thumbsUpRate',
  'latencyP50Ms',
  'latencyP95Ms',
  'costPerAcceptedUsd',
];

function build(events: readonly CopilotEvent[], file = 'a.ndjson'): ReportBuilder {
  const builder = new ReportBuilder();
  eventsToNdjson(events)
    .split('\n')
    .forEach((line, i) => builder.addLine(line, file, i + 1));
  return builder;
}

describe('ReportBuilder', () => {
  it.each(sequences.map((s) => [s.name, s] as const))('%s: per-agent numbers equal computeStats over the same events', (_name, s) => {
    const report = build(s.events).finish();
    expect(report.events).toBe(s.events.length);
    for (const row of report.agents) {
      const stats = computeStats(s.events.filter((e) => e.agentId === row.agentId));
      expect(row.shown).toBe(stats.shownDrafts);
      expect(row.accepted).toBe(stats.acceptedDrafts);
      expect(row.acceptanceRate).toBe(stats.acceptanceRate.rate);
      expect(row.acceptanceLow).toBe(stats.acceptanceRate.low);
      expect(row.acceptanceHigh).toBe(stats.acceptanceRate.high);
      expect(row.overrideRate).toBe(stats.overrideRate.rate);
      expect(row.thumbsUpRate).toBe(stats.thumbsUpRate.rate);
      expect(row.latencyP50Ms).toBe(stats.latencyMs.p50);
      expect(row.latencyP95Ms).toBe(stats.latencyMs.p95);
      expect(row.costPerAcceptedUsd).toBe(stats.costPerAcceptedDraftUsd);
    }
  });

  it('has exactly the promised keys, rows named by variant, cohort and agentId', () => {
    const report = build(pooled).finish();
    expect(Object.keys(report)).toEqual(['events', 'duplicates', 'variants', 'cohorts', 'agents']);
    for (const r of report.variants) expect(Object.keys(r)).toEqual(['variant', ...ROW_KEYS]);
    for (const r of report.cohorts) expect(Object.keys(r)).toEqual(['cohort', ...ROW_KEYS]);
    for (const r of report.agents) expect(Object.keys(r)).toEqual(['agentId', ...ROW_KEYS]);
    expect(report.variants.map((r) => r.variant)).toEqual(['model', null]);
    expect(report.cohorts.map((r) => r.cohort)).toEqual(['cohort-b', null]);
  });

  it('gives the hand-computed numbers of the model-spend sequence', () => {
    const s = sequences.find((x) => x.name === 'model-spend-regenerate-rewrite');
    if (!s) throw new Error('fixture missing');
    const [row] = build(s.events).finish().variants;
    expect(row).toMatchObject({ variant: 'model', shown: 3, accepted: 1, asIsRate: 0, abandonedRate: 2 / 3, thumbsUpRate: 1, latencyP50Ms: 1200, latencyP95Ms: 1400 });
    expect(row?.acceptanceRate).toBeCloseTo(1 / 3, 12);
    expect(row?.acceptanceLow).toBeCloseTo(0.0615, 4);
    expect(row?.acceptanceHigh).toBeCloseTo(0.7923, 4);
    expect(row?.costPerAcceptedUsd).toBeCloseTo(0.009, 12);
  });

  it('pools every group like a replay of all events, shadow spend included', () => {
    const report = build(pooled).finish();
    const all = computeStats(pooled);
    expect(report.variants.reduce((n, r) => n + r.shown, 0)).toBe(all.shownDrafts);
    expect(report.agents.reduce((n, r) => n + r.accepted, 0)).toBe(all.acceptedDrafts);
    const { drafts, shadows } = summarizeAll(pooled);
    expect([...build(pooled).summaries().drafts].sort((a, b) => (a.draftId < b.draftId ? -1 : 1))).toEqual(
      [...drafts.values()].sort((a, b) => (a.draftId < b.draftId ? -1 : 1)),
    );
    expect(build(pooled).summaries().shadows.length).toBe(shadows.size);
  });

  it('drops duplicates across overlapping files, in any order, and counts distinct events', () => {
    const builder = new ReportBuilder();
    const lines = eventsToNdjson(pooled).trimEnd().split('\n');
    const reversed = [...lines].reverse();
    reversed.forEach((l, i) => builder.addLine(l, 'b.ndjson', i + 1));
    lines.slice(0, 20).forEach((l, i) => builder.addLine(l, 'a.ndjson', i + 1));
    const report = builder.finish();
    expect(report.events).toBe(pooled.length);
    expect(report.duplicates).toBe(20);
    expect(report).toEqual({ ...build(pooled).finish(), duplicates: 20 });
  });

  it('reports bad lines by file and line, refuses other schema versions, and reads the rest', () => {
    const builder = new ReportBuilder();
    const lines = eventsToNdjson(pooled.slice(0, 5)).trimEnd().split('\n');
    const input = [lines[0], 'not json', lines[1], JSON.stringify({ ...JSON.parse(lines[2] ?? '{}'), schema: 3 }), JSON.stringify({ ...JSON.parse(lines[3] ?? '{}'), type: 'clicked' })];
    input.forEach((l, i) => builder.addLine(l ?? '', 'x.ndjson', i + 1));
    expect(builder.events).toBe(2);
    expect(builder.problems.map((p) => p.line)).toEqual([2, 5]);
    expect(builder.problems[0]?.message).toBe('x.ndjson line 2 is not valid JSON (each line must be one whole event object).');
    expect(builder.refused.get('x.ndjson')).toEqual({ version: '3', lines: 1, firstLine: 4 });
  });

  it('lets another part add a top-level section after the fixed keys, and refuses one that overwrites them', () => {
    const { drafts, shadows } = summarizeAll(pooled);
    const input = { drafts: [...drafts.values()], shadows: [...shadows.values()] };
    const comparisons: ReportSection = { key: 'comparisons', build: (x) => [{ drafts: x.drafts.length }] };
    const report = buildReport(input, { events: 1, duplicates: 0 }, [comparisons]);
    expect(Object.keys(report)).toEqual(['events', 'duplicates', 'variants', 'cohorts', 'agents', 'comparisons']);
    expect(report.comparisons).toEqual([{ drafts: drafts.size }]);
    expect(() => buildReport(input, { events: 1, duplicates: 0 }, [{ key: 'agents', build: () => 1 }])).toThrow(/overwrite/);
  });
});

describe('the fast event check', () => {
  it('accepts every fixture event', () => {
    for (const e of pooled) expect(fastPathAccepts(JSON.parse(eventLine(e)))).toBe(true);
  });

  it('never accepts what the schema rejects (mutations of every fixture event)', () => {
    const mutations: ((e: Record<string, unknown>) => void)[] = [
      (e) => (e.schema = 2),
      (e) => (e.id = ''),
      (e) => (e.seq = -1),
      (e) => (e.seq = 1.5),
      (e) => (e.at = '2025-02-30T10:00:00Z'),
      (e) => (e.at = '2025-03-03 10:00'),
      (e) => (e.at = '2025-03-03T25:00:00Z'),
      (e) => (e.cohort = 3),
      (e) => (e.type = 'clicked'),
      (e) => delete e.helpdesk,
      (e) => (e.payload = null),
      (e) => Object.assign(e.payload as object, { editRatio: 1.2, latencyMs: -1, reason: 'bored', thumb: 'sideways', newDraftId: 5, costUsd: '1' }),
      (e) => Object.assign(e.payload as object, { reasons: ['nope'], used: 'yes', confidence: { score: 1, level: 'certain' } }),
      (e) => Object.assign(e.payload as object, { comment: 'x'.repeat(2001), text: 'x'.repeat(200_001), similarity: 'high' }),
    ];
    for (const event of pooled) {
      for (const mutate of mutations) {
        const value = JSON.parse(eventLine(event)) as Record<string, unknown>;
        mutate(value);
        if (fastPathAccepts(value)) expect(CopilotEventSchema.safeParse(value).success, JSON.stringify(value).slice(0, 200)).toBe(true);
      }
    }
  });
});

describe('npm run report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/report.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('merges files and prints one JSON object with --json, and a self-contained HTML report', () => {
    const text = eventsToNdjson(pooled);
    const lines = text.trimEnd().split('\n');
    writeFileSync(join(dir, 'a.ndjson'), `${lines.slice(0, 40).join('\n')}\n`);
    writeFileSync(join(dir, 'b.ndjson'), `${lines.slice(30).join('\n')}\nbroken line\n`);
    const html = join(dir, 'out.html');
    const { code, stdout, stderr } = run([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '--json', '--html', html]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['events', 'duplicates', 'variants', 'cohorts', 'agents', 'comparisons', 'comparisonDetails', 'shadowSimilarity']);
    expect(report.events).toBe(pooled.length);
    expect(report.duplicates).toBe(10);
    expect(report).toEqual(JSON.parse(JSON.stringify({ ...build(pooled).finish([...AB_REPORT_SECTIONS]), duplicates: 10 })));
    expect(stderr).toContain(`b.ndjson line ${lines.length - 30 + 1} is not valid JSON`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).toContain('<table>');
  });

  it('prints a readable table without --json, and says what to do with no files or a missing file', () => {
    writeFileSync(join(dir, 'c.ndjson'), eventsToNdjson(pooled));
    const ok = run([join(dir, 'c.ndjson')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Per variant');
    expect(ok.stdout).toContain('Per agent');
    const none = run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give at least one NDJSON export');
    const missing = run([join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Not found or not a file');
  });

  it('compares variants: per-draft and agent-level p-values, which to trust, and shadow similarity', () => {
    // Six agents per arm; the challenger's drafts are accepted far more often. Assigned per agent.
    const events: CopilotEvent[] = [];
    const at = (n: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, n)).toISOString();
    let n = 0;
    for (const [variant, acceptEvery] of [['baseline', 4], ['challenger', 2]] as const) {
      for (let a = 0; a < 6; a++) {
        const agentId = `${variant}-agent-${a}`;
        let seq = 0;
        for (let d = 0; d < 20; d++) {
          const draftId = `${agentId}-d${d}`;
          const base = { schema: 1 as const, agentId, draftId, ticketKey: `t:${draftId}`, helpdesk: 'tidydesk', pilotId: 'p1', cohort: 'all', variant };
          events.push(
            CopilotEventSchema.parse({
              ...base,
              id: `e${n++}`,
              seq: seq++,
              at: at(n),
              type: 'shown',
              payload: { latencyMs: 100, confidence: { score: 0.5, level: 'medium' }, policy: 'draft', injectionSuspected: false, model: null, promptVersion: 'x', kbVersion: 1, tokensIn: 0, tokensOut: 0, costUsd: 0, cacheHit: false },
            }),
          );
          if (d % acceptEvery === 0) {
            events.push(CopilotEventSchema.parse({ ...base, id: `e${n++}`, seq: seq++, at: at(n), type: 'inserted', payload: {} }));
            events.push(CopilotEventSchema.parse({ ...base, id: `e${n++}`, seq: seq++, at: at(n), type: 'sent', payload: { used: true, editRatio: 0.02 } }));
          } else {
            events.push(CopilotEventSchema.parse({ ...base, id: `e${n++}`, seq: seq++, at: at(n), type: 'discarded', payload: { reason: 'agent' } }));
          }
        }
      }
    }
    writeFileSync(join(dir, 'ab.ndjson'), eventsToNdjson(events));
    const { code, stdout } = run([join(dir, 'ab.ndjson'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { comparisons: Record<string, unknown>[]; comparisonDetails: { unit: string; details: { trust: string; note: string }[] } };
    expect(report.comparisons).toHaveLength(1);
    const [row] = report.comparisons;
    expect(Object.keys(row ?? {}).sort()).toEqual(['a', 'agentLevelPValue', 'b', 'diff', 'diffHigh', 'diffLow', 'pValue'].sort());
    expect(row).toMatchObject({ a: 'baseline', b: 'challenger' });
    expect(Number(row?.diff)).toBeCloseTo(0.5 - 0.25, 6);
    expect(Number(row?.pValue)).toBeLessThan(0.001);
    expect(Number(row?.agentLevelPValue)).toBeLessThan(0.05);
    expect(report.comparisonDetails.unit).toBe('agent');
    expect(report.comparisonDetails.details[0]?.trust).toBe('agent');
    const text = run([join(dir, 'ab.ndjson')]);
    expect(text.stdout).toContain('Variants compared');
  });

  it('plans the sample size without any file', () => {
    const plan = run(['--plan', '--baseline', '0.3', '--lift', '0.05', '--json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ plan: { baseline: 0.3, lift: 0.05, alpha: 0.05, power: 0.8, perArm: 1377, total: 2754 } });
  });
});
