import type { HelpdeskAdapter } from '../adapter';
import { genericAdapter } from './generic';
import { tidydeskAdapter } from './tidydesk';

/**
 * Every helpdesk adapter, most specific first. The generic Readability fallback is always last:
 * it matches any page and reads it as one customer message.
 */
export const SPECIFIC_ADAPTERS: readonly HelpdeskAdapter[] = [
  tidydeskAdapter,
];

export const ADAPTERS: readonly HelpdeskAdapter[] = [...SPECIFIC_ADAPTERS, genericAdapter];
