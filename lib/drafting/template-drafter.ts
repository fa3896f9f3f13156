import type { RetrievedChunk } from '../retrieval/retriever';
import { tokenize } from '../text/tokenize';
import type { Ticket } from '../ticket/schema';
import { checkCitations } from './citations';
import { scoreConfidence } from './confidence';
import { fillPlaceholders, firstNameOf, type PlaceholderValues } from './placeholders';
import type { Citation, Confidence, DraftSource } from './schema';
import { ticketLanguage, ticketQueryText } from './ticket-query';

export const TEMPLATE_PROMPT_VERSION = 'template-1';

export interface TemplateDraftInput {
  ticket: Ticket;
  /** Chunks retrieved for this ticket, best first. */
  retrieved: readonly RetrievedChunk[];
  agentName: string;
  /** Documents used by earlier drafts for this ticket: Regenerate offers something else. */
  excludeDocIds?: ReadonlySet<string>;
}

export interface TemplateDraft {
  text: string;
  citations: Citation[];
  sources: DraftSource[];
  confidence: Confidence;
  needsHuman: boolean;
  language: string;
  usedDocIds: string[];
}

/** The fixed phrases of a reply built without a macro, per language. */
const PHRASES: Record<string, { greeting: (name?: string) => string; thanks: string; closing: string; noSource: string; more: (title: string) => string }> = {
  en: {
    greeting: (name) => (name ? `Hi ${name},` : 'Hi there,'),
    thanks: 'Thanks for getting in touch.',
    closing: 'Best regards,',
    noSource:
      "I'm looking into this for you and will get back to you shortly with an answer.",
    more: (title) => `From our help article “${title}”:`,
  },
  de: {
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    thanks: 'vielen Dank für Ihre Nachricht.',
    closing: 'Viele Grüße',
    noSource: 'Ich kümmere mich darum und melde mich in Kürze mit einer Antwort bei Ihnen.',
    more: (title) => `Aus unserem Hilfeartikel „${title}“:`,
  },
  fr: {
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    thanks: 'Merci de nous avoir contactés.',
    closing: 'Cordialement,',
    noSource: 'Je regarde cela pour vous et je reviens vers vous rapidement.',
    more: (title) => `Extrait de notre article d’aide « ${title} » :`,
  },
  es: {
    greeting: (name) => (name ? `Hola ${name}:` : 'Hola:'),
    thanks: 'Gracias por escribirnos.',
    closing: 'Un saludo,',
    noSource: 'Estoy revisando tu caso y te responderé en breve.',
    more: (title) => `De nuestro artículo de ayuda «${title}»:`,
  },
};

const CLOSING_LINE =
  /^(best|kind|warm)?\s*(regards|wishes)|^(cheers|thanks|many thanks|thank you|all the best|viele grüße|beste grüße|freundliche grüße|mit freundlichen grüßen|liebe grüße|cordialement|un saludo|saludos)\b/i;

/** Split a reply into its body and its closing (sign-off and name), so passages go before the sign-off. */
function splitClosing(text: string, agentName: string): { body: string[]; closing: string[] } {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  let cut = paragraphs.length;
  for (let i = paragraphs.length - 1; i >= 1; i--) {
    const p = paragraphs[i] ?? '';
    const firstLine = p.split('\n')[0] ?? '';
    // A sign-off is short ("Best wishes," / "Thanks," + a name), not a sentence that starts with "Thanks for …".
    const short = firstLine.trim().length <= 32 && p.split('\n').length <= 4;
    if ((short && CLOSING_LINE.test(firstLine.trim())) || (agentName && p.trim() === agentName)) cut = i;
    else break;
  }
  return { body: paragraphs.slice(0, cut), closing: paragraphs.slice(cut) };
}

/** The one or two sentences of a passage that best match the ticket. */
export function bestSentences(passage: string, queryTerms: ReadonlySet<string>, language: string, maxWords = 70): string {
  const lines = passage
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^#{1,6}\s/.test(l));
  const sentences = lines.flatMap((l) => l.match(/[^.!?]+[.!?]+["')\]]*|[^.!?]+$/g) ?? []).map((s) => s.trim().replace(/^[-*]\s+/, ''));
  if (sentences.length === 0) return '';
  let bestIndex = 0;
  let bestScore = -1;
  sentences.forEach((s, i) => {
    const terms = new Set(tokenize(s, language));
    let hits = 0;
    for (const t of terms) if (queryTerms.has(t)) hits += 1;
    const score = hits / Math.sqrt(Math.max(4, terms.size));
    if (score > bestScore) {
      bestScore = score;
      bestIndex = i;
    }
  });
  const picked = [sentences[bestIndex] ?? ''];
  const next = sentences[bestIndex + 1];
  const words = (s: string) => s.split(/\s+/).length;
  if (next && words(picked[0] ?? '') + words(next) <= maxWords) picked.push(next);
  return picked.join(' ');
}

function snippetOf(chunk: RetrievedChunk, length = 220): string {
  const flat = chunk.text.replace(/^#{1,6}\s+/gm, '').replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).replace(/\s+\S*$/, '')}…`;
}

/** A retrieved passage as the numbered source `[marker]` of a draft ("Why this?"). */
export function draftSourceOf(chunk: RetrievedChunk, marker: number): DraftSource {
  return {
    marker,
    chunkId: chunk.chunkId,
    docId: chunk.docId,
    kind: chunk.kind,
    title: chunk.title,
    ...(chunk.url ? { url: chunk.url } : {}),
    snippet: snippetOf(chunk),
    score: Math.round(chunk.score * 1000) / 1000,
  };
}

/**
 * The embedded default drafter: the best-matching canned response in the customer's language,
 * placeholders filled, plus the most relevant help-article passages, each cited as `[n]`.
 * No network, no model.
 */
export function draftFromTemplate(input: TemplateDraftInput): TemplateDraft {
  const { ticket, retrieved, agentName } = input;
  const exclude = input.excludeDocIds ?? new Set<string>();
  const language = ticketLanguage(ticket);
  const phrases = PHRASES[language] ?? PHRASES.en;
  if (!phrases) throw new Error('English phrases are missing.');
  const queryTerms = new Set(tokenize(ticketQueryText(ticket), language));

  // Sources in the customer's language first; any language only when none is.
  const sameLanguage = retrieved.filter((c) => c.language === language);
  const languageMatch = sameLanguage.length > 0;
  const inLanguage = languageMatch ? sameLanguage : retrieved;
  const macros = inLanguage.filter((c) => c.kind === 'macro');
  const macro = languageMatch ? macros.find((c) => !exclude.has(c.docId)) : undefined;
  const nextMacro = macros.find((c) => c !== macro && c.docId !== macro?.docId);
  const macroMargin = macro ? (nextMacro ? Math.max(0, (macro.score - nextMacro.score) / macro.score) : 1) : 0;

  // Articles: prefer the customer's language; on Regenerate, rotate away from what was shown.
  const articlePool = inLanguage.filter((c) => c.kind === 'article');
  const fresh = articlePool.filter((c) => !exclude.has(c.docId));
  const articleCandidates = fresh.length > 0 ? fresh : articlePool;
  const topArticleScore = articleCandidates[0]?.score ?? 0;
  const articles: RetrievedChunk[] = [];
  for (const c of articleCandidates) {
    if (articles.length >= 2) break;
    if (articles.some((a) => a.docId === c.docId)) continue;
    if (articles.length > 0 && c.score < topArticleScore * 0.6) break;
    articles.push(c);
  }

  const sources: DraftSource[] = [];
  const citations: Citation[] = [];
  const addSource = (chunk: RetrievedChunk): number => {
    const marker = sources.length + 1;
    sources.push(draftSourceOf(chunk, marker));
    citations.push({ marker, chunkId: chunk.chunkId });
    return marker;
  };

  const firstName = firstNameOf(ticket.requester.name);
  const values: PlaceholderValues = {
    ...(firstName ? { 'customer.first_name': firstName } : {}),
    ...(ticket.requester.name ? { 'customer.name': ticket.requester.name } : {}),
    ...(ticket.requester.email ? { 'customer.email': ticket.requester.email } : {}),
    'ticket.id': ticket.ticketId,
    'ticket.subject': ticket.subject,
    'agent.name': agentName,
    ...(firstNameOf(agentName) ? { 'agent.first_name': firstNameOf(agentName) } : {}),
  };

  let body: string[];
  let closing: string[];
  let unfilled: string[] = [];
  if (macro) {
    const filled = fillPlaceholders(macro.text, values, language);
    unfilled = filled.unfilled;
    ({ body, closing } = splitClosing(filled.text, agentName));
    const marker = addSource(macro);
    const last = body.length - 1;
    if (last >= 0) body[last] = `${body[last]} [${marker}]`;
    else body.push(`[${marker}]`);
  } else {
    body = [phrases.greeting(firstName), phrases.thanks];
    closing = [`${phrases.closing}\n${agentName}`];
  }

  for (const article of articles) {
    const passage = bestSentences(article.text, queryTerms, language);
    if (!passage) continue;
    const marker = addSource(article);
    body.push(`${phrases.more(article.title)} ${passage} [${marker}]`);
  }
  if (sources.length === 0) body.push(phrases.noSource);

  const text = [...body, ...closing].join('\n\n');
  const check = checkCitations(text, citations, new Set(retrieved.map((c) => c.chunkId)));
  const cited = sources.filter((s) => check.validCitations.some((c) => c.marker === s.marker));
  const best = cited.reduce<RetrievedChunk | undefined>((acc, s) => {
    const chunk = retrieved.find((c) => c.chunkId === s.chunkId);
    return chunk && (!acc || chunk.coverage > acc.coverage) ? chunk : acc;
  }, undefined);
  const confidence = scoreConfidence({
    citedSources: cited.length,
    bestCoverage: best?.coverage ?? 0,
    bestScore: Math.max(0, ...cited.map((s) => s.score)),
    macroUsed: Boolean(macro),
    macroMargin,
    languageMatch,
    unfilledPlaceholders: unfilled,
    invalidCitations: check.invalidMarkers.length,
  });
  return {
    text: check.repairedText,
    citations: check.validCitations,
    sources: cited,
    confidence,
    needsHuman: confidence.level === 'low',
    language,
    usedDocIds: cited.map((s) => s.docId),
  };
}
