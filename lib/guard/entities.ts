/** The kinds of personal data and secrets the guard finds in ticket text. */
export const ENTITY_TYPES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'ADDRESS', 'PERSON', 'SECRET'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Entity types an agent may switch off. Secrets are always removed. */
export const MASKABLE_TYPES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'ADDRESS', 'PERSON'] as const satisfies readonly EntityType[];
export type MaskableType = (typeof MASKABLE_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return ENTITY_TYPES.some((type) => type === value);
}

/** One finding. `start`/`end` are UTF-16 offsets into the original text (`end` exclusive). */
export interface Entity {
  type: EntityType;
  start: number;
  end: number;
  value: string;
}

/** A detector returns every candidate it is confident about; overlaps are resolved later. */
export type Detector = (text: string) => Entity[];

export function entity(type: EntityType, text: string, start: number, end: number): Entity {
  return { type, start, end, value: text.slice(start, end) };
}
