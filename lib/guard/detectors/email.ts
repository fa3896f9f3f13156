import { entity, type Entity } from '../entities';

/**
 * Email addresses: a local part, `@`, and a domain with a top-level label of two or more letters.
 * Unicode letters are allowed on both sides (internationalised addresses). The local part is at
 * most 64 characters (RFC 5321), which also keeps matching linear on hostile input.
 */
const EMAIL =
  /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}_%+'-][\p{L}\p{N}._%+'-]{0,63}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,10}\p{L}{2,24}(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/gu;

export function detectEmails(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const local = m[0].slice(0, m[0].indexOf('@'));
    if (local.endsWith('.') || local.includes('..')) continue;
    found.push(entity('EMAIL', text, m.index, m.index + m[0].length));
  }
  return found;
}
