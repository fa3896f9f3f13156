/**
 * `npm run eval -- set evals/NAME.jsonl --kb KB.jsonl [--variant V] [--pilot PILOT.json] [--baseline RESULT.json] [--json] [--update-lock]`
 * `npm run eval -- lock evals/NAME.jsonl`
 *
 * Runs a locked evaluation set through the same pipeline the extension uses and reports retrieval
 * recall@5, citation precision, groundedness, ROUGE-L, needs-human rate, latency and cost, overall
 * and per slice. With --baseline it is a promotion gate: exit 1 when a metric drops beyond its
 * tolerance. A set that no longer matches its lock fails (exit 1) until the lock is updated.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY, parsePolicyFile } from '../lib/guard/policy';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { checkLock, makeLock, parseEvalSet, runEvalSet, templateDrafter, type EvalDrafter, type EvalSetResult, type SetMetrics } from '../lib/eval/eval-set';
import { DEFAULT_TOLERANCES, gate, parseBaseline } from '../lib/eval/gate';
import { parsePilotConfig, variantOf } from '../lib/pilot/config';

export const SET_USAGE =
  'Usage: npm run eval -- set evals/NAME.jsonl --kb KB.jsonl [--variant V] [--pilot PILOT.json] [--baseline RESULT.json] [--policy POLICY.json] [--json] [--update-lock]';
export const LOCK_USAGE = 'Usage: npm run eval -- lock evals/NAME.jsonl';

/** Where a set's lock lives: `evals/NAME.jsonl` → `evals/NAME.lock.json`. */
export function lockPathOf(setPath: string): string {
  return setPath.replace(/\.jsonl$/i, '') + '.lock.json';
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

class UsageError extends Error {}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} file "${path}". Check the path.`);
  }
}

/** `npm run eval -- lock evals/NAME.jsonl`: write (or rewrite) the lock on purpose. */
export async function evalLock(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: {} });
  const setPath = positionals[0];
  if (!setPath) {
    io.err(LOCK_USAGE);
    return 2;
  }
  try {
    const text = readText(setPath, 'eval set');
    const parsed = parseEvalSet(text);
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) io.err(`${setPath}:${e.line}: ${e.message}`);
      io.err('Fix these lines before locking the set: a lock should cover a set that reads cleanly.');
      return 1;
    }
    const lock = await makeLock(basename(setPath), text);
    writeFileSync(lockPathOf(setPath), `${JSON.stringify(lock, null, 2)}\n`);
    io.out(`Locked ${setPath}: ${lock.tickets} tickets, SHA-256 ${lock.sha256} → ${lockPathOf(setPath)}. Commit both files.`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

function resolveDrafter(variant: string, pilotPath: string | undefined, io: CliIo): EvalDrafter {
  let drafter: 'template' | 'model' | undefined;
  if (pilotPath) {
    const pilot = parsePilotConfig(readText(pilotPath, 'pilot config'));
    if (!pilot.ok) throw new UsageError(`${pilotPath}: ${pilot.message}`);
    const found = variantOf(pilot.value, variant);
    if (!found) throw new UsageError(`The pilot ${pilot.value.id} has no variant "${variant}"; it has ${pilot.value.variants.map((v) => `"${v.id}"`).join(', ')}.`);
    drafter = found.drafter;
    if (found.retrieval && found.drafter === 'template') {
      io.err(`Note: variant "${variant}" asks for retrieval k=${found.retrieval.k}${found.retrieval.hybrid ? ', hybrid' : ''}; the template pipeline retrieves as the extension does today, so this run does not reflect that setting.`);
    }
  } else if (variant === 'template' || variant === 'model') drafter = variant;
  else throw new UsageError(`Unknown variant "${variant}". Use --variant template, or name a variant of a pilot with --pilot PILOT.json --variant ID.`);
  if (drafter === 'model') {
    throw new UsageError(
      `Variant "${variant}" uses the model drafter, which this command cannot run yet (it needs a provider and a key). Evaluate template variants now; model variants plug into the same drafter interface.`,
    );
  }
  return templateDrafter;
}

const METRIC_COLUMNS: [keyof SetMetrics, string, number][] = [
  ['tickets', 'tickets', 0],
  ['recallAt5', 'recall@5', 3],
  ['citationPrecision', 'cite-prec', 3],
  ['groundedness', 'grounded', 3],
  ['rougeL', 'ROUGE-L', 3],
  ['needsHumanRate', 'needs-human', 3],
  ['latencyP50Ms', 'p50 ms', 1],
  ['latencyP95Ms', 'p95 ms', 1],
  ['costPerTicketUsd', '$/ticket', 5],
];

function table(result: EvalSetResult): string[] {
  const rows: string[][] = [['slice', ...METRIC_COLUMNS.map(([, label]) => label)]];
  const cells = (m: SetMetrics) =>
    METRIC_COLUMNS.map(([key, , digits]) => {
      const v = m[key];
      return typeof v === 'number' ? v.toFixed(digits) : '–';
    });
  rows.push(['overall', ...cells(result.overall)]);
  for (const [key, values] of Object.entries(result.slices)) {
    for (const [value, metrics] of Object.entries(values)) rows.push([`${key}=${value}`, ...cells(metrics)]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
}

/** `npm run eval -- set …`. Returns the exit code: 0 pass, 1 lock or gate failure, 2 usage. */
export async function evalSet(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        kb: { type: 'string' },
        variant: { type: 'string', default: 'template' },
        pilot: { type: 'string' },
        baseline: { type: 'string' },
        policy: { type: 'string' },
        json: { type: 'boolean', default: false },
        'update-lock': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${SET_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsedArgs;
  const setPath = positionals[0];
  if (!setPath || !values.kb) {
    io.err(SET_USAGE);
    return 2;
  }
  try {
    const text = readText(setPath, 'eval set');
    const lockPath = lockPathOf(setPath);
    let lock = await checkLock(setPath, text, lockPath, existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null);
    if (!lock.ok && values['update-lock']) {
      const code = await evalLock([setPath], io);
      if (code !== 0) return code;
      lock = await checkLock(setPath, text, lockPath, readFileSync(lockPath, 'utf8'));
    }
    if (!lock.ok) {
      io.err(lock.message);
      return 1;
    }
    const set = parseEvalSet(text);
    if (set.errors.length > 0) {
      for (const e of set.errors) io.err(`${setPath}:${e.line}: ${e.message}`);
      io.err('The locked set has lines that do not read; fix them and lock the set again.');
      return 1;
    }
    const kb = parseKbJsonl(readText(values.kb, 'knowledge base'));
    for (const e of kb.errors) io.err(`${values.kb}:${e.line}: ${e.message} (line skipped)`);
    if (kb.docs.length === 0) throw new UsageError(`${values.kb} has no valid documents.`);
    const known = new Set(kb.docs.map((d) => d.id));
    const missing = [...new Set(set.tickets.flatMap((t) => t.expectedDocIds).filter((id) => !known.has(id)))];
    if (missing.length > 0) io.err(`Note: ${missing.length} expected document(s) are not in ${values.kb} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}); recall counts them as not found.`);
    let policy = DEFAULT_POLICY;
    if (values.policy) {
      const p = parsePolicyFile(readText(values.policy, 'policy'));
      if (!p.ok) throw new UsageError(`${values.policy}: ${p.message}`);
      policy = p.policy;
    }
    const variant = values.variant ?? 'template';
    const drafter = resolveDrafter(variant, values.pilot, io);
    const { retriever, chunks } = buildRetriever(kb.docs);
    const result = await runEvalSet({
      setName: basename(setPath),
      sha256: lock.sha256,
      tickets: set.tickets,
      retriever,
      chunks: new Map(chunks.map((c) => [c.chunkId, c])),
      kbDocs: kb.docs.length,
      drafter,
      variant,
      policy,
    });
    let gateResult = null;
    if (values.baseline) {
      const baseline = parseBaseline(readText(values.baseline, 'baseline'));
      if (!baseline.ok) throw new UsageError(`${values.baseline}: ${baseline.message}`);
      gateResult = gate(result, baseline.result, DEFAULT_TOLERANCES);
    }
    if (values.json) {
      io.out(JSON.stringify(gateResult ? { ...result, gate: gateResult } : result));
      if (gateResult && !gateResult.pass) for (const f of gateResult.failures) io.err(`Gate failed: ${f}`);
    } else {
      io.out(`${result.set} (SHA-256 ${result.sha256.slice(0, 12)}…, locked) · variant ${result.variant} · ${result.overall.tickets} tickets · KB ${result.kbDocs} docs`);
      for (const line of table(result)) io.out(line);
      const weak = result.tickets.filter((t) => (t.citationPrecision ?? 1) < 1 || (t.recallAt5 ?? 1) < 1);
      if (weak.length > 0) io.out(`Below target: ${weak.map((t) => t.id).join(', ')} (run with --json for each ticket's scores).`);
      if (gateResult) {
        io.out(gateResult.pass ? `Gate PASSED against ${values.baseline}.` : `Gate FAILED against ${values.baseline}:`);
        for (const f of gateResult.failures) io.out(`  - ${f}`);
      }
    }
    return gateResult && !gateResult.pass ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
