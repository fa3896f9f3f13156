import { z } from 'zod';
import { tokenize } from '../text/tokenize';
import { citationMarkers } from './citations';
import type { OutputMode } from './provider-settings';

/**
 * What the model returns in the JSON modes. Every field is required (no optional fields), which
 * is what strict structured output expects.
 */
export const ModelOutputSchema = z.object({
  text: z.string(),
  citations: z.array(z.number().int().positive()),
  confidence: z.number().min(0).max(1),
  needsHuman: z.boolean(),
});
export type ModelOutput = z.infer<typeof ModelOutputSchema>;

/**
 * The same shape as a JSON Schema for `response_format: {type: 'json_schema'}`. Written by hand and
 * kept to the subset every strict implementation accepts (no numeric bounds; zod checks them).
 */
export const MODEL_OUTPUT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'The reply to the customer, with [n] markers citing the sources.' },
    citations: { type: 'array', items: { type: 'integer' }, description: 'The source numbers cited in text.' },
    confidence: { type: 'number', description: 'From 0 to 1: how well the sources support the reply.' },
    needsHuman: { type: 'boolean', description: 'True when the sources do not answer the question or a person must decide.' },
  },
  required: ['text', 'citations', 'confidence', 'needsHuman'],
  additionalProperties: false,
} as const;

export const MODEL_OUTPUT_SCHEMA_NAME = 'support_reply_draft';

/** A model answer, whatever mode it came in. */
export interface ParsedModelOutput {
  /** The reply text, with its `[n]` markers. */
  text: string;
  /** Markers in the text, in order of first appearance: these are what count. */
  citations: number[];
  /** Citations the model listed that do not appear in the text (ignored, reported). */
  listedOnly: number[];
  /** The model's own confidence, 0..1; null when plain text did not state it. */
  confidence: number | null;
  /** The model said a person must decide (plain text without the line: false). */
  needsHuman: boolean;
  mode: OutputMode;
  /** The answer only parsed after a repair request. */
  repaired: boolean;
}

export type ParseResult = { ok: true; value: ParsedModelOutput } | { ok: false; error: string; raw: string };

function fromModelOutput(out: ModelOutput, mode: OutputMode, repaired: boolean): ParsedModelOutput {
  const citations = citationMarkers(out.text);
  const listedOnly = [...new Set(out.citations)].filter((n) => !citations.includes(n));
  return { text: out.text.trim(), citations, listedOnly, confidence: out.confidence, needsHuman: out.needsHuman, mode, repaired };
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Strict parse: the body must be exactly the JSON object (structured output guarantees it). */
function parseExact(raw: string, mode: OutputMode, repaired: boolean): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}`, raw };
  }
  const checked = ModelOutputSchema.safeParse(data);
  if (!checked.success) return { ok: false, error: `wrong shape: ${describeZodError(checked.error)}`, raw };
  return { ok: true, value: fromModelOutput(checked.data, mode, repaired) };
}

/** Structured output (`json_schema`): the server guarantees the shape, so no leniency and no repair. */
export function parseStructuredOutput(raw: string): ParseResult {
  return parseExact(raw.trim(), 'json-schema', false);
}

/** The JSON object in a JSON-mode answer: without code fences or text around the braces. */
export function extractJsonObject(raw: string): string {
  const unfenced = raw.replace(/^\s*```(?:json)?\s*/i, '').replace(/\s*```\s*$/, '');
  const start = unfenced.indexOf('{');
  const end = unfenced.lastIndexOf('}');
  return start >= 0 && end > start ? unfenced.slice(start, end + 1) : unfenced.trim();
}

/** Asks the model once more, given its broken answer and what was wrong; returns the new raw answer. */
export type RepairHook = (raw: string, error: string) => Promise<string>;

/**
 * JSON mode (`json_object`): valid JSON is promised, the shape is not. Parse, check with zod, and
 * when that fails call `repair` exactly once and parse its answer; no second repair.
 */
export async function parseJsonModeOutput(raw: string, repair?: RepairHook): Promise<ParseResult> {
  const first = parseExact(extractJsonObject(raw), 'json', false);
  if (first.ok || !repair) return first.ok ? first : { ...first, raw };
  const second = await repair(raw, first.error);
  const result = parseExact(extractJsonObject(second), 'json', true);
  return result.ok ? result : { ok: false, error: `still invalid after one repair: ${result.error}`, raw: second };
}

const CONFIDENCE_LINE = /^\s*\**\s*CONFIDENCE\s*\**\s*[:=]\s*\**\s*([01](?:[.,]\d+)?|\.\d+)\s*(%?)\**\s*$/i;
const PERCENT_LINE = /^\s*\**\s*CONFIDENCE\s*\**\s*[:=]\s*(\d{1,3})\s*%\s*$/i;
const NEEDS_HUMAN_LINE = /^\s*\**\s*NEEDS[_ ]HUMAN\s*\**\s*[:=]\s*\**\s*(yes|no|true|false)\s*\**\s*$/i;

/**
 * Plain text with `[n]` markers. Optional trailing lines `CONFIDENCE: 0.7` and `NEEDS_HUMAN: yes`
 * (in any order, at the end) are read and removed from the text.
 */
export function parsePlainOutput(raw: string): ParseResult {
  // A model that answers with the JSON object anyway (many do, having seen it before): read it as such.
  const trimmed = raw.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('```')) {
    const asJson = parseExact(extractJsonObject(trimmed), 'plain', false);
    if (asJson.ok) return asJson;
  }
  const lines = raw.replace(/\r\n/g, '\n').split('\n');
  let confidence: number | null = null;
  let needsHuman = false;
  for (;;) {
    const last = lines[lines.length - 1];
    if (last === undefined) break;
    if (last.trim() === '') {
      lines.pop();
      continue;
    }
    const c = CONFIDENCE_LINE.exec(last);
    const p = PERCENT_LINE.exec(last);
    const h = NEEDS_HUMAN_LINE.exec(last);
    if (p?.[1]) {
      confidence = Math.min(1, Number(p[1]) / 100);
    } else if (c?.[1]) {
      confidence = Math.max(0, Math.min(1, Number(c[1].replace(',', '.'))));
    } else if (h?.[1]) {
      needsHuman = /^(yes|true)$/i.test(h[1]);
    } else {
      break;
    }
    lines.pop();
  }
  const text = lines.join('\n').trim();
  if (!text) return { ok: false, error: 'empty answer', raw };
  return { ok: true, value: { text, citations: citationMarkers(text), listedOnly: [], confidence, needsHuman, mode: 'plain', repaired: false } };
}

/** Parse an answer in the mode it was requested in. */
export async function parseModelOutput(raw: string, mode: OutputMode, repair?: RepairHook): Promise<ParseResult> {
  if (mode === 'json-schema') return parseStructuredOutput(raw);
  if (mode === 'json') return parseJsonModeOutput(raw, repair);
  return parsePlainOutput(raw);
}

export interface GroundednessSource {
  marker: number;
  text: string;
}

export interface SentenceSupport {
  sentence: string;
  markers: number[];
  /** Best share of the sentence's content words found in one of its cited sources. */
  overlap: number;
  supported: boolean;
}

export interface Groundedness {
  /** Supported claim sentences ÷ claim sentences (1 when there is no claim). */
  score: number;
  claims: number;
  unsupported: number;
  sentences: SentenceSupport[];
}

/** A sentence with fewer content words than this (greetings, sign-offs) is not a claim. */
export const MIN_CLAIM_WORDS = 3;
/** Share of a claim's content words that its cited source must contain. */
export const MIN_OVERLAP = 0.3;
/** …and never fewer than this many words in common. */
export const MIN_SHARED_WORDS = 2;

const MARKER_RE = /\[(\d{1,3})\]/g;

/** Split into sentences, keeping a marker that follows the full stop ("… settings. [2]") with its sentence. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?…])\s+(?!\[\d)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * How much of a draft its sources support. Rule: the draft is split into sentences; a sentence
 * with at least 3 content words (stop words removed, stemmed in `language`) is a claim. A claim is
 * supported when it carries a `[n]` marker and the source `n` contains at least 30% of the claim's
 * distinct content words, and at least 2 of them. Markers pointing at no given source support
 * nothing. Score = supported claims ÷ claims.
 */
export function groundedness(text: string, citedSources: readonly GroundednessSource[], language = 'en'): Groundedness {
  const sourceTerms = new Map<number, Set<string>>(citedSources.map((s) => [s.marker, new Set(tokenize(s.text, language))]));
  const sentences: SentenceSupport[] = [];
  let claims = 0;
  let supportedClaims = 0;
  for (const sentence of splitSentences(text)) {
    const markers = [...new Set([...sentence.matchAll(MARKER_RE)].map((m) => Number(m[1])))];
    const terms = new Set(tokenize(sentence.replace(MARKER_RE, ' '), language));
    if (terms.size < MIN_CLAIM_WORDS) continue;
    claims += 1;
    let overlap = 0;
    let supported = false;
    for (const n of markers) {
      const src = sourceTerms.get(n);
      if (!src) continue;
      let shared = 0;
      for (const t of terms) if (src.has(t)) shared += 1;
      const share = shared / terms.size;
      overlap = Math.max(overlap, share);
      if (share >= MIN_OVERLAP && shared >= MIN_SHARED_WORDS) supported = true;
    }
    if (supported) supportedClaims += 1;
    sentences.push({ sentence, markers, overlap: Math.round(overlap * 100) / 100, supported });
  }
  return { score: claims === 0 ? 1 : supportedClaims / claims, claims, unsupported: claims - supportedClaims, sentences };
}
