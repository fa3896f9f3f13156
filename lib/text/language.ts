import { STOPWORDS } from './stopwords';

/** Languages the copilot can guess; each has a stop-word list and a stemmer. */
export const SUPPORTED_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

const WORD = /[\p{L}']+/gu;

/**
 * Guess the language of a text by counting each language's function words, with a few
 * letters as tie-breakers (ä ö ü ß for German). Returns undefined when the text is too short
 * or no language stands out, so callers can fall back to a default instead of guessing wrong.
 */
export function guessLanguage(text: string): SupportedLanguage | undefined {
  const words = (text.toLowerCase().match(WORD) ?? []).slice(0, 2000);
  if (words.length < 3) return undefined;
  const scores = new Map<SupportedLanguage, number>();
  for (const lang of SUPPORTED_LANGUAGES) {
    const stop = STOPWORDS[lang];
    if (!stop) continue;
    let hits = 0;
    for (const w of words) if (stop.has(w)) hits += 1;
    scores.set(lang, hits);
  }
  const umlauts = (text.match(/[äöüß]/gi) ?? []).length;
  scores.set('de', (scores.get('de') ?? 0) + umlauts * 0.5);
  const accents = (text.match(/[éèêàç]/gi) ?? []).length;
  scores.set('fr', (scores.get('fr') ?? 0) + accents * 0.3);
  const spanish = (text.match(/[ñ¿¡á]/gi) ?? []).length;
  scores.set('es', (scores.get('es') ?? 0) + spanish * 0.5);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const best = ranked[0];
  const second = ranked[1];
  if (!best || best[1] < 1) return undefined;
  if (second && best[1] < second[1] * 1.2 + 0.5) return undefined;
  return best[0];
}
