/**
 * `npm run redact -- [--json] [--name "Emma Clarke"]... [--disable PHONE,ADDRESS]`
 *
 * Masks personal data and removes secrets with the same guard the extension runs before any
 * network call. Reads JSON Lines `{"id","text"}` on stdin; for each line writes
 * `{"id","masked","entities":[{"type","start","end"}]}` (offsets into the original text) with
 * --json, or a readable block without it. Each line is its own record: placeholders are numbered
 * per line. Names signed at the end of a text ("Thanks,\nEmma") are masked too. A bad line is reported on stderr with its line number and skipped; the exit code is 1
 * at the end if any line was bad.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { namesFromSignature } from '../lib/guard/detectors/person';
import { isEntityType, type EntityType } from '../lib/guard/entities';
import { maskText, type MaskedEntity } from '../lib/guard/mask';

const USAGE = `Usage: npm run redact -- [--json] [--name NAME]... [--disable TYPE,TYPE]
Reads JSON Lines {"id","text"} on stdin and writes the masked text per line.
  --json         one JSON object per line: {"id","masked","entities":[{"type","start","end"}]}
  --name NAME    a person's name to mask (with first and last name); repeatable
  --disable T,T  leave these types readable: EMAIL, PHONE, CARD, IBAN, NATIONAL_ID, IP, ADDRESS, PERSON
                 (secrets are always removed)`;

const LineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
});

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the line does not have the expected shape';
  const field = issue.path.join('.');
  return field ? `"${field}": ${issue.message}` : issue.message;
}

function readable(id: string | number, masked: string, entities: MaskedEntity[]): string {
  const body = masked
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  const found = entities.length ? entities.map((e) => `${e.type} ${e.start}-${e.end}`).join(', ') : 'nothing found';
  return `[${id}]\n${body}\n  → ${found}\n`;
}

async function main(): Promise<number> {
  let values: { json: boolean; name: string[]; disable?: string | undefined; help: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        json: { type: 'boolean', default: false },
        name: { type: 'string', multiple: true, default: [] },
        disable: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const disabled: EntityType[] = [];
  for (const raw of (values.disable ?? '').split(',').map((t) => t.trim().toUpperCase()).filter(Boolean)) {
    if (!isEntityType(raw)) {
      console.error(`Unknown type "${raw}" in --disable.\n${USAGE}`);
      return 2;
    }
    if (raw === 'SECRET') console.error('Secrets are always removed; --disable SECRET is ignored.');
    else disabled.push(raw);
  }

  let bad = 0;
  let lineNo = 0;
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of input) {
    lineNo += 1;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      console.error(`line ${lineNo}: not valid JSON (skipped)`);
      bad += 1;
      continue;
    }
    const parsed = LineSchema.safeParse(json);
    if (!parsed.success) {
      console.error(`line ${lineNo}: expected {"id","text"}; ${describeIssue(parsed.error)} (skipped)`);
      bad += 1;
      continue;
    }
    const { id, text } = parsed.data;
    const names = [...values.name, ...namesFromSignature(text)];
    const { masked, entities } = maskText(text, { disabled, names });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ id, masked, entities: entities.map((e) => ({ type: e.type, start: e.start, end: e.end })) })}\n`);
    } else {
      process.stdout.write(readable(id, masked, entities));
    }
  }
  if (bad > 0) {
    console.error(`${bad} line${bad === 1 ? ' was' : 's were'} skipped; fix ${bad === 1 ? 'it' : 'them'} and run again.`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
