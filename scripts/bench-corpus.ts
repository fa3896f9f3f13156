import type { KbDoc } from '../lib/kb/schema';

/** Mulberry32: a small seeded generator, so every run builds the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The large benchmark corpus: the real documents plus distractors, each 150–400 words drawn (seeded)
 * from the multiset of all words of the real documents, so word frequencies follow theirs. The
 * first 8 words of a distractor are its title.
 */
export function withDistractors(docs: readonly KbDoc[], total: number, seed = 20261127): KbDoc[] {
  const words = docs.flatMap((d) => `${d.title} ${d.body}`.split(/\s+/).filter(Boolean));
  if (words.length === 0) return [...docs];
  const random = seededRandom(seed);
  const out: KbDoc[] = [...docs];
  for (let i = 0; out.length < total; i++) {
    const length = 150 + Math.floor(random() * 251);
    const drawn: string[] = [];
    for (let w = 0; w < length; w++) drawn.push(words[Math.floor(random() * words.length)] ?? '');
    out.push({ id: `distractor-${String(i).padStart(5, '0')}`, title: drawn.slice(0, 8).join(' '), body: drawn.slice(8).join(' '), kind: 'article' });
  }
  return out;
}
