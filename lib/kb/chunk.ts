import type { KbDoc } from './schema';

/** A retrievable passage of a KB document. The document's title travels with every chunk. */
export interface KbChunk {
  chunkId: string;
  docId: string;
  ordinal: number;
  title: string;
  /** The heading of the section the passage comes from, when it has one. */
  heading?: string;
  text: string;
  url?: string;
  kind: KbDoc['kind'];
  language: string;
}

export const CHUNK_MIN_WORDS = 150;
export const CHUNK_MAX_WORDS = 400;

const HEADING = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/;

/** Runs of non-space characters, counted with a plain loop (a regex is slower on long KBs). */
function wordCount(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 160;
    if (!space && !inWord) n += 1;
    inWord = !space;
  }
  return n;
}

interface Section {
  heading?: string;
  paragraphs: string[];
}

function sections(body: string): Section[] {
  const out: Section[] = [{ paragraphs: [] }];
  let para: string[] = [];
  const flush = () => {
    const text = para.join('\n').trim();
    if (text) out[out.length - 1]?.paragraphs.push(text);
    para = [];
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = HEADING.exec(line);
    if (heading?.[1]) {
      flush();
      out.push({ heading: heading[1], paragraphs: [] });
    } else if (line.trim() === '') {
      flush();
    } else {
      para.push(line.trimEnd());
    }
  }
  flush();
  return out.filter((s) => s.paragraphs.length > 0 || s.heading);
}

/** Split one over-long paragraph at sentence ends so no piece exceeds the maximum. */
function splitLongParagraph(paragraph: string): string[] {
  if (wordCount(paragraph) <= CHUNK_MAX_WORDS) return [paragraph];
  const sentences = paragraph.match(/[^.!?]+(?:[.!?]+["')\]]*\s*|$)/g) ?? [paragraph];
  const pieces: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && wordCount(current) + wordCount(sentence) > CHUNK_MAX_WORDS) {
      pieces.push(current.trim());
      current = '';
    }
    current += sentence;
  }
  if (current.trim()) pieces.push(current.trim());
  // A single sentence longer than the maximum is cut by words.
  return pieces.flatMap((piece) => {
    const w = piece.split(/\s+/);
    if (w.length <= CHUNK_MAX_WORDS) return [piece];
    const cut: string[] = [];
    for (let i = 0; i < w.length; i += CHUNK_MAX_WORDS) cut.push(w.slice(i, i + CHUNK_MAX_WORDS).join(' '));
    return cut;
  });
}

/**
 * Chunk a document by headings and paragraphs into passages of roughly 150–400 words.
 * Small sections are merged with the next; large ones split at paragraph, then sentence, ends.
 * A macro is one chunk: it is used whole.
 */
export function chunkDocument(doc: KbDoc, language: string): KbChunk[] {
  const base = { docId: doc.id, title: doc.title, kind: doc.kind, language, ...(doc.url ? { url: doc.url } : {}) };
  if (doc.kind === 'macro') {
    return [{ ...base, chunkId: `${doc.id}#0`, ordinal: 0, text: doc.body.trim() }];
  }
  const pieces: { heading?: string; text: string }[] = [];
  let heading: string | undefined;
  let buffer: string[] = [];
  let words = 0;
  const flush = () => {
    if (buffer.length > 0) pieces.push({ ...(heading ? { heading } : {}), text: buffer.join('\n\n') });
    buffer = [];
    words = 0;
    heading = undefined;
  };
  for (const section of sections(doc.body)) {
    if (section.heading && words >= CHUNK_MIN_WORDS) flush();
    if (section.heading) {
      if (buffer.length === 0) heading = section.heading;
      else buffer.push(section.heading);
    }
    for (const paragraph of section.paragraphs.flatMap(splitLongParagraph)) {
      const n = wordCount(paragraph);
      if (words > 0 && words + n > CHUNK_MAX_WORDS) {
        flush();
        // A section split across chunks keeps its heading on every piece.
        if (section.heading) heading = section.heading;
      }
      buffer.push(paragraph);
      words += n;
    }
  }
  flush();
  if (pieces.length === 0) pieces.push({ text: doc.body.trim() });
  return pieces.map((p, ordinal) => ({ ...base, ...p, chunkId: `${doc.id}#${ordinal}`, ordinal }));
}
