import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkLock, parseEvalSet, runEvalSet, setChecksum, templateDrafter, type EvalSetResult } from '../../lib/eval/eval-set';
import { gate } from '../../lib/eval/gate';
import { groundedness, lcsLength, rougeL } from '../../lib/eval/text-metrics';
import { buildRetriever } from '../../lib/kb/build';
import { parseKbJsonl } from '../../lib/kb/jsonl';
import type { KbDoc } from '../../lib/kb/schema';
import { evalLock, evalSet, lockPathOf } from '../../scripts/eval-set';

const SET = 'evals/demo-shop.jsonl';
const KB = 'public/kb/sample-kb.jsonl';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

/** A clock that advances 5 ms per reading: latency is then the same on every run. */
function fakeClock(): () => number {
  let t = 0;
  return () => (t += 5);
}

async function run(docs: readonly KbDoc[], text = readFileSync(SET, 'utf8')): Promise<EvalSetResult> {
  const { retriever, chunks } = buildRetriever(docs);
  return runEvalSet({
    setName: 'demo-shop.jsonl',
    sha256: await setChecksum(text),
    tickets: parseEvalSet(text).tickets,
    retriever,
    chunks: new Map(chunks.map((c) => [c.chunkId, c])),
    kbDocs: docs.length,
    drafter: templateDrafter,
    now: fakeClock(),
  });
}

describe('text metrics', () => {
  it('ROUGE-L matches the textbook example', () => {
    // Lin (2004): reference "police killed the gunman"; "police kill the gunman" shares 3 of 4 words in order.
    expect(rougeL('police kill the gunman', 'police killed the gunman').f1).toBeCloseTo(0.75, 12);
    // "the gunman kill police": the longest in-order match is "the gunman".
    expect(rougeL('the gunman kill police', 'police killed the gunman').f1).toBeCloseTo(0.5, 12);
    expect(rougeL('', 'anything').f1).toBe(0);
    expect(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a'])).toBe(4);
  });

  it('groundedness counts supported sentences and skips short ones', () => {
    const sources = ['Refunds reach your original payment method within 5 working days of the return arriving.'];
    const g = groundedness(
      'Hi Ana,\n\nRefunds reach your original payment method within 5 working days [1]. We also give every customer a free espresso machine with lifetime warranty.\n\nBest wishes,\nSam',
      sources,
      'Where is my refund? Ana',
      'en',
    );
    expect(g.claims).toBe(2);
    expect(g.grounded).toBe(1);
    expect(g.ungrounded[0]).toContain('espresso');
  });
});

describe('locked eval set', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'evalset-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the shipped set reads cleanly and matches its lock', async () => {
    const text = readFileSync(SET, 'utf8');
    expect(parseEvalSet(text).errors).toEqual([]);
    const check = await checkLock(SET, text, lockPathOf(SET), readFileSync(lockPathOf(SET), 'utf8'));
    expect(check.ok).toBe(true);
  });

  it('a tampered set fails until the lock is updated on purpose', async () => {
    const set = join(dir, 'demo.jsonl');
    copyFileSync(SET, set);
    expect(await evalLock([set], io().io)).toBe(0);
    const clean = io();
    expect(await evalSet([set, '--kb', KB], clean.io)).toBe(0);

    // Change one expected document id: the kind of quiet edit that makes a set easier to pass.
    const text = readFileSync(set, 'utf8');
    writeFileSync(set, text.replace('"expectedDocIds": ["mac-missing-parcel", "art-missing-parcel"]', '"expectedDocIds": ["mac-late-parcel-wait", "art-missing-parcel"]'));
    expect(readFileSync(set, 'utf8')).not.toBe(text);
    const tampered = io();
    expect(await evalSet([set, '--kb', KB], tampered.io)).toBe(1);
    expect(tampered.err.join('\n')).toMatch(/no longer matches its lock/);
    expect(tampered.out).toEqual([]);

    const relocked = io();
    expect(await evalSet([set, '--kb', KB, '--update-lock'], relocked.io)).toBe(0);
    expect(relocked.out.join('\n')).toMatch(/Locked .*demo\.jsonl/);

    // A set without any lock fails too.
    rmSync(lockPathOf(set));
    const unlocked = io();
    expect(await evalSet([set, '--kb', KB], unlocked.io)).toBe(1);
    expect(unlocked.err.join('\n')).toMatch(/is not locked/);
  });

  it('the gate passes on the baseline itself and fails on a planted regression', async () => {
    const docs = parseKbJsonl(readFileSync(KB, 'utf8')).docs;
    const baseline = await run(docs);
    expect(baseline.overall.tickets).toBe(14);
    expect(baseline.overall.recallAt5).toBeGreaterThan(0.8);
    expect(Object.keys(baseline.slices).sort()).toEqual(['channel', 'language', 'topic']);
    expect(baseline.slices.language?.de?.tickets).toBe(2);

    expect(gate(baseline, baseline).pass).toBe(true);
    const again = await run(docs);
    expect(gate(again, baseline).pass).toBe(true);

    // Planted regression: the password articles and macro vanish from the KB.
    const regressed = await run(docs.filter((d) => !d.id.includes('password-reset')));
    const result = gate(regressed, baseline);
    expect(result.pass).toBe(false);
    expect(result.failures.join(' ')).toMatch(/recallAt5 dropped/);

    // A baseline from another version of the set is refused, not compared.
    const other = gate(baseline, { ...baseline, sha256: '0'.repeat(64) });
    expect(other.pass).toBe(false);
    expect(other.failures[0]).toMatch(/another version of the set/);
  });

  it('the CLI gate exits 1 on a regression and 2 on a file that is not a result', async () => {
    const set = join(dir, 'demo.jsonl');
    copyFileSync(SET, set);
    await evalLock([set], io().io);
    const first = io();
    expect(await evalSet([set, '--kb', KB, '--json'], first.io)).toBe(0);
    const baselinePath = join(dir, 'baseline.json');
    writeFileSync(baselinePath, first.out[0] ?? '');
    const parsed: EvalSetResult = JSON.parse(first.out[0] ?? '{}');
    expect(parsed.overall.recallAt5).not.toBeNull();

    // The baseline with better numbers than today stands in for a regression.
    const better = { ...parsed, overall: { ...parsed.overall, citationPrecision: Math.min(1, (parsed.overall.citationPrecision ?? 0) + 0.1) } };
    const betterPath = join(dir, 'better.json');
    writeFileSync(betterPath, JSON.stringify(better));
    const failing = io();
    expect(await evalSet([set, '--kb', KB, '--baseline', betterPath], failing.io)).toBe(1);
    expect(failing.out.join('\n')).toMatch(/Gate FAILED[\s\S]*citationPrecision dropped/);

    const bad = io();
    writeFileSync(join(dir, 'junk.json'), '{"hello": 1}');
    expect(await evalSet([set, '--kb', KB, '--baseline', join(dir, 'junk.json')], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/not an eval-set result/);

    const model = io();
    expect(await evalSet([set, '--kb', KB, '--variant', 'model'], model.io)).toBe(2);
    expect(model.err.join('\n')).toMatch(/model drafter/);
  });
});
