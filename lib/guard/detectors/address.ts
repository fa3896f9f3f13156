import { entity, type Entity } from '../entities';
import { textBefore } from './nearby';

/**
 * Street addresses, best effort. What counts:
 *   - house number + capitalised street name + street word: "221B Baker Street", "12 Elm St.";
 *   - street word first, number last: "Calle Mayor 12", "Via Verbano 62", "rue de Rivoli 5";
 *     or number first: "12 rue de la Paix";
 *   - Germanic compounds and separate street words: "Hauptstraße 5", "Nassaustraat 123",
 *     "Berliner Str. 12", "Holmevej 34";
 *   - apartment / suite numbers, P.O. boxes;
 *   - postcodes with a city: UK postcodes, "Springfield, IL 62704", "1012 AB Amsterdam", and
 *     "10115 Berlin" at the start of a line, after a comma or after a street.
 * Adjacent pieces (street, unit, postcode + city) become one entity.
 */

const UPPER_WORD = String.raw`[\p{Lu}][\p{L}'’.\-]{0,40}`;
const NAME_WORD = String.raw`(?:${UPPER_WORD}|\d{1,3}(?:st|nd|rd|th)|of|the|de|la|del|du|des|von|van|der)`;
const STREET_EN = String.raw`(?:[Ss]treet|St|[Rr]oad|Rd|[Aa]venue|Ave?|[Ll]ane|Ln|[Bb]oulevard|Blvd|[Dd]rive|Dr|[Cc]ourt|Ct|[Pp]lace|Pl|[Ss]quare|Sq|[Tt]errace|Ter|[Ww]ay|[Cc]lose|[Cc]rescent|Cres|[Pp]arkway|Pkwy|[Hh]ighway|Hwy|[Cc]ircle|Cir|[Tt]rail|[Rr]ow|[Mm]ews|[Gg]rove|[Gg]ardens|[Ww]alk|[Hh]ill|[Pp]ark)`;

const NUMBER_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}_$€£.,])\d{1,5}[A-Za-z]?(?:[-/]\d{1,5})?,?\s(?:${NAME_WORD}\s){0,3}[\p{Lu}\p{N}][\p{L}\p{N}'’.\-]{0,40}\s${STREET_EN}\b\.?`,
  'gu',
);

const STREET_AFTER_NUMBER = new RegExp(String.raw`^[ \u00a0]+(?:${NAME_WORD}\s){0,3}[\p{Lu}\p{N}][\p{L}\p{N}'’.\-]{0,40}\s${STREET_EN}\b`, 'u');

/** Whether text right after a number continues as a street name ("… 3684 Court Street"). */
export function streetNameFollows(after: string): boolean {
  return STREET_AFTER_NUMBER.test(after);
}

const ROMANCE_TYPE = String.raw`(?:[Rr]ue|[Aa]venue|[Aa]v\.|[Bb]oulevard|[Bb]d|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Pp]lace|[Qq]uai|[Rr]oute|[Cc]alle|C/|[Aa]venida|[Aa]vda\.?|[Pp]laza|[Pp]aseo|[Cc]arrer|[Cc]amino|Via|Viale|[Pp]iazza|[Pp]iazzale|[Cc]orso|[Vv]icolo|[Ll]argo|[Rr]ua|[Tt]ravessa|[Pp]raça|[Uu]lica|ul\.)`;
const PARTICLES = String.raw`(?:(?:de|du|des|la|le|les|l'|d'|del|de la|dei|della|delle|di|do|da|dos|das)\s?){0,3}`;
const TYPE_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])(?:\d{1,5}(?:\s?(?:bis|ter))?,?\s)?${ROMANCE_TYPE}\s${PARTICLES}[\p{Lu}\p{N}][\p{L}'’.\-]{0,40}(?:\s${PARTICLES}[\p{Lu}\p{N}][\p{L}'’.\-]{0,40}){0,4},?\s\d{1,5}[A-Za-z]?\b` +
    String.raw`|(?<![\p{L}\p{N}_])\d{1,5}(?:\s?(?:bis|ter))?,?\s${ROMANCE_TYPE}\s${PARTICLES}[\p{Lu}][\p{L}'’\-]{0,40}(?:\s${PARTICLES}[\p{Lu}][\p{L}'’\-]{0,40}){0,4}`,
  'gu',
);

const GERMANIC_SUFFIX = String.raw`(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|steig|pfad|chaussee|straat|laan|gracht|plein|dijk|kade|singel|steeg|vej|gade|gatan|vägen|väg|veien|vei|gata|gate|tie|katu|utca)`;
const GERMANIC = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])[\p{Lu}][\p{L}\-]{0,40}${GERMANIC_SUFFIX}\s?\d{1,5}(?:\s?[a-zA-Z])?(?:\s?[-/]\s?\d{1,5})?(?![\p{L}\p{N}])` +
    String.raw`|(?<![\p{L}\p{N}_])(?:[\p{Lu}][\p{L}\-]{0,40}\s){1,2}(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Pfad|Gracht|Laan|Plein|Dijk|Kade|Vej|Gade|út|utca|tér)\s?\d{1,5}(?:\s?[a-zA-Z])?(?![\p{L}\p{N}])`,
  'gu',
);

const UNIT = /(?<![\p{L}\p{N}_])(?:[Aa]pt|APT|[Aa]partment|Suite|SUITE|suite|Ste|Unit|Flat|Floor|Fl)\.?\s?#?\d{1,5}[A-Za-z]?(?![\p{L}\p{N}])/gu;
const PO_BOX = /(?<![\p{L}\p{N}_])(?:P\.?\s?O\.?\s?Box|PO Box|Postfach|Bo[iî]te [Pp]ostale|BP|Apartado(?: de [Cc]orreos)?|Casella [Pp]ostale)\s\d{1,6}(?![\p{L}\p{N}])/gu;

/** A UK postcode, with the town before it when there is one ("London NW1 6XE"). */
const UK_POSTCODE = /(?<![\p{L}\p{N}_])(?:[\p{Lu}][\p{L}\-']{1,40},?\s)?(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/gu;
const US_CITY_STATE_ZIP = /(?<![\p{L}\p{N}_])[\p{Lu}][\p{L}.'-]{1,40}(?:\s[\p{Lu}][\p{L}.'-]{1,40}){0,2},\s?[A-Z]{2}\s\d{5}(?:-\d{4})?(?![\p{L}\p{N}])/gu;
const NL_POSTCODE_CITY = /(?<![\p{L}\p{N}_])[1-9]\d{3}\s?[A-Z]{2}\s[\p{Lu}][\p{L}\-']{1,40}(?![\p{L}\p{N}])/gu;
const POSTCODE_CITY = /(?<![\p{L}\p{N}_])(?:[A-Z]{1,2}-)?\d{4,5}\s[\p{Lu}][\p{L}\-']{1,40}(?:\s(?:[\p{Lu}][\p{L}\-']{1,40}|am|an|im|bei|sur|de|del|la|le|sul))*(?![\p{L}\p{N}])/gu;

function collect(text: string, pattern: RegExp, into: Entity[]): void {
  for (const m of text.matchAll(pattern)) {
    let end = m.index + m[0].length;
    // A trailing comma or space is not part of the address.
    while (end > m.index && /[\s,]/.test(text.charAt(end - 1))) end -= 1;
    into.push(entity('ADDRESS', text, m.index, end));
  }
}

/** Merge pieces that touch or are separated only by spaces, commas and one line break. */
function mergeAdjacent(text: string, pieces: Entity[]): Entity[] {
  const sorted = [...pieces].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Entity[] = [];
  for (const piece of sorted) {
    const last = merged[merged.length - 1];
    if (last && piece.start <= last.end + 4 && /^[\s,]*$/.test(text.slice(last.end, Math.max(last.end, piece.start))) && !/\n[^\n]*\n/.test(text.slice(last.end, piece.start))) {
      if (piece.end > last.end) merged[merged.length - 1] = entity('ADDRESS', text, last.start, piece.end);
      continue;
    }
    merged.push(piece);
  }
  return merged;
}

export function detectAddresses(text: string): Entity[] {
  const streets: Entity[] = [];
  collect(text, NUMBER_FIRST, streets);
  collect(text, TYPE_FIRST, streets);
  collect(text, GERMANIC, streets);
  collect(text, PO_BOX, streets);

  const pieces: Entity[] = [...streets];
  collect(text, UK_POSTCODE, pieces);
  collect(text, US_CITY_STATE_ZIP, pieces);
  collect(text, NL_POSTCODE_CITY, pieces);

  // Streets in order of where they end, walked alongside the postcodes (matchAll goes left to right).
  const streetEnds = streets.map((s) => s.end).sort((a, b) => a - b);
  let nextStreet = 0;
  let lastStreetEnd = -1;
  const nearStreet = (start: number): boolean => {
    while (nextStreet < streetEnds.length && (streetEnds[nextStreet] ?? Infinity) <= start) {
      lastStreetEnd = streetEnds[nextStreet] ?? lastStreetEnd;
      nextStreet += 1;
    }
    return lastStreetEnd >= 0 && start - lastStreetEnd <= 60 && !/\n[^\n]*\n[^\n]*\n/.test(text.slice(lastStreetEnd, start));
  };
  for (const m of text.matchAll(POSTCODE_CITY)) {
    const before = textBefore(text, m.index, 3);
    const lineStart = /^\s*$/.test(before) || /,\s*$/.test(before);
    const fiveDigits = /^(?:[A-Z]{1,2}-)?\d{5}\s/.test(m[0]);
    if ((fiveDigits && lineStart) || nearStreet(m.index)) pieces.push(entity('ADDRESS', text, m.index, m.index + m[0].length));
  }
  // Units count only next to something else that is an address (within four characters).
  const endsNear = new Set<number>();
  const startsNear = new Set<number>();
  for (const p of pieces) {
    for (let d = -4; d <= 4; d++) {
      endsNear.add(p.end + d);
      startsNear.add(p.start + d);
    }
  }
  const units: Entity[] = [];
  collect(text, UNIT, units);
  for (const unit of units) {
    if (endsNear.has(unit.start) || startsNear.has(unit.end)) pieces.push(unit);
  }
  return mergeAdjacent(text, pieces);
}
