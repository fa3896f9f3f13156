/** Lines that open quoted email history ("On Mon, 3 Mar 2025 … wrote:", "Am … schrieb …:"). */
const QUOTE_HEADERS = [
  /^on .{3,200}wrote:\s*$/i,
  /^am .{3,200}schrieb .{0,200}:\s*$/i,
  /^le .{3,200}a écrit\s*:\s*$/i,
  /^el .{3,200}escribió:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*ursprüngliche nachricht\s*-{2,}$/i,
  /^from:\s.+$/i,
  /^von:\s.+$/i,
];

/** Mobile and mail-client footers that say nothing about the problem. */
const FOOTERS = [
  /^sent from my .{2,40}$/i,
  /^sent from (outlook|mail|gmail|yahoo mail)( for .{2,30})?$/i,
  /^get outlook for .{2,30}$/i,
  /^von meinem .{2,40} gesendet$/i,
  /^gesendet von .{2,40}$/i,
  /^envoyé de mon .{2,40}$/i,
  /^enviado desde mi .{2,40}$/i,
];

/** A signature delimiter ("-- ") per RFC 3676. */
const SIGNATURE_DELIMITER = /^--\s?$/;

/**
 * Clean a customer message for reading and retrieval: drop quoted email history, `>`-quoted
 * lines, signature blocks after "-- " and "sent from my phone" footers; keep the line breaks of
 * what remains.
 */
export function cleanMessageText(text: string): string {
  const kept: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (QUOTE_HEADERS.some((re) => re.test(trimmed)) && kept.some((l) => l.trim() !== '')) break;
    if (SIGNATURE_DELIMITER.test(line)) break;
    if (trimmed.startsWith('>')) continue;
    if (FOOTERS.some((re) => re.test(trimmed))) continue;
    kept.push(line.replace(/\s+$/, ''));
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
