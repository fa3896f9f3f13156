import { entity, type Entity } from '../entities';
import { textBefore } from './nearby';

/**
 * IP addresses. IPv4: four dotted octets 0–255 (not a version number such as "v1.2.3.4"). IPv6: the
 * full eight-group form, the `::` shorthand and an embedded IPv4 tail, validated group by group.
 */

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(String.raw`(?<![\p{L}\p{N}_.]|\d\.)${OCTET}(?:\.${OCTET}){3}(?![\p{L}\p{N}_]|\.\d)`, 'gu');
const IPV4_EXACT = new RegExp(String.raw`^${OCTET}(?:\.${OCTET}){3}$`);
const VERSION_BEFORE = /(?:\bv|\bversion|\bver\.?|\bbuild|\brelease|\bversi[oó]n)[ \u00a0:]*$/i;

/** Hex groups separated by colons (at least two colons), optionally ending in dotted IPv4. */
const IPV6_CANDIDATE = /(?<![\p{L}\p{N}_:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9A-Za-z]+)?(?![\p{L}\p{N}_:]|\.\d)/gu;

export function ipv6Valid(value: string): boolean {
  let address = value.replace(/%[0-9A-Za-z]+$/, '');
  let groupsNeeded = 8;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4_EXACT.test(tail)) return false;
    address = address.slice(0, lastColon + 1) + '0';
    groupsNeeded = 7;
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const groups = [...head, ...rest];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  if (halves.length === 2) {
    if (groups.length > groupsNeeded - 1) return false;
    // "::1" and "a::b" are too thin to tell from text; want some substance.
    return groups.length >= 2 && groups.join('').length >= 4;
  }
  return groups.length === groupsNeeded;
}

export function detectIps(text: string): Entity[] {
  const found: Entity[] = [];
  for (const m of text.matchAll(IPV4)) {
    if (VERSION_BEFORE.test(textBefore(text, m.index, 20))) continue;
    found.push(entity('IP', text, m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(IPV6_CANDIDATE)) {
    let value = m[0];
    // A sentence may end right after the address ("… 2001:db8::1:"): drop a dangling colon.
    while (value.endsWith(':') && !value.endsWith('::')) value = value.slice(0, -1);
    if (!ipv6Valid(value)) continue;
    // Times such as 12:30:45 have too few groups; MAC addresses have six: both fail validation.
    found.push(entity('IP', text, m.index, m.index + value.length));
  }
  return found;
}
