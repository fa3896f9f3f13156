import { detectAddresses } from './detectors/address';
import { detectCards } from './detectors/card';
import { detectEmails } from './detectors/email';
import { detectIbans } from './detectors/iban';
import { detectIps } from './detectors/ip';
import { detectNationalIds } from './detectors/national-id';
import { detectNames } from './detectors/person';
import { detectPhones } from './detectors/phone';
import { detectSecrets } from './detectors/secret';
import type { Entity, EntityType } from './entities';

export interface DetectOptions {
  /** Types to leave readable. SECRET is always detected. */
  disabled?: readonly EntityType[];
  /** People's names to mask (with their first and last names). */
  names?: readonly string[];
}

/**
 * How specific a type is when two findings overlap: a secret beats everything, a checksum-verified
 * IBAN or card beats a phone-shaped reading of the same digits, an email beats a name inside it.
 */
const SPECIFICITY: Record<EntityType, number> = {
  SECRET: 100,
  IBAN: 90,
  CARD: 85,
  EMAIL: 80,
  NATIONAL_ID: 75,
  IP: 70,
  PHONE: 60,
  ADDRESS: 40,
  PERSON: 30,
};

/** Keep the most specific, then the longest, finding wherever findings overlap. */
export function resolveOverlaps(candidates: readonly Entity[]): Entity[] {
  const ordered = [...candidates].sort(
    (a, b) => SPECIFICITY[b.type] - SPECIFICITY[a.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  // `kept` stays sorted by start and free of overlaps, so only the neighbours need checking.
  const kept: Entity[] = [];
  for (const candidate of ordered) {
    if (candidate.end <= candidate.start) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((kept[mid]?.start ?? 0) < candidate.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if ((before && before.end > candidate.start) || (after && after.start < candidate.end)) continue;
    kept.splice(lo, 0, candidate);
  }
  return kept;
}

/**
 * Every entity in the text, overlaps resolved, in text order. Disabled types are detected too and
 * then dropped, so an email left readable is not half-masked by a name inside it.
 */
export function detectEntities(text: string, options: DetectOptions = {}): Entity[] {
  const candidates = [
    ...detectSecrets(text),
    ...detectIbans(text),
    ...detectCards(text),
    ...detectEmails(text),
    ...detectNationalIds(text),
    ...detectIps(text),
    ...detectPhones(text),
    ...detectAddresses(text),
    ...(options.names?.length ? detectNames(text, options.names) : []),
  ];
  const disabled = new Set(options.disabled ?? []);
  disabled.delete('SECRET');
  return resolveOverlaps(candidates).filter((e) => !disabled.has(e.type));
}
