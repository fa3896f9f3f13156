import { entity, type Entity } from '../entities';
import { streetNameFollows } from './address';
import { digitsOf, textAfter, textBefore } from './nearby';

/**
 * Phone numbers. Two levels of evidence:
 *   - the shape alone: `+` or `00` with a country code, North American 3-3-4 groups, or a national
 *     number with a trunk `0` written in groups (`020 7946 0958`, `06 12 34 56 78`, `030/123456`);
 *   - any other group of 6–15 digits only when a phone word stands next to it ("call", "Tel.",
 *     "mobile", "… office", "Fax").
 * Dates, times, prices, card fragments and numbers labelled as orders or invoices are never phones.
 */

const SEP = String.raw`(?:[ \u00a0]?[-./\u2010-\u2013][ \u00a0]?|[ \u00a0])`;
const CANDIDATE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_@#€$£¥%]|[\p{N}][.,/-])` +
    String.raw`(?:\+[ \u00a0]?)?` +
    String.raw`(?:\([ \u00a0]?\+?\d{1,5}[ \u00a0]?\)[ \u00a0]?(?:\(0\)[ \u00a0]?)?)?` +
    String.raw`\d{1,15}` +
    String.raw`(?:(?:[ \u00a0]?\(0\)[ \u00a0]?|${SEP})(?:\(\d{1,10}\)|\d{1,10}))*` +
    String.raw`(?:[ \u00a0]?(?:x|ext\.?|extn\.?|extension|Durchwahl|DW|poste|#)[ \u00a0]?\d{1,6})?` +
    String.raw`(?![\p{L}\p{N}_@%]|[.,]\d|[-/]\d)`,
  'giu',
);

const EXTENSION = /[ \u00a0]?(?:x|ext\.?|extn\.?|extension|Durchwahl|DW|poste|#)[ \u00a0]?\d{1,6}$/i;

/** Words that say "this is a phone number" right before it (same line). */
const PHONE_BEFORE =
  /(?:\b(?:phone|telephone|tel|mob|mobile|cell|cellphone|fax|call(?:ing|ed)?|ring (?:me|us)|dial|reach(?:ed)?|contact(?:able)?|whats ?app|sms|text(?:ed)? (?:me|us)|answering|hotline|helpline|landline|switchboard|extension|telefon(?:nummer)?|tel\.?-?nr|handy(?:nummer)?|mobil(?:nummer)?|rufnummer|anrufen|erreichbar|durchwahl|t[ée]l[ée]phone|t[ée]l|portable|appele[rz]|tel[ée]fono|m[óo]vil|celular|llam[ae]r?|cellulare|chiam(?:are|ami)|telefoonnummer|bellen)\b|☎|📞)[^\n]{0,40}$/iu;
/** Phrases that say so only when they stand right before the number ("my number is …", "texts to …"). */
const PHONE_JUST_BEFORE =
  /(?:\b(?:my|your|his|her|our|their)\s+(?:new\s+|old\s+|home\s+|work\s+|private\s+)?number(?:\s+is)?|\b(?:messages?|texts?|sms|calls?)\s+(?:to|from|on|at)|\bregistered(?:\s+(?:number|no\.?))?|\bnumber to (?:call|reach|text))[\s:.-]*$/i;
/** Labels right after a number: "… office", "-Fax", "(mobile)". */
const PHONE_AFTER = /^[ \u00a0]*[-–(,:]?[ \u00a0]*(?:office|fax|mobile|mob|cell|home|work|tel|phone|direct|landline|private|b[üu]ro|privat|mobil|handy|gesch[äa]ftlich|bureau|domicile|portable|m[óo]vil|casa|trabajo|ufficio|cellulare)\b/iu;

/** Labels that make a number something else (order, invoice …) unless a phone word is closer. */
const OTHER_BEFORE =
  /\b(?:order|orders|invoice|ticket|case|ref|reference|tracking|transaction|account|acct|customer|member|policy|contract|serial|sku|item|article|product|booking|reservation|confirmation|shipment|parcel|receipt|po|id|no|nr|iban|bic|swift|sort code|routing|ssn|social security|card|bestellung|bestellnummer|rechnung|rechnungsnummer|kundennummer|auftrag|vertrag|commande|facture|pedido|factura|ordine|fattura)\b[\s#:.-]*(?:no\.?|nr\.?|number|num|id|#)?[\s#:.-]*$/i;

const CURRENCY_BEFORE = /(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|cad|aud|sek|nok|dkk|pln|jpy|rs|inr))[ \u00a0]?$/i;
const CURRENCY_AFTER = /^[ \u00a0]?(?:[$€£¥₹]|(?:usd|eur|gbp|chf|cad|aud|sek|nok|dkk|pln|jpy|dollars?|euros?|pounds?|kr|zł)\b)/i;
/** Units and counted things: "2 500 000 users" is an amount, not a number to call. */
const UNIT_AFTER =
  /^[ \u00a0]?(?:%|(?:kg|km|mb|gb|tb|kb|ms|px|pcs|units?|items?|times|mal|stück|st|users?|customers?|people|persons|subscribers?|members?|orders?|records?|rows?|visits?|views?|downloads?|copies|emails?|messages?|requests?|points?|miles?|meters?|metres?|euros?|dollars?)\b)/i;

/** A date written with one kind of separator: YYYY-MM-DD, DD.MM.YYYY, MM/DD/YY … */
function isDateToken(token: string): boolean {
  const groups = token.split(/[-./]/);
  const seps = token.match(/[-./]/g) ?? [];
  if (groups.length !== 3 || new Set(seps).size !== 1) return false;
  const [a = '', b = '', c = ''] = groups;
  const n = (s: string) => Number.parseInt(s, 10);
  const dayOrMonth = (s: string) => s.length >= 1 && s.length <= 2 && n(s) >= 1 && n(s) <= 31;
  const month = (s: string) => s.length >= 1 && s.length <= 2 && n(s) >= 1 && n(s) <= 12;
  const year = (s: string) => s.length === 4 || s.length === 2;
  if (a.length === 4 && month(b) && dayOrMonth(c)) return true;
  return dayOrMonth(a) && dayOrMonth(b) && (month(a) || month(b)) && year(c);
}

/** Whether any space-separated part of the number is a date ("2024-03-05 14" is not a phone). */
function containsDate(main: string): boolean {
  return main.split(/[ \u00a0]+/).some(isDateToken);
}

function isIpv4Like(main: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(main);
}

/** Groups of exactly four digits, three or more of them: a card (or a fragment of one). */
function isCardLike(main: string): boolean {
  const groups = main.split(/[^\d]+/).filter(Boolean);
  return groups.length >= 3 && groups.every((g) => g.length === 4);
}

/** Whether the shape alone says "phone number". */
function shapeIsPhone(main: string): boolean {
  const digits = digitsOf(main);
  const hasSeparator = /[^\d]/.test(main.replace(/^\+/, ''));
  if (/^\+/.test(main)) return digits.length >= 8 && digits.length <= 15;
  if (/^\(?\+/.test(main)) return digits.length >= 8 && digits.length <= 15;
  if (/^\(?00[1-9]/.test(main)) return hasSeparator && digits.length >= 10 && digits.length <= 15;
  // North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567.
  if (/^(?:1[ .-]?)?(?:\(\d{3}\)[ \u00a0]?|\d{3}[ .\-\u00a0])\d{3}[ .\-\u00a0]\d{4}$/.test(main)) return true;
  // National numbers with a trunk 0, written in groups: 020 7946 0958, 06 12 34 56 78, 030/123456.
  const national = main.replace(/[()]/g, '');
  if (/^0[1-9]/.test(national) && hasSeparator && digits.length >= 9 && digits.length <= 12) {
    const first = national.split(/[^\d]+/)[0] ?? '';
    return first.length >= 2 && first.length <= 5;
  }
  return false;
}

export function detectPhones(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[0];
    const start = m.index;
    const end = start + raw.length;
    const main = raw.replace(EXTENSION, '');
    const digits = digitsOf(main);
    if (digits.length < 6 || digits.length > 15) continue;
    if (containsDate(main) || isIpv4Like(main) || isCardLike(main)) continue;

    const before = textBefore(text, start, 60);
    const after = textAfter(text, end, 30);
    if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after) || UNIT_AFTER.test(after)) continue;
    const phoneContext = PHONE_BEFORE.test(before) || PHONE_JUST_BEFORE.test(before) || PHONE_AFTER.test(after);
    if (OTHER_BEFORE.test(before) && !/(?:phone|tel|mobile|fax|call|telefon|handy|number to)[^\n]{0,12}$/i.test(before)) continue;
    if (shapeIsPhone(main)) {
      found.push(entity('PHONE', text, start, end));
      continue;
    }
    // A number followed by a street name is a house number ("call a taxi to 14 3684 Court Street").
    if (phoneContext && !streetNameFollows(textAfter(text, end, 80))) found.push(entity('PHONE', text, start, end));
  }
  return found;
}
