/**
 * `tsx scripts/eval-pii.ts [--file PATH] [--json] [--misses]`
 *
 * Measures PII masking against a labelled set in the presidio-research format: a JSON array of
 * `{full_text, spans: [{entity_type, entity_value, start_position, end_position}]}`. Runs the same
 * `maskText` the extension uses (no names given: these sentences have no requester) and reports,
 * per type, the gold count, recall (a gold span is found when a masked entity of the same type
 * overlaps it) and precision (a masked entity is right when it overlaps a gold span of its type).
 * `--misses` also lists every missed gold span and every wrong finding (for tuning detectors).
 * Exit 0 when the targets are met, 1 when not, 2 when the file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { EntityType } from '../lib/guard/entities';
import { maskText } from '../lib/guard/mask';

const DEFAULT_FILE = '../shared/data/pii/presidio_generated_large.json';

/**
 * Every label of the data set, mapped explicitly. `null` = not personal data the guard masks
 * (organisations, dates, job titles, honorifics, web domains).
 */
const LABELS: Readonly<Record<string, EntityType | null>> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'NATIONAL_ID',
  // An identity document number; the guard masks it when it is labelled ("driver's license number is …").
  US_DRIVER_LICENSE: 'NATIONAL_ID',
  IP_ADDRESS: 'IP',
  PERSON: 'PERSON',
  ADDRESS: 'ADDRESS',
  STREET_ADDRESS: 'ADDRESS',
  LOCATION: 'ADDRESS',
  ORGANIZATION: null,
  DATE_TIME: null,
  TITLE: null,
  PREFIX: null,
  DOMAIN_NAME: null,
};

/** Recall targets per type; precision is gated over these types together. */
const RECALL_TARGETS: Partial<Record<EntityType, number>> = {
  EMAIL: 0.98,
  CARD: 0.98,
  IBAN: 0.98,
  IP: 0.98,
  PHONE: 0.95,
  NATIONAL_ID: 0.95,
};
const PRECISION_TARGET = 0.95;
const REPORTED: EntityType[] = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'PERSON', 'ADDRESS'];

const SampleSchema = z.object({
  full_text: z.string(),
  spans: z.array(
    z.object({
      entity_type: z.string(),
      entity_value: z.string().optional(),
      start_position: z.number().int().min(0),
      end_position: z.number().int().min(0),
    }),
  ),
});
const DatasetSchema = z.array(SampleSchema);

interface TypeScore {
  count: number;
  found: number;
  predicted: number;
  correct: number;
}

interface Report {
  file: string;
  samples: number;
  types: Record<string, { count: number; recall: number | null; precision: number | null }>;
  ignoredLabels: Record<string, number>;
  unknownLabels: Record<string, number>;
  precisionGated: number | null;
  pass: boolean;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The span in brackets with a little text around it. */
function context(text: string, span: { start: number; end: number }): string {
  return `${text.slice(Math.max(0, span.start - 40), span.start)}[[${text.slice(span.start, span.end)}]]${text.slice(span.end, span.end + 25)}`;
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function evaluate(file: string, data: z.infer<typeof DatasetSchema>, misses: string[] | undefined): Report {
  const scores = new Map<EntityType, TypeScore>();
  const score = (type: EntityType): TypeScore => {
    let s = scores.get(type);
    if (!s) {
      s = { count: 0, found: 0, predicted: 0, correct: 0 };
      scores.set(type, s);
    }
    return s;
  };
  const ignoredLabels: Record<string, number> = {};
  const unknownLabels: Record<string, number> = {};

  for (const sample of data) {
    const gold: { type: EntityType; start: number; end: number }[] = [];
    for (const span of sample.spans) {
      const label = span.entity_type;
      const type = Object.hasOwn(LABELS, label) ? LABELS[label] : undefined;
      if (type === undefined) unknownLabels[label] = (unknownLabels[label] ?? 0) + 1;
      else if (type === null) ignoredLabels[label] = (ignoredLabels[label] ?? 0) + 1;
      else gold.push({ type, start: span.start_position, end: span.end_position });
    }
    const { entities } = maskText(sample.full_text, {});
    for (const g of gold) {
      const s = score(g.type);
      s.count += 1;
      if (entities.some((e) => e.type === g.type && overlaps(e, g))) s.found += 1;
      else misses?.push(`missed ${g.type}: ${JSON.stringify(context(sample.full_text, g))}`);
    }
    for (const e of entities) {
      if (e.type === 'SECRET') continue;
      const s = score(e.type);
      s.predicted += 1;
      if (gold.some((g) => g.type === e.type && overlaps(e, g))) s.correct += 1;
      else misses?.push(`wrong ${e.type}: ${JSON.stringify(context(sample.full_text, e))}`);
    }
  }

  const types: Report['types'] = {};
  let pass = true;
  let gatedPredicted = 0;
  let gatedCorrect = 0;
  for (const type of REPORTED) {
    const s = scores.get(type) ?? { count: 0, found: 0, predicted: 0, correct: 0 };
    const recall = ratio(s.found, s.count);
    types[type] = { count: s.count, recall, precision: ratio(s.correct, s.predicted) };
    const target = RECALL_TARGETS[type];
    if (target !== undefined) {
      gatedPredicted += s.predicted;
      gatedCorrect += s.correct;
      if (recall !== null && recall < target) pass = false;
    }
  }
  const precisionGated = ratio(gatedCorrect, gatedPredicted);
  if (precisionGated !== null && precisionGated < PRECISION_TARGET) pass = false;
  return { file, samples: data.length, types, ignoredLabels, unknownLabels, precisionGated, pass };
}

function fmt(value: number | null): string {
  return value === null ? '   –  ' : value.toFixed(3).padStart(6);
}

function printTable(report: Report): void {
  console.log(`${report.file}: ${report.samples} samples`);
  console.log('type          count  recall  precision  target');
  for (const type of REPORTED) {
    const t = report.types[type];
    if (!t) continue;
    const target = RECALL_TARGETS[type];
    const mark = target === undefined ? 'not gated' : `recall ≥ ${target.toFixed(2)}${t.recall !== null && t.recall < target ? '  MISSED' : ''}`;
    console.log(`${type.padEnd(12)} ${String(t.count).padStart(6)}  ${fmt(t.recall)}  ${fmt(t.precision)}     ${mark}`);
  }
  console.log(`precision over EMAIL, PHONE, CARD, IBAN, NATIONAL_ID, IP: ${fmt(report.precisionGated).trim()} (target ≥ ${PRECISION_TARGET.toFixed(2)})`);
  const ignored = Object.entries(report.ignoredLabels).map(([label, n]) => `${label} ${n}`);
  if (ignored.length) console.log(`not masked by design: ${ignored.join(', ')}`);
  const unknown = Object.entries(report.unknownLabels).map(([label, n]) => `${label} ${n}`);
  if (unknown.length) console.log(`unknown labels (ignored; add them to the label map): ${unknown.join(', ')}`);
  console.log(report.pass ? 'PASS' : 'FAIL: targets missed');
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { file: { type: 'string' }, json: { type: 'boolean', default: false }, misses: { type: 'boolean', default: false } },
  });
  const file = values.file ?? DEFAULT_FILE;
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    fail(`Cannot read the PII data set "${file}". Pass --file PATH to a presidio-style JSON file (see ../shared/data/README.md).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    fail(`"${file}" is not valid JSON.`);
  }
  const parsed = DatasetSchema.safeParse(json);
  if (!parsed.success) fail(`"${file}" is not a presidio-style data set: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}.`);

  const misses: string[] | undefined = values.misses ? [] : undefined;
  const report = evaluate(file, parsed.data, misses);
  for (const line of misses ?? []) console.error(line);
  for (const [label, n] of Object.entries(report.unknownLabels)) console.error(`Warning: label ${label} (${n} spans) is not mapped and was ignored.`);
  if (values.json) {
    console.log(
      JSON.stringify({
        types: report.types,
        precisionGated: report.precisionGated,
        pass: report.pass,
        samples: report.samples,
        ignoredLabels: report.ignoredLabels,
      }),
    );
  } else {
    printTable(report);
  }
  process.exit(report.pass ? 0 : 1);
}

main();
