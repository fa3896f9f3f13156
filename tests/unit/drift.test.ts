import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDrift, jensenShannon, ksTwoSample, type DriftWindow } from '../../lib/pilot/drift';
import { evalDrift } from '../../scripts/eval-drift';

/** A small deterministic generator so the synthetic streams are the same on every run. */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 48_271) + 11) % 2_147_483_647;
    return Math.abs(s) / 2_147_483_647;
  };
}

const TOPICS: Record<string, { words: string[]; score: [number, number] }> = {
  delivery: { words: ['parcel', 'tracking', 'delivery', 'courier', 'arrived', 'late', 'dispatch', 'neighbour'], score: [0.55, 0.9] },
  returns: { words: ['return', 'refund', 'label', 'packaging', 'unused', 'money', 'back', 'exchange'], score: [0.5, 0.85] },
  login: { words: ['password', 'login', 'locked', 'reset', 'email', 'account', 'link', 'sign'], score: [0.6, 0.95] },
  billing: { words: ['charged', 'twice', 'payment', 'card', 'bank', 'pending', 'invoice', 'amount'], score: [0.5, 0.9] },
  // What starts arriving after a new product launch: nothing in the KB covers it.
  subscription: { words: ['subscription', 'renewal', 'plan', 'upgrade', 'monthly', 'cancel', 'trial', 'tier'], score: [0.05, 0.35] },
};
const FILLER = ['hello', 'please', 'thanks', 'order', 'help', 'today', 'week', 'soon', 'still', 'need'];

function stream(seed: number, n: number, mix: Record<string, number>): DriftWindow {
  const random = generator(seed);
  const topics = Object.entries(mix);
  const total = topics.reduce((s, [, w]) => s + w, 0);
  const texts: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = random() * total;
    const [name] = topics.find(([, w]) => (u -= w) < 0) ?? topics[topics.length - 1] ?? ['delivery', 1];
    const topic = TOPICS[name] ?? TOPICS.delivery;
    if (!topic) throw new Error('no topic');
    const chosen = Array.from({ length: 5 }, () => topic.words[Math.floor(random() * topic.words.length)] ?? '');
    const filler = Array.from({ length: 4 }, () => FILLER[Math.floor(random() * FILLER.length)] ?? '');
    texts.push([...chosen, ...filler].sort(() => random() - 0.5).join(' '));
    scores.push(topic.score[0] + random() * (topic.score[1] - topic.score[0]));
  }
  return { texts, scores };
}

const BASE_MIX = { delivery: 4, returns: 3, login: 2, billing: 1 };

describe('drift statistics', () => {
  it('Jensen–Shannon divergence: 0 for equal, 1 for disjoint distributions', () => {
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 12);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
    // p = (½, ½), q = (1, 0): m = (¾, ¼); JS = ½·[½log₂(⅔) + ½log₂(2)] + ½·log₂(4/3) = 0.311278.
    expect(jensenShannon([1, 1], [1, 0])).toBeCloseTo(0.3112781244591328, 12);
  });

  it('Kolmogorov–Smirnov D is the largest gap between the empirical CDFs', () => {
    expect(ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6])?.d).toBeCloseTo(0.5, 12);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3])?.pValue).toBe(1);
    expect(ksTwoSample([], [1])).toBeNull();
    const far = ksTwoSample(
      Array.from({ length: 100 }, (_, i) => i / 100),
      Array.from({ length: 100 }, (_, i) => 0.5 + i / 100),
    );
    expect(far?.pValue).toBeLessThan(1e-6);
  });
});

describe('detectDrift', () => {
  it('stays quiet on an unshifted stream', () => {
    for (const seed of [11, 23, 47]) {
      const report = detectDrift(stream(seed, 300, BASE_MIX), stream(seed * 7 + 1, 150, BASE_MIX));
      expect(report.drift, report.warning ?? '').toBe(false);
      expect(report.warning).toBeNull();
      expect(report.terms.pValue).toBeGreaterThan(0.01);
    }
  });

  it('fires on a shifted stream and names the terms that grew', () => {
    const report = detectDrift(stream(11, 300, BASE_MIX), stream(99, 150, { ...BASE_MIX, subscription: 5 }));
    expect(report.drift).toBe(true);
    expect(report.terms.drifted).toBe(true);
    expect(report.terms.divergence).toBeGreaterThan(report.terms.chanceDivergence + 0.02);
    const grown = report.terms.grown.map((g) => g.term);
    expect(grown.length).toBeGreaterThanOrEqual(3);
    for (const term of grown) expect(TOPICS.subscription?.words).toContain(term);
    expect(report.scores.drifted).toBe(true);
    expect(report.warning).toMatch(/more tickets mention “/);
    expect(report.warning).toMatch(/Retrieval scores fell/);
  });

  it('flags a fall in retrieval scores even when the words stay the same', () => {
    const reference = stream(5, 200, BASE_MIX);
    const recent = stream(6, 120, BASE_MIX);
    const worse = { texts: recent.texts, scores: recent.scores.map((s) => s * 0.5) };
    const report = detectDrift(reference, worse);
    expect(report.terms.drifted).toBe(false);
    expect(report.scores.drifted).toBe(true);
    // Better scores are not a warning.
    expect(detectDrift(reference, { texts: recent.texts, scores: recent.scores.map((s) => Math.min(1, s * 1.4)) }).drift).toBe(false);
  });

  it('does not cry wolf on tiny windows', () => {
    // Four recent tickets about something new are an anecdote, not drift.
    const report = detectDrift(stream(3, 60, BASE_MIX), stream(4, 4, { subscription: 1 }));
    expect(report.tooFew).toBe(true);
    expect(report.drift).toBe(false);
    expect(report.warning).toBeNull();
    expect(report.terms.grown.length).toBeGreaterThan(0);
    expect(detectDrift({ texts: [], scores: [] }, stream(4, 10, BASE_MIX)).drift).toBe(false);
  });
});

describe('npm run eval -- drift', () => {
  it('reads ticket JSON Lines, scores them against the KB and exits 1 on drift', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-'));
    try {
      const lines = (w: DriftWindow) => w.texts.map((text, i) => JSON.stringify({ id: `t${i}`, messages: [{ role: 'customer', text }] })).join('\n');
      writeFileSync(join(dir, 'ref.jsonl'), lines(stream(11, 120, BASE_MIX)));
      writeFileSync(join(dir, 'same.jsonl'), lines(stream(12, 80, BASE_MIX)));
      writeFileSync(join(dir, 'shifted.jsonl'), `${lines(stream(13, 80, { ...BASE_MIX, subscription: 6 }))}\nnot json`);
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const kb = 'public/kb/sample-kb.jsonl';
      expect(evalDrift(['--reference', join(dir, 'ref.jsonl'), '--recent', join(dir, 'same.jsonl'), '--kb', kb], io)).toBe(0);
      expect(out.at(-1)).toBe('No drift.');
      out.length = 0;
      expect(evalDrift(['--reference', join(dir, 'ref.jsonl'), '--recent', join(dir, 'shifted.jsonl'), '--kb', kb, '--json'], io)).toBe(1);
      const report = JSON.parse(out[0] ?? '{}');
      expect(report.terms.drifted).toBe(true);
      expect(report.warning).toContain('subscription');
      expect(err.join('\n')).toMatch(/shifted\.jsonl:81: not valid JSON \(line skipped\)/);
      expect(evalDrift(['--reference', join(dir, 'ref.jsonl')], io)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
