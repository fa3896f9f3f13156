const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;

function isWordChar(code: number, ch: string): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(ch);
}

function isApostrophe(code: number): boolean {
  return code === 39 || code === 0x2019;
}

/**
 * The words of an already lower-cased text: runs of letters and digits, with one inner apostrophe
 * allowed before letters ("don't", "customer's"). A hand-written scanner: a Unicode-property
 * regular expression is several times slower on long texts, and indexing reads every word of a KB.
 */
export function scanWords(text: string, onWord: (word: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    if (!isWordChar(code, text[i] ?? '')) {
      i += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      continue;
    }
    const start = i;
    let apostrophe = false;
    while (i < n) {
      code = text.charCodeAt(i);
      if (isWordChar(code, text[i] ?? '')) {
        i += 1;
      } else if (!apostrophe && isApostrophe(code) && i + 1 < n && LETTER.test(text[i + 1] ?? '')) {
        apostrophe = true;
        i += 1;
      } else {
        break;
      }
    }
    onWord(text.slice(start, i));
  }
}
