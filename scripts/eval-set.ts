/**
 * `npm run eval -- set evals/NAME.jsonl --kb KB.jsonl [--variant V] [--pilot PILOT.json] [--baseline RESULT.json] [--json] [--update-lock]`
 *   model variants add `--base-url URL --model NAME [--output-mode M] [--embedding-model NAME] [--concurrency N] [--price-in USD] [--price-out USD]`
 * `npm run eval -- lock evals/NAME.jsonl`
 *
 * Runs a locked evaluation set through the same pipeline the extension uses and reports retrieval
 * recall@5, citation precision, groundedness, ROUGE-L, needs-human rate, latency and cost, overall
 * and per slice. With --baseline it is a promotion gate: exit 1 when a metric drops beyond its
 * tolerance. A set that no longer matches its lock fails (exit 1) until the lock is updated.
 * A model variant drafts through the model step exactly as the extension does (policy first, the
 * template draft when the model fails, counted as a fallback); a pilot variant's retrieval k and
 * hybrid setting are applied.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY, parsePolicyFile } from '../lib/guard/policy';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { checkLock, makeLock, makeTemplateDrafter, parseEvalSet, runEvalSet, type EvalDrafter, type EvalSetResult, type ModelSetting, type SetMetrics } from '../lib/eval/eval-set';
import { embedKb, makeModelDrafter } from '../lib/eval/model-drafter';
import { RETRIEVAL_K } from '../lib/copilot/pipeline';
import { createClient } from '../lib/drafting/model-client';
import { ProviderSettingsSchema, type OutputMode, type ProviderSettings } from '../lib/drafting/provider-settings';
import { createEmbedder, EmbeddingError, type Embedder } from '../lib/retrieval/embeddings';
import type { VectorIndex } from '../lib/retrieval/vector-index';
import { DEFAULT_TOLERANCES, gate, parseBaseline } from '../lib/eval/gate';
import { parsePilotConfig, variantOf } from '../lib/pilot/config';

export const SET_USAGE = [
  'Usage: npm run eval -- set evals/NAME.jsonl --kb KB.jsonl [--variant V] [--pilot PILOT.json] [--baseline RESULT.json] [--policy POLICY.json] [--json] [--update-lock]',
  '         model variants: --base-url URL --model NAME [--output-mode json-schema|json|plain] [--embedding-model NAME] [--concurrency 2] [--price-in USD] [--price-out USD]',
  '         (the API key, if the server needs one, from the OPENAI_API_KEY environment variable)',
].join('\n');
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

/** The variant under test: which drafter, which model (if any) and how it retrieves. */
interface VariantPlan {
  drafter: 'template' | 'model';
  model?: string;
  retrieval?: { k: number; hybrid: boolean };
}

function resolveVariant(variant: string, pilotPath: string | undefined): VariantPlan {
  if (pilotPath) {
    const pilot = parsePilotConfig(readText(pilotPath, 'pilot config'));
    if (!pilot.ok) throw new UsageError(`${pilotPath}: ${pilot.message}`);
    const found = variantOf(pilot.value, variant);
    if (!found) throw new UsageError(`The pilot ${pilot.value.id} has no variant "${variant}"; it has ${pilot.value.variants.map((v) => `"${v.id}"`).join(', ')}.`);
    return { drafter: found.drafter, ...(found.model ? { model: found.model } : {}), ...(found.retrieval ? { retrieval: found.retrieval } : {}) };
  }
  if (variant === 'template' || variant === 'model') return { drafter: variant };
  throw new UsageError(`Unknown variant "${variant}". Use --variant template or --variant model, or name a variant of a pilot with --pilot PILOT.json --variant ID.`);
}

const OUTPUT_MODES: readonly OutputMode[] = ['json-schema', 'json', 'plain'];

interface ModelFlags {
  baseUrl: string | undefined;
  model: string | undefined;
  outputMode: string | undefined;
  embeddingModel: string | undefined;
  priceIn: string | undefined;
  priceOut: string | undefined;
}

function nonNegative(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a price in US dollars per million tokens (0 or more), not "${value}".`);
  return n;
}

/** Provider settings for a model variant from the flags (the key only from OPENAI_API_KEY). */
function modelSettings(variant: string, plan: VariantPlan, flags: ModelFlags): ProviderSettings {
  const model = flags.model ?? plan.model;
  if (!flags.baseUrl || !model) {
    const missing = [!flags.baseUrl ? '--base-url URL' : null, !model ? '--model NAME' : null].filter(Boolean).join(' and ');
    throw new UsageError(
      [
        `Variant "${variant}" uses the model drafter, so it needs an OpenAI-compatible endpoint: pass ${missing}, for example`,
        '  --base-url http://localhost:11434/v1 --model llama3.2          (Ollama)',
        '  --base-url https://api.openai.com/v1 --model gpt-4o-mini      (key in the OPENAI_API_KEY environment variable)',
        'Optional: --output-mode json-schema|json|plain, --embedding-model NAME (hybrid retrieval), --concurrency N, --price-in/--price-out USD per million tokens.',
        'Or evaluate the template drafter with --variant template.',
      ].join('\n'),
    );
  }
  if (flags.outputMode !== undefined && !OUTPUT_MODES.includes(flags.outputMode as OutputMode)) {
    throw new UsageError(`--output-mode must be json-schema, json or plain, not "${flags.outputMode}".`);
  }
  const outputMode = OUTPUT_MODES.find((m) => m === flags.outputMode) ?? 'json-schema';
  const parsed = ProviderSettingsSchema.safeParse({
    preset: 'custom',
    baseUrl: flags.baseUrl,
    model,
    outputMode,
    priceInPerMillion: nonNegative(flags.priceIn, '--price-in'),
    priceOutPerMillion: nonNegative(flags.priceOut, '--price-out'),
    ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}),
    ...(flags.embeddingModel ? { embeddingModel: flags.embeddingModel, embeddingsEnabled: true } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = issue?.path[0] === 'baseUrl' ? '--base-url' : issue?.path[0] === 'model' ? '--model' : String(issue?.path[0] ?? 'settings');
    throw new UsageError(`${flag}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** Whether this run retrieves hybrid, and the sentence that says so when a request for it is not honoured. */
function retrievalPlan(variant: string, plan: VariantPlan, embeddingModel: string | undefined): { k: number; hybridRequested: boolean; hybrid: boolean; note: string | null } {
  const k = plan.retrieval?.k ?? RETRIEVAL_K;
  const requested = plan.retrieval?.hybrid ?? false;
  if (plan.drafter === 'template') {
    const note = requested
      ? `Variant "${variant}" asks for hybrid retrieval, but template variants retrieve lexically in the extension (embeddings are used only with a model): hybrid was NOT applied in this run.`
      : embeddingModel
        ? '--embedding-model is ignored for a template variant: the extension retrieves lexically for it.'
        : null;
    return { k, hybridRequested: requested, hybrid: false, note };
  }
  // As in the extension: with an embedding model, a model variant retrieves hybrid unless its arm says `hybrid: false`.
  if (!embeddingModel) {
    const note = requested ? `Variant "${variant}" asks for hybrid retrieval, but no --embedding-model NAME was given: this run retrieves lexically (hybrid NOT applied).` : null;
    return { k, hybridRequested: requested, hybrid: false, note };
  }
  if (plan.retrieval?.hybrid === false) {
    return { k, hybridRequested: false, hybrid: false, note: `Variant "${variant}" sets hybrid: false, so --embedding-model is not used: this run retrieves lexically.` };
  }
  return { k, hybridRequested: true, hybrid: true, note: null };
}

function concurrencyOf(value: string | undefined): number {
  const n = Number(value ?? '2');
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError(`--concurrency must be a whole number from 1 to 32, not "${value}".`);
  return n;
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
  const columns: [keyof SetMetrics, string, number][] = result.model ? [...METRIC_COLUMNS, ['fallbackRate', 'fallback', 3]] : METRIC_COLUMNS;
  const rows: string[][] = [['slice', ...columns.map(([, label]) => label)]];
  const cells = (m: SetMetrics) =>
    columns.map(([key, , digits]) => {
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
        'base-url': { type: 'string' },
        model: { type: 'string' },
        'output-mode': { type: 'string' },
        'embedding-model': { type: 'string' },
        concurrency: { type: 'string' },
        'price-in': { type: 'string' },
        'price-out': { type: 'string' },
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
    const plan = resolveVariant(variant, values.pilot);
    const concurrency = concurrencyOf(values.concurrency);
    const settings =
      plan.drafter === 'model'
        ? modelSettings(variant, plan, {
            baseUrl: values['base-url'],
            model: values.model,
            outputMode: values['output-mode'],
            embeddingModel: values['embedding-model'],
            priceIn: values['price-in'],
            priceOut: values['price-out'],
          })
        : null;
    if (!settings && (values['base-url'] || values.model)) io.err(`Note: --base-url and --model are ignored: variant "${variant}" drafts from templates.`);
    const retrievalSetting = retrievalPlan(variant, plan, values['embedding-model']);
    if (retrievalSetting.note) io.err(`Note: ${retrievalSetting.note}`);
    const { retriever, chunks } = buildRetriever(kb.docs);
    let drafter: EvalDrafter = makeTemplateDrafter({ k: retrievalSetting.k });
    let model: ModelSetting | null = null;
    if (settings) {
      const client = createClient(settings);
      let hybrid: { embedder: Embedder; index: VectorIndex } | undefined;
      if (retrievalSetting.hybrid) {
        const embedder = createEmbedder(settings);
        try {
          hybrid = { embedder, index: await embedKb(embedder, chunks) };
        } catch (error) {
          const why = error instanceof EmbeddingError ? error.message : String(error);
          io.err(`The knowledge base could not be embedded with ${embedder.model} (${why}). Without its vectors this run would not measure hybrid retrieval; fix the embeddings endpoint, or leave out --embedding-model to evaluate lexical retrieval.`);
          return 1;
        }
      }
      drafter = makeModelDrafter({ settings, client, k: retrievalSetting.k, ...(hybrid ? { hybrid } : {}) });
      model = {
        name: settings.model,
        host: new URL(settings.baseUrl).host,
        outputMode: settings.outputMode ?? 'json-schema',
        priceInPerMillion: settings.priceInPerMillion,
        priceOutPerMillion: settings.priceOutPerMillion,
      };
    }
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
      concurrency: settings ? concurrency : 1,
      retrieval: { ...retrievalSetting, embeddingModel: retrievalSetting.hybrid ? (values['embedding-model'] ?? null) : null },
      model,
    });
    const lexicalFallbacks = retrievalSetting.hybrid ? result.tickets.filter((t) => t.modelAttempted && t.retrieval !== 'hybrid').length : 0;
    if (lexicalFallbacks > 0) io.err(`Note: the query of ${lexicalFallbacks} ticket(s) could not be embedded; they were retrieved lexically (see each ticket's "retrieval").`);
    const o = result.overall;
    if (settings && o.modelAttempts > 0 && o.fallbackRate !== null && o.fallbackRate > 0) {
      const kinds = Object.entries(o.fallbacks).map(([k, n]) => `${k} ×${n}`).join(', ');
      const example = result.tickets.find((t) => t.fallbackMessage)?.fallbackMessage;
      io.err(`Note: ${Object.values(o.fallbacks).reduce((a, b) => a + b, 0)} of ${o.modelAttempts} model drafts failed and the template draft was scored in their place (${kinds})${example ? `. First error: ${example.replace(/\.$/, '')}` : ''}.`);
    }
    const allFailed = settings !== null && o.modelAttempts > 0 && o.fallbackRate === 1;
    if (allFailed) io.err(`Every model draft failed, so these numbers are the template's, not ${settings.model}'s. Check --base-url, --model and OPENAI_API_KEY, then run again.`);
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
      const r = result.retrieval;
      const how = r ? `retrieval k=${r.k}, ${r.hybrid ? `hybrid (${r.embeddingModel ?? '?'})` : r.hybridRequested ? 'lexical (hybrid NOT applied)' : 'lexical'}` : '';
      if (model) {
        io.out(
          `model ${model.name} at ${model.host} (${model.outputMode}) · ${how} · ${o.modelAttempts} model drafts, fallback ${o.fallbackRate === null ? '–' : o.fallbackRate.toFixed(3)} · tokens ${o.tokensIn} in / ${o.tokensOut} out · $${o.costUsd.toFixed(5)}`,
        );
      } else if (r) io.out(`template drafter · ${how}`);
      for (const line of table(result)) io.out(line);
      const weak = result.tickets.filter((t) => (t.citationPrecision ?? 1) < 1 || (t.recallAt5 ?? 1) < 1);
      if (weak.length > 0) io.out(`Below target: ${weak.map((t) => t.id).join(', ')} (run with --json for each ticket's scores).`);
      if (gateResult) {
        io.out(gateResult.pass ? `Gate PASSED against ${values.baseline}.` : `Gate FAILED against ${values.baseline}:`);
        for (const f of gateResult.failures) io.out(`  - ${f}`);
      }
    }
    return (gateResult && !gateResult.pass) || allFailed ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
