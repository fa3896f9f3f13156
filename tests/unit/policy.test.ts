import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, decidePolicy, parsePolicyFile, type PolicyFile } from '../../lib/guard/policy';
import type { Ticket } from '../../lib/ticket/schema';

function ticket(subject: string, customer: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    helpdesk: 'tidydesk',
    ticketId: '1',
    url: 'http://127.0.0.1/',
    subject,
    requester: {},
    messages: [
      { role: 'customer', text: customer },
      { role: 'agent', text: 'We will issue a refund if needed. Contact our lawyer team.' },
      { role: 'note', text: 'password reset done' },
    ],
    tags: [],
    signals: {},
    ...extra,
  };
}

describe('default topic policies', () => {
  it.each([
    ['Charged twice', 'I was charged twice for order 1234.', 'en', 'review'],
    ['Refund please', 'The bowl arrived broken, I want my money back.', 'en', 'review'],
    ['Zahlung doppelt', 'Mir wurde der Betrag zweimal abgebucht.', 'de', 'review'],
    ["Can't log in", 'The password reset email never arrives.', 'en', 'template-only'],
    ['Passwort', 'Ich habe mein Passwort vergessen.', 'de', 'template-only'],
    ['Complaint', 'If this is not fixed I will contact my lawyer and take legal action.', 'en', 'no-ai'],
    ['Account', 'I think my account was hacked, there are orders I did not place.', 'en', 'no-ai'],
    ['Where is my parcel', 'It has been two weeks and nothing arrived.', 'en', 'draft'],
    ['Delivery', 'The parcel was signed for by someone else and the box was locked.', 'en', 'draft'],
  ])('%s → %s', (subject, text, language, mode) => {
    expect(decidePolicy(ticket(subject, text), DEFAULT_POLICY, language).mode).toBe(mode);
  });

  it('reads only the customer: an agent reply or a note does not trigger a rule', () => {
    expect(decidePolicy(ticket('Hello', 'Where is my parcel?'), DEFAULT_POLICY, 'en').mode).toBe('draft');
  });

  it('the strictest rule wins and every matching rule is listed', () => {
    const decision = decidePolicy(ticket('Refund', 'Refund me or my lawyer will hear about it. Also my password fails.'), DEFAULT_POLICY, 'en');
    expect(decision.mode).toBe('no-ai');
    expect(decision.ruleIds).toEqual(['legal-and-security', 'account-access', 'billing-and-refunds']);
    expect(decision.reasons[0]).toMatch(/legal-and-security.*lawyer/);
  });

  it('matches tags, priority and helpdesk', () => {
    const policy: PolicyFile = {
      version: 1,
      rules: [
        { id: 'vip', mode: 'review', match: { priority: ['urgent'] } },
        { id: 'gmail-off', mode: 'no-ai', match: { helpdesk: ['gmail'] } },
      ],
    };
    expect(decidePolicy(ticket('x', 'y', { priority: 'URGENT' }), policy, 'en').mode).toBe('review');
    expect(decidePolicy(ticket('x', 'y', { helpdesk: 'gmail' }), policy, 'en').mode).toBe('no-ai');
    expect(decidePolicy(ticket('x', 'y', { tags: ['Billing'] }), DEFAULT_POLICY, 'en').mode).toBe('review');
  });
});

describe('policy files', () => {
  it('accepts the defaults round-tripped through JSON', () => {
    expect(parsePolicyFile(JSON.stringify(DEFAULT_POLICY))).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  it.each([
    ['not json', '{', /not valid JSON/],
    ['wrong version', '{"version":2,"rules":[]}', /version/],
    ['bad mode', '{"version":1,"rules":[{"id":"a","mode":"maybe","match":{"tags":["x"]}}]}', /rules\.0\.mode/],
    ['empty match', '{"version":1,"rules":[{"id":"a","mode":"review","match":{}}]}', /must match on/],
  ])('%s → a message naming the field', (_name, text, message) => {
    const result = parsePolicyFile(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
