import { LexicalIndex } from '../retrieval/lexical-index';
import { Retriever } from '../retrieval/retriever';
import { guessLanguage } from '../text/language';
import { chunkDocument, type KbChunk } from './chunk';
import type { KbDoc } from './schema';

/** The language of a KB document: its own field, else a `de`/`en`… tag, else a guess from its text. */
export function docLanguage(doc: KbDoc): string {
  if (doc.language) return doc.language.toLowerCase().slice(0, 2);
  const tagged = doc.tags?.find((t) => /^(en|de|fr|es)$/i.test(t));
  if (tagged) return tagged.toLowerCase();
  return guessLanguage(`${doc.title}\n${doc.body}`) ?? 'en';
}

export function chunkAll(docs: readonly KbDoc[]): KbChunk[] {
  return docs.flatMap((doc) => chunkDocument(doc, docLanguage(doc)));
}

export function buildIndex(chunks: readonly KbChunk[]): LexicalIndex {
  const index = new LexicalIndex();
  for (const chunk of chunks) index.add(chunk);
  return index;
}

/** Chunk, index and wrap a set of documents: what the CLIs and tests use in one call. */
export function buildRetriever(docs: readonly KbDoc[]): { retriever: Retriever; chunks: KbChunk[]; index: LexicalIndex } {
  const chunks = chunkAll(docs);
  const index = buildIndex(chunks);
  const retriever = new Retriever(new Map(chunks.map((c) => [c.chunkId, c])), index);
  return { retriever, chunks, index };
}
