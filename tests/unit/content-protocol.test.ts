import { describe, expect, it } from 'vitest';
import { parseBackgroundToContent } from '../../lib/content-protocol';
import { BackgroundToContent } from '../../lib/messages';
import { overridesOfSite } from '../../lib/ticket/overrides';
import { SiteOverridesSchema } from '../../lib/ticket/overrides-schema';

/** The content script parses messages without zod; it must accept exactly what the schema accepts. */
describe('the content script message parser agrees with the zod contract', () => {
  it.each<[string, unknown]>([
    ['insert', { type: 'editor/insert', ticketKey: 'zendesk:1', text: 'Hi' }],
    ['reread', { type: 'ticket/reread' }],
    ['snapshot', { type: 'page/snapshot' }],
    ['insert without text', { type: 'editor/insert', ticketKey: 'zendesk:1' }],
    ['insert with a number', { type: 'editor/insert', ticketKey: 'k', text: 5 }],
    ['unknown type', { type: 'tabs/close' }],
    ['no type', { text: 'x' }],
    ['null', null],
    ['a string', 'editor/insert'],
  ])('%s', (_name, raw) => {
    const zod = BackgroundToContent.safeParse(raw);
    const mine = parseBackgroundToContent(raw);
    expect(mine).toEqual(zod.success ? zod.data : null);
  });
});

describe('stored overrides read by the content script', () => {
  it('takes the site’s string selectors and ignores the rest', () => {
    const stored = { 'https://a.test': { subject: ' h1 ', message: 5, send: '' }, 'https://b.test': 'nope' };
    expect(overridesOfSite(stored, 'https://a.test')).toEqual({ subject: 'h1' });
    expect(overridesOfSite(stored, 'https://b.test')).toBeUndefined();
    expect(overridesOfSite(null, 'https://a.test')).toBeUndefined();
    expect(SiteOverridesSchema.safeParse({ 'https://a.test': { subject: 'h1' } }).success).toBe(true);
  });
});
