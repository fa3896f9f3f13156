import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemGerman } from '@orama/stemmers/german';
import { stemmer as stemFrench } from '@orama/stemmers/french';
import { stemmer as stemSpanish } from '@orama/stemmers/spanish';
import { scanWords } from './scan';
import { STOPWORDS } from './stopwords';

const STEMMERS: Record<string, (word: string) => string> = {
  en: stemEnglish,
  de: stemGerman,
  fr: stemFrench,
  es: stemSpanish,
};

/** Stemming is the costly part of indexing; a KB's vocabulary is small, so each word is worked out once. */
const TERM_CACHE_LIMIT = 200_000;

/** Lower-case, strip accents the stemmers do not expect, keep letters and digits. */
export function words(text: string): string[] {
  const out: string[] = [];
  scanWords(text.toLowerCase(), (w) => out.push(w));
  return out;
}

const PLACEHOLDER = /\{\{[^{}]*\}\}/g;
const NO_STOPWORDS: ReadonlySet<string> = new Set();

/** word → index term ('' for a word that is dropped), per language: every distinct word is worked out once. */
const termCaches = new Map<string, Map<string, string>>();

function termOf(word: string, stop: ReadonlySet<string>, stem: (w: string) => string): string {
  let w = word;
  if (stop.has(w)) return '';
  if (w.includes("'") || w.includes('’')) {
    w = w.replace(/['’]s$/, '').replace(/['’]/g, '');
    if (stop.has(w)) return '';
  }
  if (w.length < 2 || w.length > 40) return '';
  const c = w.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(w) ? w : stem(w);
}

/**
 * Index terms of a text: words minus stop words, stemmed in the text's language
 * (English when unknown). Very short and very long tokens are dropped. Macro placeholders
 * ({{customer.first_name}}) are not words of the text.
 */
export function tokenize(text: string, language: string = 'en', options: { keepStopwords?: boolean } = {}): string[] {
  const lang = STEMMERS[language] ? language : 'en';
  const stem = STEMMERS[lang] ?? stemEnglish;
  const stop = options.keepStopwords ? NO_STOPWORDS : (STOPWORDS[lang] ?? NO_STOPWORDS);
  const cacheKey = options.keepStopwords ? `${lang}:all` : lang;
  let cache = termCaches.get(cacheKey);
  if (!cache) {
    cache = new Map();
    termCaches.set(cacheKey, cache);
  }
  const memo = cache;
  const out: string[] = [];
  const lower = (text.includes('{{') ? text.replace(PLACEHOLDER, ' ') : text).toLowerCase();
  scanWords(lower, (word) => {
    let term = memo.get(word);
    if (term === undefined) {
      if (memo.size >= TERM_CACHE_LIMIT) memo.clear();
      term = termOf(word, stop, stem);
      memo.set(word, term);
    }
    if (term) out.push(term);
  });
  return out;
}
