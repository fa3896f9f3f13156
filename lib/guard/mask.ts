import { z } from 'zod';
import { detectEntities, type DetectOptions } from './detect';
import { MASKABLE_TYPES, type Entity, type EntityType, type MaskableType } from './entities';

/**
 * Placeholders: `⟦EMAIL_1⟧`, `⟦PHONE_2⟧` … numbered per type within one ticket, so the same value
 * gets the same placeholder in every message. Secrets become `⟦SECRET⟧` and are not kept anywhere.
 */
export const SECRET_PLACEHOLDER = '⟦SECRET⟧';

export interface MaskOptions {
  /** Types the agent switched off. SECRET cannot be switched off. */
  disabled?: readonly EntityType[];
  /** People's names to mask, with their parts. */
  names?: readonly string[];
}

/** A masked finding. For secrets `value` is empty: a secret's value is never handed on. */
export interface MaskedEntity extends Entity {
  /** What replaced the value in the masked text. */
  placeholder: string;
}

export interface MaskResult {
  masked: string;
  /** Offsets are into the original text. */
  entities: MaskedEntity[];
}

export interface StreamUnmasker {
  /** Feed the next chunk of model output; returns the text that is safe to show now. */
  push(chunk: string): string;
  /** End of stream: returns whatever was held back. */
  flush(): string;
}

const MaskSessionDataSchema = z.object({
  version: z.literal(1),
  counters: z.partialRecord(z.enum(MASKABLE_TYPES), z.number().int().min(0)),
  entries: z.array(
    z.object({
      key: z.string(),
      name: z.string().regex(new RegExp(`^(?:${MASKABLE_TYPES.join('|')})_\\d{1,6}$`), 'not a placeholder name'),
      value: z.string(),
    }),
  ),
});
export type MaskSessionData = z.infer<typeof MaskSessionDataSchema>;

/** The same value written differently ("+44 20 …" / "+442 0…", "A@B.com" / "a@b.com") shares a placeholder. */
function normalise(type: MaskableType, value: string): string {
  switch (type) {
    case 'EMAIL':
    case 'IP':
      return value.toLowerCase();
    case 'PHONE':
      return (value.trim().startsWith('+') ? '+' : '') + value.replace(/\D/g, '');
    case 'CARD':
    case 'IBAN':
    case 'NATIONAL_ID':
      return value.replace(/[\s.-]/g, '').toUpperCase();
    case 'ADDRESS':
    case 'PERSON':
      return value.toLowerCase().replace(/\s+/g, ' ').trim();
  }
}

// ── unmasking ─────────────────────────────────────────────────────────────────────────────────────

/** Longest first so NATIONAL_ID wins over a shorter prefix. */
const PLACEHOLDER_TYPES = [...MASKABLE_TYPES].sort((a, b) => b.length - a.length);
const TYPE_ALT = PLACEHOLDER_TYPES.join('|');
const INNER = String.raw`[ \t]{0,2}(?:${TYPE_ALT})[_ \-]?\d{1,4}[ \t]{0,2}`;
/** Placeholders as written, and as a model may mangle them: [EMAIL_1], {EMAIL_1}, <EMAIL_1>, email_1 … */
const PLACEHOLDER_FORMS = new RegExp(
  [
    String.raw`[⟦〚]${INNER}[⟧〛]`,
    String.raw`\[\[${INNER}\]\]`,
    String.raw`\[${INNER}\]`,
    String.raw`\{\{${INNER}\}\}`,
    String.raw`\{${INNER}\}`,
    String.raw`<${INNER}>`,
    String.raw`(?<![\p{L}\p{N}_])(?:${TYPE_ALT})_\d{1,4}(?![\p{L}\p{N}_])`,
  ].join('|'),
  'giu',
);
const NAME_IN_FORM = new RegExp(String.raw`(${TYPE_ALT})[_ \-]?(\d{1,4})`, 'i');

const OPENERS: readonly (readonly [string, string])[] = [
  ['⟦', '⟧'],
  ['〚', '〛'],
  ['[[', ']]'],
  ['[', ']'],
  ['{{', '}}'],
  ['{', '}'],
  ['<', '>'],
];
const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Longest possible placeholder form: `{{ NATIONAL_ID_9999 }}` and a little slack. */
const MAX_FORM_LENGTH = 32;

/**
 * Whether `s` (a suffix of the text so far) could still turn into a placeholder, or into a longer
 * one, once more text arrives. `prev` is the character before `s`.
 */
function couldGrowIntoPlaceholder(s: string, prev: string): boolean {
  const pair = OPENERS.find(([open]) => s.startsWith(open));
  const opener = pair?.[0] ?? '';
  const closer = pair?.[1] ?? '';
  if (!opener && (prev !== '' && WORD_CHAR.test(prev))) return false;
  let i = opener.length;
  if (opener && i === s.length) return true;
  if (opener) {
    let spaces = 0;
    while (i < s.length && (s.charAt(i) === ' ' || s.charAt(i) === '\t') && spaces < 2) {
      i += 1;
      spaces += 1;
    }
    if (i === s.length) return true;
  }
  const rest = s.slice(i).toUpperCase();
  if (!rest) return false;
  for (const type of PLACEHOLDER_TYPES) {
    if (type.startsWith(rest)) return true;
    if (!rest.startsWith(type)) continue;
    let j = type.length;
    if (j === rest.length) return true;
    const sep = rest.charAt(j);
    if (sep === '_' || (opener && (sep === ' ' || sep === '-'))) j += 1;
    else if (!(opener && /\d/.test(sep))) continue;
    if (j === rest.length) return true;
    let k = j;
    while (k < rest.length && /\d/.test(rest.charAt(k))) k += 1;
    if (k === j) continue;
    if (k === rest.length) return true;
    if (!opener) continue;
    while (k < rest.length && (rest.charAt(k) === ' ' || rest.charAt(k) === '\t')) k += 1;
    if (k === rest.length) return true;
    const tail = rest.slice(k);
    if (tail.length < closer.length && closer.startsWith(tail)) return true;
  }
  return false;
}

export class MaskSession {
  private readonly keyToName = new Map<string, string>();
  private readonly nameToValue = new Map<string, string>();
  private readonly counters: Partial<Record<MaskableType, number>> = {};

  /** The placeholder for a value, allocating the next number for its type on first sight. */
  placeholderFor(type: EntityType, value: string): string {
    if (type === 'SECRET') return SECRET_PLACEHOLDER;
    const key = `${type}:${normalise(type, value)}`;
    let name = this.keyToName.get(key);
    if (!name) {
      const next = (this.counters[type] ?? 0) + 1;
      this.counters[type] = next;
      name = `${type}_${next}`;
      this.keyToName.set(key, name);
      this.nameToValue.set(name, value);
    }
    return `⟦${name}⟧`;
  }

  /** The original value behind a placeholder name such as `EMAIL_1`, if this session made it. */
  valueOf(name: string): string | undefined {
    return this.nameToValue.get(name.toUpperCase());
  }

  /** How many distinct values the session holds. */
  get size(): number {
    return this.nameToValue.size;
  }

  /** Fill placeholders back in. Mangled forms are recognised; unknown placeholders stay as they are. */
  unmask(text: string): string {
    return text.replace(PLACEHOLDER_FORMS, (match) => {
      const m = NAME_IN_FORM.exec(match);
      if (!m) return match;
      const value = this.nameToValue.get(`${(m[1] ?? '').toUpperCase()}_${Number.parseInt(m[2] ?? '', 10)}`);
      return value ?? match;
    });
  }

  /**
   * Unmask a streamed answer chunk by chunk. A placeholder split across chunks is held back only
   * until it is complete (or clearly is not a placeholder).
   */
  streamUnmasker(): StreamUnmasker {
    let pending = '';
    const release = (final: boolean): string => {
      if (final) {
        const out = this.unmask(pending);
        pending = '';
        return out;
      }
      let hold = pending.length;
      for (let i = Math.max(0, pending.length - MAX_FORM_LENGTH); i < pending.length; i++) {
        if (couldGrowIntoPlaceholder(pending.slice(i), i > 0 ? pending.charAt(i - 1) : '')) {
          hold = i;
          break;
        }
      }
      const ready = pending.slice(0, hold);
      pending = pending.slice(hold);
      return this.unmask(ready);
    };
    return {
      push: (chunk: string) => {
        pending += chunk;
        return release(false);
      },
      flush: () => release(true),
    };
  }

  toJSON(): MaskSessionData {
    const entries: MaskSessionData['entries'] = [];
    for (const [key, name] of this.keyToName) entries.push({ key, name, value: this.nameToValue.get(name) ?? '' });
    return { version: 1, counters: { ...this.counters }, entries };
  }

  /** Rebuild a session from `toJSON()` output (e.g. from session storage). Throws on malformed data. */
  static fromJSON(data: unknown): MaskSession {
    const parsed = MaskSessionDataSchema.parse(data);
    const session = new MaskSession();
    for (const type of MASKABLE_TYPES) {
      const count = parsed.counters[type];
      if (count !== undefined) session.counters[type] = count;
    }
    for (const entry of parsed.entries) {
      session.keyToName.set(entry.key, entry.name);
      session.nameToValue.set(entry.name, entry.value);
      // Keep counters ahead of every stored number even if the counters were edited.
      const m = /^(.+)_(\d+)$/.exec(entry.name);
      const type = MASKABLE_TYPES.find((t) => t === m?.[1]);
      if (type && m) session.counters[type] = Math.max(session.counters[type] ?? 0, Number(m[2]));
    }
    return session;
  }
}

/** Replace entities with placeholders (a fresh session unless one is given for the whole ticket). */
export function maskText(text: string, opts: MaskOptions = {}, session: MaskSession = new MaskSession()): MaskResult {
  const detectOptions: DetectOptions = { ...(opts.disabled ? { disabled: opts.disabled } : {}), ...(opts.names ? { names: opts.names } : {}) };
  const found = detectEntities(text, detectOptions);
  const entities: MaskedEntity[] = [];
  let masked = '';
  let at = 0;
  for (const e of found) {
    const placeholder = session.placeholderFor(e.type, e.value);
    masked += text.slice(at, e.start) + placeholder;
    at = e.end;
    entities.push({ ...e, value: e.type === 'SECRET' ? '' : e.value, placeholder });
  }
  masked += text.slice(at);
  return { masked, entities };
}
