/**
 * `npm run eval -- drift --reference R.jsonl --recent N.jsonl --kb KB.jsonl [--json]`
 *
 * Compares recent tickets with a reference window: their term distribution (Jensen–Shannon
 * divergence) and how well the knowledge base covers them (the best passage's coverage per ticket,
 * two-sample Kolmogorov–Smirnov). Exit 0 when nothing drifted, 1 on drift, 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ticketLanguage, ticketQueryText } from '../lib/drafting/ticket-query';
import { parseTicketLines, ticketFromLine } from '../lib/eval/ticket-lines';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import { detectDrift, type DriftWindow } from '../lib/pilot/drift';
import type { Retriever } from '../lib/retrieval/retriever';
import type { CliIo } from './eval-set';

export const DRIFT_USAGE = 'Usage: npm run eval -- drift --reference R.jsonl --recent N.jsonl --kb KB.jsonl [--json]';

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

function read(path: string, what: string, io: CliIo): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    io.err(`Cannot read the ${what} file "${path}". Check the path.`);
    return null;
  }
}

/** Ticket texts and the best passage's coverage for each ticket of a JSON Lines file. */
function windowOf(path: string, text: string, retriever: Retriever, io: CliIo): DriftWindow {
  const lines = parseTicketLines(text);
  for (const e of lines.errors) io.err(`${path}:${e.line}: ${e.message} (line skipped)`);
  const texts: string[] = [];
  const scores: number[] = [];
  for (const line of lines.tickets) {
    const ticket = ticketFromLine(line);
    const query = ticketQueryText(ticket);
    texts.push(query);
    scores.push(retriever.retrieve({ text: query, language: ticketLanguage(ticket) }, 1)[0]?.coverage ?? 0);
  }
  return { texts, scores };
}

export function evalDrift(argv: readonly string[], io: CliIo = consoleIo): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { reference: { type: 'string' }, recent: { type: 'string' }, kb: { type: 'string' }, json: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${DRIFT_USAGE}`);
    return 2;
  }
  if (!values.reference || !values.recent || !values.kb) {
    io.err(DRIFT_USAGE);
    return 2;
  }
  const kbText = read(values.kb, 'knowledge base', io);
  const refText = read(values.reference, 'reference tickets', io);
  const recentText = read(values.recent, 'recent tickets', io);
  if (kbText === null || refText === null || recentText === null) return 2;
  const kb = parseKbJsonl(kbText);
  for (const e of kb.errors) io.err(`${values.kb}:${e.line}: ${e.message} (line skipped)`);
  if (kb.docs.length === 0) {
    io.err(`${values.kb} has no valid documents.`);
    return 2;
  }
  const { retriever } = buildRetriever(kb.docs);
  const reference = windowOf(values.reference, refText, retriever, io);
  const recent = windowOf(values.recent, recentText, retriever, io);
  if (reference.texts.length === 0 || recent.texts.length === 0) {
    io.err(`Both windows need tickets: ${values.reference} has ${reference.texts.length}, ${values.recent} has ${recent.texts.length}.`);
    return 2;
  }
  const report = detectDrift(reference, recent);
  if (values.json) {
    io.out(JSON.stringify(report));
  } else {
    io.out(`reference ${report.reference.tickets} tickets, recent ${report.recent.tickets} tickets`);
    io.out(
      `terms: Jensen–Shannon ${report.terms.divergence.toFixed(3)} (chance ${report.terms.chanceDivergence.toFixed(3)}, p = ${report.terms.pValue.toFixed(3)})${report.terms.drifted ? ' DRIFT' : ''}`,
    );
    if (report.terms.grown.length > 0) {
      io.out(`grew: ${report.terms.grown.map((g) => `${g.term} ${(100 * g.referenceShare).toFixed(0)}% → ${(100 * g.recentShare).toFixed(0)}%`).join(', ')}`);
    }
    io.out(
      `retrieval coverage: median ${report.scores.referenceMedian?.toFixed(2) ?? '–'} → ${report.scores.recentMedian?.toFixed(2) ?? '–'} (KS D ${report.scores.ks?.toFixed(3) ?? '–'}, p = ${report.scores.pValue?.toExponential(1) ?? '–'})${report.scores.drifted ? ' DRIFT' : ''}`,
    );
    if (report.tooFew) io.out('Too few tickets in a window (fewer than 20) to judge drift; no warning is given.');
    io.out(report.warning ?? 'No drift.');
  }
  return report.drift ? 1 : 0;
}
