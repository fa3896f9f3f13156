/**
 * Levenshtein distance between two strings of UTF-16 code units, by Myers' bit-vector algorithm in
 * Hyyrö's block form (one 32-bit word per 32 characters of the shorter string, columns over the
 * longer one). Common prefixes and suffixes are stripped first: an agent's edits usually leave the
 * start and the end of a reply alone. Work is about (n · m / 32) word steps, so two 10,000-character
 * replies take a few milliseconds.
 */

/** Dense symbol ids of the pattern's characters; reset after each call (text-only symbols get 0). */
const symbolOf = new Int32Array(0x10000);

export function levenshtein(a: string, b: string): number {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  // The shorter remainder is the pattern (rows), the longer the text (columns).
  let pattern = a;
  const pStart = start;
  let m = endA - start;
  let text = b;
  let n = endB - start;
  if (m > n) {
    pattern = b;
    text = a;
    m = endB - start;
    n = endA - start;
  }
  if (m === 0) return n;

  const blocks = (m + 31) >>> 5;
  // Symbol 0 never occurs in the pattern; symbols 1… are the pattern's distinct characters.
  let symbols = 1;
  for (let i = 0; i < m; i++) {
    const c = pattern.charCodeAt(pStart + i);
    if (symbolOf[c] === 0) symbolOf[c] = symbols++;
  }
  const peq = new Int32Array(symbols * blocks);
  for (let i = 0; i < m; i++) {
    const s = symbolOf[pattern.charCodeAt(pStart + i)] ?? 0;
    const at = s * blocks + (i >>> 5);
    peq[at] = (peq[at] ?? 0) | (1 << (i & 31));
  }

  // Ukkonen's band: a distance of at most k never leaves the diagonals |row − column| ≤ k, so only
  // the blocks crossing that band are computed. k starts small and doubles until the distance fits.
  let result = -1;
  for (let k = Math.max(64, n - m); result < 0; k *= 2) {
    const d = banded(text, pStart, n, m, blocks, peq, k >= n ? n + m : k);
    if (d <= k || k >= n) result = d;
  }
  for (let i = 0; i < m; i++) symbolOf[pattern.charCodeAt(pStart + i)] = 0;
  return result;
}

/**
 * One pass with band half-width k. Cells above the band are not computed; the first computed block
 * takes +1 as the step of the row above it (the largest a step can be), so every computed value is
 * at least the true one and the values along an optimal path within the band are exact.
 */
function banded(text: string, tStart: number, n: number, m: number, blocks: number, peq: Int32Array, k: number): number {
  const pv = new Int32Array(blocks);
  const mv = new Int32Array(blocks);
  const score = new Int32Array(blocks);
  const last = blocks - 1;
  const lastBit = (m - 1) & 31;
  const rows = (b: number) => (b === last ? m - 32 * b : 32);
  let first = 0;
  let lastActive = Math.min(last, (Math.min(m, k) - 1) >> 5);
  for (let b = 0; b <= lastActive; b++) {
    pv[b] = -1;
    score[b] = (b > 0 ? (score[b - 1] ?? 0) : 0) + rows(b);
  }
  for (let j = 1; j <= n; j++) {
    const needLast = Math.min(last, (Math.min(m, j + k) - 1) >> 5);
    while (lastActive < needLast) {
      lastActive++;
      pv[lastActive] = -1;
      mv[lastActive] = 0;
      score[lastActive] = (score[lastActive - 1] ?? 0) + rows(lastActive);
    }
    const row = (symbolOf[text.charCodeAt(tStart + j - 1)] ?? 0) * blocks;
    let hin = 1;
    for (let b = first; b <= lastActive; b++) {
      let eq = peq[row + b] ?? 0;
      const pvb = pv[b] ?? 0;
      const mvb = mv[b] ?? 0;
      const hinNeg = hin < 0 ? 1 : 0;
      const hinPos = hin > 0 ? 1 : 0;
      const xv = eq | mvb;
      eq |= hinNeg;
      const xh = (((eq & pvb) + pvb) ^ pvb) | eq;
      let ph = mvb | ~(xh | pvb);
      let mh = pvb & xh;
      const bit = b === last ? lastBit : 31;
      score[b] = (score[b] ?? 0) + ((ph >>> bit) & 1) - ((mh >>> bit) & 1);
      // The vertical step leaving the block's bottom row is the next block's carry in.
      hin = (ph >>> 31) - (mh >>> 31);
      ph = (ph << 1) | hinPos;
      mh = (mh << 1) | hinNeg;
      pv[b] = mh | ~(xv | ph);
      mv[b] = ph & xv;
    }
    // A block whose last row is above the band for the next column is done.
    while (first < lastActive && 32 * (first + 1) < j + 1 - k) first++;
  }
  return score[last] ?? 0;
}
