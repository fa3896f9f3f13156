/**
 * The last check on a draft before the agent sees it: links, email addresses and phone numbers
 * that appear neither in the retrieved sources nor in the ticket are removed (a model steered by
 * the ticket could otherwise slip in a phishing link, an exfiltration image or a wrong hotline),
 * and so is any echo of the system prompt. Everything else is kept as written.
 */

export type RemovedKind = 'link' | 'email' | 'phone' | 'system-prompt';

export interface OutputCheck {
  text: string;
  removed: { kind: RemovedKind; value: string }[];
}

export interface Allowed {
  /** Texts of the retrieved sources (KB passages, macros) the draft may quote from. */
  sources: string[];
  /** The ticket's own texts (messages, subject, requester details). */
  ticket: string[];
  /** The system prompt the draft must not repeat. */
  systemPrompt?: string;
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`[\]{}|\\^]+/gi;
const EMAIL_RE = /(?<![\w.%+-])[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}(?![\w-])/gi;
/** A phone-shaped run: optional +/00, digits with spaces, dots, dashes or brackets; checked further below. */
const PHONE_RE = /(?<![\w+/.-])(?:\+|00)?\(?\d[\d\s().-]{5,22}\d(?![\w/])/g;
/** `[text](target)` and `![alt](target)`, target possibly in angle brackets. */
const MARKDOWN_LINK_RE = /(!?)\[([^\]\n]{0,500})\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

function normaliseUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(TRAILING, '')
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

const normaliseEmail = (email: string) => email.trim().toLowerCase().replace(TRAILING, '');
const digitsOf = (phone: string) => phone.replace(/\(0\)/g, '').replace(/\D/g, '');

/**
 * The same number written nationally or internationally ("020 7946 0123", "+44 (0)20 7946 0123")
 * shares its last nine digits; shorter numbers must match in full.
 */
function samePhone(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length >= 9 && b.length >= 9 && a.slice(-9) === b.slice(-9);
}

/** Whether a phone-shaped match is a phone number rather than a date, an amount or a card number. */
function isPhone(candidate: string): boolean {
  const digits = digitsOf(candidate);
  if (digits.length < 7 || digits.length > 15) return false;
  const trimmed = candidate.trim();
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(trimmed)) return false;
  // Without a + / 00 / leading 0 or separators it is more likely an order or reference number.
  const international = /^(?:\+|00)/.test(trimmed);
  const separated = /\d[\s().-]+\d/.test(trimmed);
  if (!international && !separated && !trimmed.startsWith('0')) return false;
  // Groups like "12.50" or "1.076.40" are amounts.
  if (/^\d{1,3}(?:[.,]\d{3})*[.,]\d{2}$/.test(trimmed)) return false;
  return true;
}

interface AllowedSets {
  urls: Set<string>;
  emails: Set<string>;
  phones: string[];
}

function allowedSets(texts: string[]): AllowedSets {
  const urls = new Set<string>();
  const emails = new Set<string>();
  const phones: string[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(MARKDOWN_LINK_RE)) urls.add(normaliseUrl(m[3] ?? ''));
    for (const m of text.matchAll(URL_RE)) urls.add(normaliseUrl(m[0]));
    for (const m of text.matchAll(EMAIL_RE)) emails.add(normaliseEmail(m[0]));
    for (const m of text.matchAll(PHONE_RE)) if (isPhone(m[0])) phones.push(digitsOf(m[0]));
  }
  return { urls, emails, phones };
}

/** Placeholder for a span that is kept as is, so later patterns do not look inside it. */
const KEEP = (i: number) => `\uE000${i}\uE001`;
const KEPT_RE = /\uE000(\d+)\uE001/g;

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const ECHO_WORDS = 8;

interface Word {
  word: string;
  start: number;
  end: number;
}

function words(text: string): Word[] {
  return [...text.matchAll(WORD_RE)].map((m) => ({ word: m[0].toLowerCase().replace(/’/g, "'"), start: m.index, end: m.index + m[0].length }));
}

function grams(list: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= list.length; i++) out.add(list.slice(i, i + n).join(' '));
  return out;
}

/**
 * Spans of the draft that repeat the system prompt: runs of 8+ consecutive words of it (runs that
 * the sources or the ticket also contain are quotes, not echoes), and its first line when that line
 * is distinctive (4+ words).
 */
function promptEchoes(draft: string, systemPrompt: string, allowedTexts: string[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const promptWords = words(systemPrompt).map((w) => w.word);
  if (promptWords.length >= ECHO_WORDS) {
    const promptGrams = grams(promptWords, ECHO_WORDS);
    const quoted = new Set<string>();
    for (const text of allowedTexts) for (const g of grams(words(text).map((w) => w.word), ECHO_WORDS)) if (promptGrams.has(g)) quoted.add(g);
    const draftWords = words(draft);
    let runStart = -1;
    let runEnd = -1;
    for (let i = 0; i + ECHO_WORDS <= draftWords.length; i++) {
      const gram = draftWords.slice(i, i + ECHO_WORDS).map((w) => w.word).join(' ');
      const echo = promptGrams.has(gram) && !quoted.has(gram);
      if (echo) {
        if (runStart < 0) runStart = i;
        runEnd = i + ECHO_WORDS - 1;
      } else if (runStart >= 0 && i > runEnd) {
        spans.push({ start: draftWords[runStart]?.start ?? 0, end: draftWords[runEnd]?.end ?? 0 });
        runStart = -1;
      }
    }
    if (runStart >= 0) spans.push({ start: draftWords[runStart]?.start ?? 0, end: draftWords[runEnd]?.end ?? 0 });
  }
  const firstLine = systemPrompt.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (firstLine && (firstLine.match(WORD_RE)?.length ?? 0) >= 4) {
    const pattern = firstLine
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\s+/g, '\\s+');
    for (const m of draft.matchAll(new RegExp(pattern, 'gi'))) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  // Merge overlapping spans.
  spans.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Tidies what removals leave behind: double spaces, a space before punctuation, empty brackets, empty lines. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\(\s*\)|\[\s*\]|<\s*>/g, '')
        .replace(/[ \t]{2,}/g, ' ')
        .replace(/[ \t]+([.,;:!?])/g, '$1')
        .replace(/[ \t]+$/g, ''),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** Removes unknown links, email addresses and phone numbers, and system-prompt echoes, from a draft. */
export function checkOutput(draft: string, allowed: Allowed): OutputCheck {
  const removed: OutputCheck['removed'] = [];
  const allowedTexts = [...allowed.sources, ...allowed.ticket];
  const sets = allowedSets(allowedTexts);
  const kept: string[] = [];
  const keep = (value: string) => {
    kept.push(value);
    return KEEP(kept.length - 1);
  };

  let text = draft;

  // 1. The system prompt, before anything else changes the draft's words.
  if (allowed.systemPrompt && allowed.systemPrompt.trim()) {
    const spans = promptEchoes(text, allowed.systemPrompt, allowedTexts);
    for (const span of [...spans].reverse()) {
      removed.unshift({ kind: 'system-prompt', value: text.slice(span.start, span.end) });
      // At the start of a line, the space after the echo goes with it.
      const lineStart = span.start === 0 || text[span.start - 1] === '\n';
      const end = lineStart ? span.end + (/^[ \t]*/.exec(text.slice(span.end))?.[0].length ?? 0) : span.end;
      text = text.slice(0, span.start) + text.slice(end);
    }
  }

  const urlAllowed = (url: string) => sets.urls.has(normaliseUrl(url));
  const emailAllowed = (email: string) => sets.emails.has(normaliseEmail(email));

  // 2. Markdown links and images: an unknown target loses the link and keeps its text (an image goes).
  text = text.replace(MARKDOWN_LINK_RE, (whole: string, bang: string, label: string, target: string) => {
    const mailto = /^mailto:(.+)$/i.exec(target)?.[1];
    if (mailto) {
      if (emailAllowed(mailto)) return keep(whole);
      removed.push({ kind: 'email', value: mailto });
      return label;
    }
    if (/^(?:https?:\/\/|www\.)/i.test(target)) {
      if (urlAllowed(target)) return keep(whole);
      removed.push({ kind: 'link', value: target });
      return bang ? '' : label;
    }
    return keep(whole);
  });

  // 3. Bare links (and <autolinks>); trailing punctuation stays in the sentence.
  text = text.replace(/<((?:https?:\/\/|www\.)[^\s<>]+)>/gi, (whole: string, url: string) => {
    if (urlAllowed(url)) return keep(whole);
    removed.push({ kind: 'link', value: url });
    return '';
  });
  text = text.replace(URL_RE, (match: string) => {
    const url = match.replace(TRAILING, '');
    const rest = match.slice(url.length);
    if (urlAllowed(url)) return keep(url) + rest;
    removed.push({ kind: 'link', value: url });
    return rest;
  });

  // 4. Email addresses.
  text = text.replace(EMAIL_RE, (email: string) => {
    if (emailAllowed(email)) return keep(email);
    removed.push({ kind: 'email', value: email });
    return '';
  });

  // 5. Phone numbers.
  text = text.replace(PHONE_RE, (match: string) => {
    let lead = /^\s*/.exec(match)?.[0] ?? '';
    let phone = match.trim();
    // "(0800 555 0199)": the closing bracket is outside the match, so the opening one stays too.
    if (phone.startsWith('(') && (phone.match(/\(/g)?.length ?? 0) > (phone.match(/\)/g)?.length ?? 0)) {
      lead += '(';
      phone = phone.slice(1);
    }
    if (!isPhone(phone)) return match;
    const digits = digitsOf(phone);
    if (sets.phones.some((known) => samePhone(known, digits))) return match;
    removed.push({ kind: 'phone', value: phone });
    return lead;
  });

  text = text.replace(KEPT_RE, (_m: string, i: string) => kept[Number(i)] ?? '');
  return { text: removed.length > 0 ? tidy(text) : text, removed };
}
