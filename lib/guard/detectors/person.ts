import { isStopword } from '../../text/stopwords';
import { entity, type Entity } from '../entities';

/**
 * People's names. The guard does not guess names from arbitrary text; it masks the names it is
 * given (the requester, customer authors) and the names customers sign their messages with.
 * Each full name and each of its parts (first name, last name) is masked as a whole word, in any
 * letter case — except parts that are also ordinary words ("Will", "Rose", "Young"), which are
 * masked only when written with a capital letter.
 */

const TITLES = new Set(
  'mr mrs ms miss mx dr prof sir madam herr frau fr hr dr. mme mlle m sr sra srta don doña sig sig.ra dott'.split(' '),
);
const PARTICLES = new Set('van von der den de du des da di del della la le los las dos das ten ter bin al el y e'.split(' '));

/** Name parts that are also common words; these are matched only when capitalised in the text. */
const COMMON_WORDS = new Set(
  `will mark bill rose may june april august grace hope joy faith summer sunny young black white brown green gray grey
king long case bell page hall wood rich frank chase miles guy art ray dean don sue pat jack jean lee sky dawn love price
little bishop baker cook cooper fisher hunter mason porter carter parker taylor turner walker ward stone hill banks
lane park rice wolf fox bird paris london florence virginia georgia carolina ivy lily daisy holly amber crystal
ruby pearl jade autumn winter river forest brook glen dale field marsh moss reed rivers golden silver sterling
christian major noble sharp strong swift wise bright north south west east english french german irish welsh`.split(/\s+/),
);

function isCommonWord(part: string): boolean {
  const lower = part.toLowerCase();
  return COMMON_WORDS.has(lower) || ['en', 'de', 'fr', 'es'].some((lang) => isStopword(lower, lang));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cleanPart(part: string): string {
  return part.replace(/^[("'“‘]+|[)"'”’,;:]+$/g, '');
}

/** The words of a display name without titles and initials ("Dr. Emma J. Clarke" → Emma, Clarke). */
export function nameParts(name: string): string[] {
  const normalised = name.includes(',') ? name.split(',').reverse().join(' ') : name;
  return normalised
    .split(/\s+/)
    .map(cleanPart)
    .filter((part) => {
      const lower = part.toLowerCase().replace(/\.$/, '');
      if (part.length < 2 || /^\p{L}\.$/u.test(part)) return false;
      if (TITLES.has(lower) || TITLES.has(part.toLowerCase()) || PARTICLES.has(lower)) return false;
      return /\p{L}/u.test(part) && !/[\d@]/.test(part);
    });
}

interface NamePattern {
  pattern: RegExp;
  needsCapital: boolean;
}

function patternsFor(names: readonly string[]): NamePattern[] {
  const variants = new Map<string, NamePattern>();
  for (const raw of names) {
    const name = raw.trim().replace(/\s+/g, ' ');
    if (!name || name.includes('@')) continue;
    const parts = nameParts(name);
    if (parts.length === 0) continue;
    const full = name.split(' ').map(cleanPart).filter(Boolean).join(' ');
    const candidates = new Set<string>([full, parts.join(' '), ...parts]);
    for (const candidate of candidates) {
      const key = candidate.toLowerCase();
      if (variants.has(key) || candidate.length < 2) continue;
      const single = !candidate.includes(' ');
      const source = candidate.split(' ').map(escapeRegExp).join(String.raw`[\s\u00a0]+`);
      variants.set(key, {
        pattern: new RegExp(String.raw`(?<![\p{L}\p{N}_])${source}(?![\p{L}\p{N}_])`, 'giu'),
        needsCapital: single && isCommonWord(candidate),
      });
    }
  }
  return [...variants.values()];
}

/** Every occurrence of the given names and their parts. Overlaps are resolved by the masker. */
export function detectNames(text: string, names: readonly string[]): Entity[] {
  const found: Entity[] = [];
  for (const { pattern, needsCapital } of patternsFor(names)) {
    for (const m of text.matchAll(pattern)) {
      if (needsCapital && !/^\p{Lu}/u.test(m[0])) continue;
      found.push(entity('PERSON', text, m.index, m.index + m[0].length));
    }
  }
  return found;
}

// ── signatures ────────────────────────────────────────────────────────────────────────────────────

const CLOSINGS = [
  // English
  'thanks', 'thanks a lot', 'thanks again', 'thanks so much', 'thanks in advance', 'thank you', 'thank you so much',
  'thank you very much', 'thank you in advance', 'many thanks', 'cheers', 'best', 'best wishes', 'best regards',
  'kind regards', 'kindest regards', 'warm regards', 'warmest regards', 'regards', 'sincerely', 'yours sincerely',
  'sincerely yours', 'yours truly', 'yours faithfully', 'all the best', 'take care', 'respectfully', 'br', 'rgds',
  'thx', 'with thanks', 'with best regards', 'with kind regards',
  // German
  'viele grüße', 'viele grüsse', 'mit freundlichen grüßen', 'mit freundlichen grüssen', 'freundliche grüße',
  'freundliche grüsse', 'liebe grüße', 'liebe grüsse', 'beste grüße', 'beste grüsse', 'herzliche grüße',
  'herzliche grüsse', 'schöne grüße', 'grüße', 'grüsse', 'gruß', 'gruss', 'lg', 'vg', 'mfg', 'danke', 'danke schön',
  'vielen dank', 'besten dank',
  // French
  'cordialement', 'bien cordialement', 'bien à vous', 'salutations', 'meilleures salutations', 'sincères salutations',
  'merci', 'merci beaucoup', "merci d'avance", 'amicalement', 'bonne journée',
  // Spanish, Italian, Dutch
  'saludos', 'saludos cordiales', 'un saludo', 'atentamente', 'gracias', 'muchas gracias', 'un abrazo',
  'cordiali saluti', 'distinti saluti', 'saluti', 'grazie', 'grazie mille', 'met vriendelijke groet',
  'met vriendelijke groeten', 'vriendelijke groet', 'vriendelijke groeten', 'groeten', 'groet', 'bedankt',
  'hartelijke groet',
].sort((a, b) => b.length - a.length);

const CLOSING_LINE = new RegExp(
  String.raw`^[\s\-–—]*(?:${CLOSINGS.map(escapeRegExp).join('|')})(?![\p{L}])([^\n]*)$`,
  'iu',
);

/** Words that make a sign-off line a team or a company, not a person. */
const NOT_A_PERSON = new Set(
  `team support service services department customer customers sales billing help desk helpdesk office inc ltd llc gmbh
ag sa sarl bv co company corp the your our all everyone everybody sent from iphone android mobile again advance
you much lot so very order number account invoice ticket subject re fwd hello hi dear please update issue problem
error question request refund payment delivery shipping login password email phone address thanks regards`.split(/\s+/),
);

function validName(candidate: string): string | undefined {
  const cleaned = candidate
    .replace(/^[\s\-–—~*_]+/, '')
    .replace(/[\s.!,;:*_]+$/, '')
    .trim();
  if (!cleaned || cleaned.length > 60 || /[\d@/\\<>#]/.test(cleaned)) return undefined;
  const tokens = cleaned.split(/\s+/);
  if (tokens.length > 6) return undefined;
  let capitalised = 0;
  for (const [index, token] of tokens.entries()) {
    const lower = token.toLowerCase();
    if (NOT_A_PERSON.has(lower)) return undefined;
    if (index === 0 && /^\p{Lu}/u.test(token) && TITLES.has(lower.replace(/\.$/, ''))) continue;
    if (PARTICLES.has(lower) && capitalised > 0) continue;
    if (/^\p{Lu}\.$/u.test(token)) continue;
    if (!/^\p{Lu}[\p{L}'’-]*$/u.test(token)) return undefined;
    capitalised += 1;
  }
  const first = tokens.find((t) => !TITLES.has(t.toLowerCase().replace(/\.$/, ''))) ?? '';
  if (capitalised === 0 || capitalised > 4 || ['en', 'de', 'fr', 'es'].some((lang) => isStopword(first.toLowerCase(), lang))) return undefined;
  return cleaned;
}

/** The part of a signature line that is the name: "Emma Clarke | Acme" → "Emma Clarke". */
function leadingName(line: string): string | undefined {
  const head = line.split(/\s[|–—-]\s|,|\s\(|\s(?:from|at|von|de)\s/)[0] ?? '';
  return validName(head);
}

/**
 * Names in sign-off blocks: "Thanks,\nEmma Clarke", "Best regards, John", "Viele Grüße\nJürgen Maier",
 * "Cordialement,\n\nMarie Dubois". Also a short name line right after a "--" signature separator.
 */
export function namesFromSignature(text: string): string[] {
  const names: string[] = [];
  const lines = text.split(/\r?\n/);
  const nextNonEmpty = (from: number): string | undefined => {
    for (let j = from; j < lines.length && j <= from + 2; j++) {
      const line = lines[j]?.trim();
      if (line) return line;
    }
    return undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    let candidate: string | undefined;
    const closing = CLOSING_LINE.exec(line);
    if (closing) {
      const rest = (closing[1] ?? '').replace(/^[\s,.!:;-]+/, '');
      candidate = rest ? leadingName(rest) : undefined;
      if (!candidate && line.trim().length <= 60) {
        const next = nextNonEmpty(i + 1);
        if (next) candidate = leadingName(next);
      }
    } else if (/^\s*(?:--|—|–)\s*$/.test(line)) {
      const next = nextNonEmpty(i + 1);
      if (next) candidate = leadingName(next);
    }
    if (candidate && !names.some((n) => n.toLowerCase() === candidate.toLowerCase())) names.push(candidate);
  }
  return names;
}
