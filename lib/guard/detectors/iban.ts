import { entity, type Entity } from '../entities';

/**
 * IBANs, written compactly or in groups separated by single spaces, in any letter case. A match
 * needs a known country, that country's exact length and a valid ISO 13616 mod-97 checksum.
 */

/** IBAN length per country (SWIFT IBAN registry). */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Country code and check digits, not glued to a preceding letter or digit. */
const START = /(?<![\p{L}\p{N}_])([A-Za-z]{2})(\d{2})/gu;

export function ibanChecksumValid(compact: string): boolean {
  const rearranged = (compact.slice(4) + compact.slice(0, 4)).toUpperCase();
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    let value: number;
    if (code >= 48 && code <= 57) value = code - 48;
    else if (code >= 65 && code <= 90) value = code - 55;
    else return false;
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
  }
  return remainder === 1;
}

const ALNUM = /[A-Za-z0-9]/;

export function detectIbans(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(START)) {
    const country = (m[1] ?? '').toUpperCase();
    const length = IBAN_LENGTH[country];
    if (!length) continue;
    // Consume `length` alphanumerics after the start, allowing one space (or nbsp) between them.
    let compact = '';
    let i = m.index;
    while (i < text.length && compact.length < length) {
      const ch = text.charAt(i);
      if (ALNUM.test(ch)) {
        compact += ch;
        i += 1;
      } else if ((ch === ' ' || ch === '\u00a0') && compact.length >= 4 && ALNUM.test(text.charAt(i + 1))) {
        i += 1;
      } else break;
    }
    if (compact.length !== length) continue;
    // The IBAN must end where its group ends: no letter or digit glued to the last character.
    if (/[\p{L}\p{N}_]/u.test(text.charAt(i))) continue;
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/i.test(compact) || !ibanChecksumValid(compact)) continue;
    found.push(entity('IBAN', text, m.index, i));
  }
  return found;
}
