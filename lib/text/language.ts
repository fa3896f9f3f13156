import { scanWords } from './scan';
import { STOPWORDS } from './stopwords';

/** Languages the copilot can guess; each has a stop-word list and a stemmer. */
export const SUPPORTED_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];


/**
 * Guess the language of a text by counting each language's function words, with a few
 * letters as tie-breakers (ä ö ü ß for German). Returns undefined when the text is too short
 * or no language stands out, so callers can fall back to a default instead of guessing wrong.
 */
/** Each function word → the languages it belongs to (bit i = SUPPORTED_LANGUAGES[i]), for one lookup per word. */
let functionWords: Map<string, number> | null = null;
function functionWordMap(): Map<string, number> {
  if (functionWords) return functionWords;
  const map = new Map<string, number>();
  SUPPORTED_LANGUAGES.forEach((lang, bit) => {
    for (const w of STOPWORDS[lang] ?? []) map.set(w, (map.get(w) ?? 0) | (1 << bit));
  });
  functionWords = map;
  return map;
}

export function guessLanguage(text: string): SupportedLanguage | undefined {
  // A few hundred words tell the language; reading a whole long document adds nothing.
  const sample = (text.length > 800 ? text.slice(0, 800) : text).toLowerCase();
  const words: string[] = [];
  scanWords(sample, (w) => words.push(w));
  if (words.length < 3) return undefined;
  const map = functionWordMap();
  const hits = SUPPORTED_LANGUAGES.map(() => 0);
  for (const w of words) {
    const mask = map.get(w);
    if (mask === undefined) continue;
    for (let bit = 0; bit < hits.length; bit++) if (mask & (1 << bit)) hits[bit] = (hits[bit] ?? 0) + 1;
  }
  const scores = new Map<SupportedLanguage, number>(SUPPORTED_LANGUAGES.map((lang, bit) => [lang, hits[bit] ?? 0]));
  // Letters that only some languages use, as tie-breakers.
  let umlauts = 0;
  let accents = 0;
  let spanish = 0;
  for (const ch of sample.match(/[äöüßéèêàçñ¿¡á]/g) ?? []) {
    if ('äöüß'.includes(ch)) umlauts += 1;
    else if ('éèêàç'.includes(ch)) accents += 1;
    else spanish += 1;
  }
  scores.set('de', (scores.get('de') ?? 0) + umlauts * 0.5);
  scores.set('fr', (scores.get('fr') ?? 0) + accents * 0.3);
  scores.set('es', (scores.get('es') ?? 0) + spanish * 0.5);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const best = ranked[0];
  const second = ranked[1];
  if (!best || best[1] < 1) return undefined;
  if (second && best[1] < second[1] * 1.2 + 0.5) return undefined;
  return best[0];
}
