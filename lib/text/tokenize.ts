import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemGerman } from '@orama/stemmers/german';
import { stemmer as stemFrench } from '@orama/stemmers/french';
import { stemmer as stemSpanish } from '@orama/stemmers/spanish';
import { isStopword } from './stopwords';

const STEMMERS: Record<string, (word: string) => string> = {
  en: stemEnglish,
  de: stemGerman,
  fr: stemFrench,
  es: stemSpanish,
};

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lower-case, strip accents the stemmers do not expect, keep letters and digits. */
export function words(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * Index terms of a text: words minus stop words, stemmed in the text's language
 * (English when unknown). Very short and very long tokens are dropped.
 */
export function tokenize(text: string, language: string = 'en'): string[] {
  const stem = STEMMERS[language] ?? stemEnglish;
  const out: string[] = [];
  // Macro placeholders ({{customer.first_name}}) are not words of the text.
  for (const raw of words(text.replace(/\{\{[^{}]*\}\}/g, ' '))) {
    const w = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
    if (w.length < 2 || w.length > 40) continue;
    if (isStopword(raw, language) || isStopword(w, language)) continue;
    out.push(/^\d+$/.test(w) ? w : stem(w));
  }
  return out;
}
