import { describe, expect, it } from 'vitest';
import { distance } from 'fastest-levenshtein';
import { levenshtein as bitVectorDistance } from '../../lib/feedback/edit-distance';
import { editRatio, normalizeForEditRatio } from '../../lib/feedback/edit-ratio';
import { seededRandom as prng } from '../../scripts/bench-corpus';

/** Textbook two-row dynamic-programming Levenshtein over characters (code points). */
function levenshtein(textA: string, textB: string): number {
  const a = Array.from(textA);
  const b = Array.from(textB);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function referenceRatio(draft: string, sent: string): number {
  const a = draft.replace(/\s+/g, ' ').trim();
  const b = sent.replace(/\s+/g, ' ').trim();
  const longer = Math.max(Array.from(a).length, Array.from(b).length);
  return longer === 0 ? 0 : levenshtein(a, b) / longer;
}


// Letters, whitespace of several kinds, punctuation, accents, umlauts, CJK and a few astral symbols.
const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEF0123456789',
  ...'     \n\t',
  ...'.,!?-–’"',
  ...'éèàçñäöüßÄÖÜ',
  ...'日本語注文返金',
  '😀',
  '👍',
  '🚚',
];

function randomString(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? 'x';
  return out;
}

/** A copy of `text` with a few random insertions, deletions and substitutions, as an agent's edit. */
function mutate(random: () => number, text: string): string {
  const chars = [...text];
  const edits = Math.floor(random() * Math.max(1, chars.length / 4));
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (chars.length + 1));
    const op = random();
    const char = ALPHABET[Math.floor(random() * ALPHABET.length)] ?? 'x';
    if (op < 0.34) chars.splice(at, 0, char);
    else if (op < 0.67) chars.splice(at, 1);
    else chars.splice(at, 1, char);
  }
  return chars.join('');
}

describe('normalizeForEditRatio', () => {
  it.each([
    ['  Hi   there  ', 'Hi there'],
    ['Hi\n\nthere,\r\n\tthanks', 'Hi there, thanks'],
    ['\u00a0nbsp\u00a0inside\u00a0', 'nbsp inside'],
    ['', ''],
    [' \n\t ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForEditRatio(input)).toBe(expected);
  });
});

describe('editRatio', () => {
  it.each([
    ['identical', 'Hi Dana, your refund is on its way.', 'Hi Dana, your refund is on its way.', 0],
    ['whitespace runs', 'Hi Dana,\n\nyour refund   is on its way.', 'Hi Dana, your refund is on its way.', 0],
    ['leading and trailing whitespace', '\n  Thanks!  \n', 'Thanks!', 0],
    ['tabs and CRLF', 'One\ttwo\r\nthree', 'One two three', 0],
    ['both empty', '', '', 0],
    ['both whitespace only', '   \n', '\t', 0],
    ['draft empty', '', 'abc', 1],
    ['sent empty', 'abcd', '', 1],
    ['kitten → sitting', 'kitten', 'sitting', 3 / 7],
    ['flaw → lawn', 'flaw', 'lawn', 2 / 4],
    ['one added character', 'Hello world', 'Hello world!', 1 / 12],
    ['one substituted character', 'Thanks Dana', 'Thanks Dina', 1 / 11],
    ['a deleted word', 'We will refund you today', 'We will refund you', 6 / 24],
    ['same letters, no position shared', 'abab', 'baba', 2 / 4],
    ['nothing in common', 'aaaaaaaaaa', 'bbbbbbbbbb', 1],
    ['umlauts count as one character', 'Grüße', 'Grüsse', 2 / 6],
  ])('%s', (_label, draft, sent, expected) => {
    expect(editRatio(draft, sent)).toBeCloseTo(expected, 12);
  });

  it('is near 1 for two unrelated replies of similar length', () => {
    const ratio = editRatio(
      'Your parcel was handed to the carrier yesterday and should arrive on Friday.',
      'Wir haben Ihr Passwort zurückgesetzt; bitte prüfen Sie Ihren Spam-Ordner.',
    );
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it('grows with the size of the edit', () => {
    const draft = 'Hi Dana, thanks for waiting. Your replacement ships today and arrives within three working days.';
    const light = draft.replace('today', 'tomorrow');
    const heavy = 'Hi Dana, sorry: the replacement is out of stock. We have refunded you instead.';
    expect(editRatio(draft, light)).toBeGreaterThan(0);
    expect(editRatio(draft, light)).toBeLessThan(0.1);
    expect(editRatio(draft, heavy)).toBeGreaterThan(0.5);
  });

  it('agrees with a straightforward DP Levenshtein on 200 seeded random pairs', () => {
    const random = prng(20250303);
    let related = 0;
    for (let i = 0; i < 200; i++) {
      const a = randomString(random, Math.floor(random() * 301));
      const b = random() < 0.6 ? mutate(random, a) : randomString(random, Math.floor(random() * 301));
      if (b.length > 0 && a.length > 0 && referenceRatio(a, b) < 0.5) related += 1;
      const ratio = editRatio(a, b);
      expect(ratio, `pair ${i}: ${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBeCloseTo(referenceRatio(a, b), 12);
      expect(ratio).toBeGreaterThanOrEqual(0);
      expect(ratio).toBeLessThanOrEqual(1);
      expect(editRatio(b, a)).toBeCloseTo(ratio, 12);
    }
    // The table mixes light edits with unrelated pairs, so both ends of the scale are exercised.
    expect(related).toBeGreaterThan(40);
  });

  it('agrees with the DP reference on pairs longer than one machine word (beyond 32 and 64 characters)', () => {
    const random = prng(99);
    for (const length of [31, 32, 33, 63, 64, 65, 127, 128, 129, 300]) {
      const a = randomString(random, length);
      const b = mutate(random, a);
      expect(editRatio(a, b), `length ${length}`).toBeCloseTo(referenceRatio(a, b), 12);
    }
  });

  it('handles a 10,000-character pair', () => {
    const random = prng(10_000);
    const a = randomString(random, 10_000);
    const b = mutate(random, a);
    const ratio = editRatio(a, b);
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(editRatio(a, a)).toBe(0);
  });

  // The design counts characters: an emoji is one character, not two UTF-16 code units.
  it('counts an emoji as one character', () => {
    expect(editRatio('😀', '😁')).toBe(1);
  });
});

describe('levenshtein (block bit-vector)', () => {
  it('agrees with fastest-levenshtein on long pairs across block boundaries, with shared prefixes and suffixes', () => {
    const random = prng(4242);
    for (let i = 0; i < 60; i++) {
      const length = Math.floor(random() * 3000);
      const core = randomString(random, length);
      const a = `${i % 3 === 0 ? 'Hello Dana, ' : ''}${core}${i % 2 === 0 ? ' Best, Sam' : ''}`;
      const b = random() < 0.7 ? mutate(random, a) : randomString(random, Math.floor(random() * 3000));
      expect(bitVectorDistance(a, b), `pair ${i} (${a.length} × ${b.length})`).toBe(distance(a, b));
      expect(bitVectorDistance(b, a)).toBe(distance(a, b));
    }
  });

  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['same', 'same', 0],
    ['a'.repeat(64), 'b'.repeat(64), 64],
    ['x'.repeat(33), 'x'.repeat(32), 1],
  ])('%j / %j → %i', (a, b, expected) => {
    expect(bitVectorDistance(a, b)).toBe(expected);
  });
});
