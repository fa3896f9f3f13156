import { entity, type Entity } from '../entities';

/**
 * Email addresses: a local part, `@`, and a domain with a top-level label of two or more letters.
 * Unicode letters are allowed on both sides (internationalised addresses).
 */
const EMAIL = /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}_%+'-]+(?:\.[\p{L}\p{N}_%+'-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/gu;

export function detectEmails(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(EMAIL)) {
    found.push(entity('EMAIL', text, m.index, m.index + m[0].length));
  }
  return found;
}
