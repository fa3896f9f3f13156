import { entity, type Entity } from '../entities';
import { textBefore } from './nearby';

/**
 * Payment card numbers: 13–19 digits, optionally grouped with single spaces or dashes, with a
 * prefix and length a card network issues, and passing the Luhn check. A number that fails Luhn is
 * not a card and stays readable.
 */

/** Digit groups joined by one space or dash; validated group-wise below. */
const CANDIDATE = /(?<![\p{L}\p{N}_.,/]|\d-)\d{1,19}(?:[ -]\d{1,19})*(?![\p{L}\p{N}_]|[.,]\d)/gu;

/** Numbers that look like cards but are labelled as something else (IMEI numbers pass Luhn too). */
const OTHER_LABEL = /\b(?:order|tracking|invoice|reference|ref|transaction|shipment|parcel|consignment|awb|imei|serial|sku|ticket|case|po)\b[\s#:.-]*(?:no\.?|nr\.?|number|id)?[\s#:.-]*$/i;
const CARD_WORD = /\b(?:card|credit|debit|visa|mastercard|amex|cc|karte|kreditkarte|carte|tarjeta|carta)\b/i;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Lengths the card networks issue, by leading digits: Visa 13/16/19, Mastercard 16, Amex 15,
 * Diners 14–19, JCB 16–19 (and the old 15-digit 2131 / 1800 ranges), Discover, UnionPay, Maestro,
 * Mir.
 */
function lengthFitsNetwork(digits: string): boolean {
  const n = digits.length;
  const two = digits.slice(0, 2);
  if (n === 15 && (digits.startsWith('2131') || digits.startsWith('1800'))) return true;
  switch (digits.charAt(0)) {
    case '4':
      return n === 13 || n === 16 || n === 19;
    case '3':
      if (two === '34' || two === '37') return n === 15;
      if (two === '35') return n >= 16;
      return two === '30' || two === '36' || two === '38' || two === '39' ? n >= 14 : false;
    case '2':
      return n >= 16;
    case '5':
      // Mastercard 51–55 is always 16 digits; Maestro (50, 56–59) varies.
      return two >= '51' && two <= '55' ? n === 16 : true;
    case '6':
      return true;
    default:
      return false;
  }
}

function plausibleCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (!lengthFitsNetwork(digits)) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return luhnValid(digits);
}

export function detectCards(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    // Split into groups with their offsets and try the longest run of whole groups that is a card.
    const groups: { start: number; end: number }[] = [];
    for (const g of m[0].matchAll(/\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
    let i = 0;
    while (i < groups.length) {
      const first = groups[i];
      // The longest run of whole groups from here that is a card (at most 19 digits, so few groups).
      let matched = -1;
      let digits = '';
      for (let j = i; first && j < groups.length; j++) {
        const group = groups[j];
        if (!group) break;
        digits += text.slice(group.start, group.end);
        if (digits.length > 19) break;
        if (digits.length >= 13 && plausibleCard(digits)) matched = j;
      }
      const last = groups[matched];
      if (!first || !last) {
        i += 1;
        continue;
      }
      const before = textBefore(text, first.start, 40);
      // Digits after "DE89 " belong to an IBAN (one that failed its checksum), not to a card.
      const afterIbanPrefix = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}[ \u00a0]?$/u.test(before);
      if (!afterIbanPrefix && !(OTHER_LABEL.test(before) && !CARD_WORD.test(before))) found.push(entity('CARD', text, first.start, last.end));
      i = matched + 1;
    }
  }
  return found;
}
