import { entity, type Entity } from '../entities';
import { digitsOf, textAfter, textBefore } from './nearby';

/**
 * National identity and document numbers.
 *   Shape alone (with checks where they exist): US SSN written 123-45-6789 / 123 45 6789, UK National
 *   Insurance number, French NIR (mod-97 key), Spanish DNI and NIE (check letter), Italian codice
 *   fiscale (check character).
 *   Only next to their label: a bare 9-digit SSN, German Steuer-ID (ISO 7064 check digit), Dutch BSN
 *   (11-proof), and passport, ID card and driver's licence numbers.
 */

// ── checks ────────────────────────────────────────────────────────────────────────────────────────

export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  return area !== '000' && area !== '666' && area < '900' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export function dniValid(number: string, letter: string): boolean {
  return /^\d{8}$/.test(number) && DNI_LETTERS.charAt(Number.parseInt(number, 10) % 23) === letter.toUpperCase();
}

export function nieValid(prefix: string, number: string, letter: string): boolean {
  const lead = { X: '0', Y: '1', Z: '2' }[prefix.toUpperCase()];
  return lead !== undefined && /^\d{7}$/.test(number) && dniValid(lead + number, letter);
}

/** French NIR: 13 digits (Corsica 2A/2B counted as 19/18) and a key of 97 − (number mod 97). */
export function nirValid(compact: string): boolean {
  const m = /^([1-478])(\d{2})(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2A|2B)(\d{6})(\d{2})$/.exec(compact.toUpperCase());
  if (!m) return false;
  const dept = m[4] === '2A' ? '19' : m[4] === '2B' ? '18' : (m[4] ?? '');
  const body = `${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ''}${dept}${m[5] ?? ''}`;
  const key = Number.parseInt(m[6] ?? '', 10);
  return key === 97 - (Number(body) % 97);
}

/** UK National Insurance number: prefix rules from HMRC's published format. */
export function ninoValid(compact: string): boolean {
  const m = /^([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\d{6}[A-D]$/.exec(compact);
  return Boolean(m) && !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(compact.slice(0, 2));
}

const CF_ODD: Readonly<Record<string, number>> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

/** Italian codice fiscale: the 16th character is a check letter over the first 15. */
export function codiceFiscaleValid(value: string): boolean {
  const cf = value.toUpperCase();
  if (!/^[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]$/.test(cf)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = cf.charAt(i);
    if (i % 2 === 0) sum += CF_ODD[ch] ?? 0;
    else sum += /\d/.test(ch) ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf.charAt(15);
}

/** German Steuer-Identifikationsnummer: 11 digits, ISO 7064 MOD 11,10 check digit. */
export function steuerIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  let check = 11 - product;
  if (check === 10) check = 0;
  return check === digits.charCodeAt(10) - 48;
}

/** Dutch BSN 11-proof: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11. */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

// ── shapes found without a label ──────────────────────────────────────────────────────────────────

const B = String.raw`(?<![\p{L}\p{N}_])`;
const E = String.raw`(?![\p{L}\p{N}_])`;
const SSN_SHAPE = new RegExp(String.raw`${B}(?<!\d[-.]|\+)(\d{3})([- ])(\d{2})\2(\d{4})${E}(?![-.]\d)`, 'gu');
const NINO = new RegExp(String.raw`${B}([A-Z]{2})[ \u00a0]?(\d{2})[ \u00a0]?(\d{2})[ \u00a0]?(\d{2})[ \u00a0]?([A-D])${E}`, 'gu');
const NIR = new RegExp(String.raw`${B}[1-478](?:[ \u00a0]?(?:\d|2[AB])){5}(?:[ \u00a0]?\d){9}${E}`, 'gu');
const DNI = new RegExp(String.raw`${B}(\d{8})[- ]?([A-Za-z])${E}`, 'gu');
const NIE = new RegExp(String.raw`${B}([XYZxyz])[- ]?(\d{7})[- ]?([A-Za-z])${E}`, 'gu');
const CODICE_FISCALE = new RegExp(String.raw`${B}[A-Za-z]{6}[\dLMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][\dLMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][\dLMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]${E}`, 'gu');

const SSN_LABEL_BEFORE = /\b(?:ssn|ss#|social[ -]security|social sec)\b[^\n]{0,30}$/i;

// ── labelled numbers ──────────────────────────────────────────────────────────────────────────────

interface LabelledId {
  label: RegExp;
  value: RegExp;
  valid: (value: string) => boolean;
}

const LABELLED: LabelledId[] = [
  {
    label: /\b(?:ssn|ss#|social[ -]security(?:[ -]?(?:number|no|nr|#))?|social sec\.?)(?![\p{L}])/giu,
    value: /^\d{9}$/,
    valid: ssnValid,
  },
  {
    label: /\b(?:steuer-?id(?:entifikationsnummer)?|steueridentifikationsnummer|identifikationsnummer|idnr|steuerliche id(?:entifikationsnummer)?|tax id|tin)(?![\p{L}])/giu,
    value: /^[1-9]\d(?:[ \u00a0]?\d{3}){3}$/,
    valid: (v) => steuerIdValid(digitsOf(v)),
  },
  {
    label: /\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer)(?![\p{L}])/giu,
    value: /^\d{4}\.?\d{2}\.?\d{3}$|^\d{9}$/,
    valid: (v) => bsnValid(digitsOf(v)),
  },
  {
    label:
      /\b(?:driver'?s?[ -]licen[cs]e|driving[ -]licen[cs]e|licen[cs]e (?:number|no|nr|#)|passport|passport (?:number|no)|id[ -]card|identity card|identity document|national id(?:entity)?(?: number| card)?|personalausweis(?:nummer)?|ausweis(?:nummer)?|reisepass(?:nummer)?|f[üu]hrerschein(?:nummer)?|carte d'identit[ée]|passeport|permis de conduire|pasaporte|carn[ée]t de conducir|carta d'identit[àa]|passaporto|patente di guida)(?![\p{L}])/giu,
    value: /^(?=(?:[A-Za-z]*\d){4})[A-Za-z0-9]{6,15}$/,
    valid: () => true,
  },
];

/** Between a label and its value: punctuation and at most four short words ("number is", "Nr.:"). */
const GAP = /^[\s:#=.,\-–()'’"]*(?:[\p{L}°º]{1,12}\.?[\s:#=,\-–()'’"]*){0,4}$/u;
const VALUE_TOKEN = /(?:\d+(?:[ \u00a0.]\d+)*|[A-Za-z0-9]+)(?![A-Za-z0-9])/gu;

function labelledIds(text: string, found: Entity[]): void {
  for (const spec of LABELLED) {
    for (const label of text.matchAll(spec.label)) {
      const from = label.index + label[0].length;
      const window = textAfter(text, from, 50);
      for (const token of window.matchAll(VALUE_TOKEN)) {
        // Try the whole token, then its first word (a value followed by unrelated numbers).
        const candidates = [token[0], token[0].split(/[ \u00a0]/)[0] ?? ''];
        const gap = window.slice(0, token.index);
        if (!GAP.test(gap)) break;
        const value = candidates.find((c) => spec.value.test(c) && spec.valid(c));
        if (!value) {
          if (/\d/.test(token[0])) break;
          continue;
        }
        const start = from + token.index;
        const end = start + value.length;
        if (!/[\p{L}\p{N}_]/u.test(text.charAt(end))) found.push(entity('NATIONAL_ID', text, start, end));
        break;
      }
    }
  }
}

export function detectNationalIds(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(SSN_SHAPE)) {
    const digits = `${m[1] ?? ''}${m[3] ?? ''}${m[4] ?? ''}`;
    if (!ssnValid(digits)) continue;
    // "123 45 6789" is an SSN only next to its label; without one it is as likely a phone or a house number.
    if (m[2] === ' ' && !SSN_LABEL_BEFORE.test(textBefore(text, m.index, 50))) continue;
    found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(NINO)) {
    if (ninoValid(m[0].replace(/[ \u00a0]/g, ''))) found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(NIR)) {
    if (nirValid(m[0].replace(/[ \u00a0]/g, ''))) found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(DNI)) {
    if (dniValid(m[1] ?? '', m[2] ?? '')) found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(NIE)) {
    if (nieValid(m[1] ?? '', m[2] ?? '', m[3] ?? '')) found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(CODICE_FISCALE)) {
    if (/\d/.test(m[0]) && codiceFiscaleValid(m[0])) found.push(entity('NATIONAL_ID', text, m.index, m.index + m[0].length));
  }
  labelledIds(text, found);
  return found;
}
