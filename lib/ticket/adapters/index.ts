import type { HelpdeskAdapter } from '../adapter';
import { freescoutAdapter } from './freescout';
import { freshdeskAdapter } from './freshdesk';
import { frontAdapter } from './front';
import { genericAdapter } from './generic';
import { gmailAdapter } from './gmail';
import { helpscoutAdapter } from './helpscout';
import { intercomAdapter } from './intercom';
import { tidydeskAdapter } from './tidydesk';
import { zammadAdapter } from './zammad';
import { zendeskAdapter } from './zendesk';

/**
 * Every helpdesk adapter, most specific first. The generic Readability fallback is always last:
 * it matches any page and reads it as one customer message.
 */
export const SPECIFIC_ADAPTERS: readonly HelpdeskAdapter[] = [
  zendeskAdapter,
  freshdeskAdapter,
  helpscoutAdapter,
  intercomAdapter,
  frontAdapter,
  gmailAdapter,
  zammadAdapter,
  freescoutAdapter,
  tidydeskAdapter,
];

export const ADAPTERS: readonly HelpdeskAdapter[] = [...SPECIFIC_ADAPTERS, genericAdapter];
