import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { detectEntities, resolveOverlaps } from '../../lib/guard/detect';
import { namesFromSignature } from '../../lib/guard/detectors/person';
import { ENTITY_TYPES, type Entity } from '../../lib/guard/entities';
import { customerNames, guardTicket } from '../../lib/guard/guard-ticket';
import { MaskSession, maskText, SECRET_PLACEHOLDER } from '../../lib/guard/mask';
import type { Ticket } from '../../lib/ticket/schema';

const FIXTURES = join(import.meta.dirname, '../fixtures/pii');

const CaseSchema = z.object({
  text: z.string(),
  names: z.array(z.string()).optional(),
  mask: z.array(z.object({ type: z.enum(ENTITY_TYPES), value: z.string() })).default([]),
  keep: z.array(z.string()).default([]),
  /** When true, nothing but `mask` may be masked. */
  exact: z.boolean().default(false),
});
const CaseFileSchema = z.object({ description: z.string(), cases: z.array(CaseSchema) });
const NamesFileSchema = CaseFileSchema.extend({ signatures: z.array(z.object({ text: z.string(), names: z.array(z.string()) })) });

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

const DETECTOR_FILES = ['cards.json', 'phones.json', 'ibans.json', 'national-ids.json', 'secrets.json', 'emails-ips.json', 'addresses.json'];

describe.each(DETECTOR_FILES)('detector fixtures %s', (file) => {
  const { cases } = CaseFileSchema.parse(fixture(file));
  it.each(cases)('$text', (c) => {
    const { masked, entities } = maskText(c.text, c.names ? { names: c.names } : {});
    // Offsets point into the original text.
    const found = entities.map((e) => ({ type: e.type, value: c.text.slice(e.start, e.end) }));
    for (const expected of c.mask) expect(found).toContainEqual(expected);
    if (c.exact) expect(found).toEqual(c.mask);
    for (const keep of c.keep) expect(masked).toContain(keep);
    for (const e of entities) expect(e.value).toBe(e.type === 'SECRET' ? '' : c.text.slice(e.start, e.end));
  });
});

describe('names', () => {
  const file = NamesFileSchema.parse(fixture('names.json'));

  it.each(file.signatures)('namesFromSignature($text)', ({ text, names }) => {
    expect(namesFromSignature(text)).toEqual(names);
  });

  it.each(file.cases)('$text', (c) => {
    const { masked, entities } = maskText(c.text, c.names ? { names: c.names } : {});
    const found = entities.map((e) => ({ type: e.type, value: e.value }));
    for (const expected of c.mask) expect(found).toContainEqual(expected);
    for (const keep of c.keep) expect(masked).toContain(keep);
  });

  it('masks a name in any case, as whole words only', () => {
    const { masked } = maskText('JÜRGEN said jürgen; Jürgens is another word; Maier-Schulz too.', { names: ['Jürgen Maier'] });
    expect(masked).toBe('⟦PERSON_1⟧ said ⟦PERSON_1⟧; Jürgens is another word; ⟦PERSON_2⟧-Schulz too.');
  });
});

describe('overlaps', () => {
  it('prefers the more specific type, then the longer match', () => {
    const e = (type: Entity['type'], start: number, end: number): Entity => ({ type, start, end, value: '' });
    expect(resolveOverlaps([e('PHONE', 0, 10), e('CARD', 0, 19)])).toEqual([e('CARD', 0, 19)]);
    expect(resolveOverlaps([e('PERSON', 0, 4), e('EMAIL', 0, 20)])).toEqual([e('EMAIL', 0, 20)]);
    expect(resolveOverlaps([e('PERSON', 0, 4), e('PERSON', 0, 10), e('PHONE', 12, 20)])).toEqual([e('PERSON', 0, 10), e('PHONE', 12, 20)]);
  });

  it('masks a card as CARD and an IBAN as IBAN, not as phone numbers', () => {
    const types = detectEntities('Call 4111 1111 1111 1111 or DE89 3704 0044 0532 0130 00').map((x) => x.type);
    expect(types).toEqual(['CARD', 'IBAN']);
  });

  it('switching a type off leaves it readable but still protects it from other detectors', () => {
    const { masked } = maskText('emma.clarke@example.com, +44 20 7946 0958', { disabled: ['EMAIL'], names: ['Emma Clarke'] });
    expect(masked).toBe('emma.clarke@example.com, ⟦PHONE_1⟧');
  });

  it('never lets secrets be switched off', () => {
    const { masked } = maskText('password: hunter2', { disabled: ['SECRET', 'EMAIL'] });
    expect(masked).toBe(`password: ${SECRET_PLACEHOLDER}`);
  });
});

describe('MaskSession', () => {
  it('gives the same value the same placeholder across messages, numbered per type', () => {
    const session = new MaskSession();
    const a = maskText('Mail me at Emma@Example.com or call +44 20 7946 0958.', {}, session);
    const b = maskText('Again: emma@example.com, 0171 2345678 and +44 20 7946 0958.', {}, session);
    expect(a.masked).toBe('Mail me at ⟦EMAIL_1⟧ or call ⟦PHONE_1⟧.');
    expect(b.masked).toBe('Again: ⟦EMAIL_1⟧, ⟦PHONE_2⟧ and ⟦PHONE_1⟧.');
    expect(session.unmask(b.masked)).toBe('Again: Emma@Example.com, 0171 2345678 and +44 20 7946 0958.');
  });

  it('removes secrets without storing them', () => {
    const session = new MaskSession();
    const { masked, entities } = maskText('my password is Hunter2! and token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', {}, session);
    expect(masked).toBe(`my password is ${SECRET_PLACEHOLDER} and token ${SECRET_PLACEHOLDER}`);
    expect(entities.map((e) => [e.type, e.value])).toEqual([
      ['SECRET', ''],
      ['SECRET', ''],
    ]);
    expect(session.size).toBe(0);
    expect(JSON.stringify(session.toJSON())).not.toContain('Hunter2');
    expect(session.unmask(masked)).toBe(masked);
  });

  it.each([
    ['⟦EMAIL_1⟧', 'dana@example.com'],
    ['[EMAIL_1]', 'dana@example.com'],
    ['EMAIL_1', 'dana@example.com'],
    ['⟦ EMAIL_1 ⟧', 'dana@example.com'],
    ['{EMAIL_1}', 'dana@example.com'],
    ['{{EMAIL_1}}', 'dana@example.com'],
    ['<EMAIL_1>', 'dana@example.com'],
    ['email_1', 'dana@example.com'],
    ['[Email 1]', 'dana@example.com'],
    ['(PHONE_1)', '(+1 415 555 2671)'],
    ['⟦EMAIL_7⟧', '⟦EMAIL_7⟧'],
    ['[PERSON_3]', '[PERSON_3]'],
    ['MY_EMAIL_1', 'MY_EMAIL_1'],
    ['EMAIL_12', 'EMAIL_12'],
    [SECRET_PLACEHOLDER, SECRET_PLACEHOLDER],
  ])('unmask(%j) → %j', (input, expected) => {
    const session = new MaskSession();
    maskText('dana@example.com +1 415 555 2671', {}, session);
    expect(session.unmask(input)).toBe(expected);
  });

  it('survives toJSON / fromJSON and keeps numbering', () => {
    const session = new MaskSession();
    maskText('dana@example.com and 192.168.0.1', {}, session);
    const restored = MaskSession.fromJSON(JSON.parse(JSON.stringify(session.toJSON())));
    expect(restored.unmask('⟦EMAIL_1⟧ ⟦IP_1⟧')).toBe('dana@example.com 192.168.0.1');
    expect(maskText('new@example.com dana@example.com', {}, restored).masked).toBe('⟦EMAIL_2⟧ ⟦EMAIL_1⟧');
    expect(() => MaskSession.fromJSON({ version: 2 })).toThrow();
  });
});

describe('streamUnmasker', () => {
  const session = new MaskSession();
  maskText('Contact Dana Whitfield at dana@example.com', { names: ['Dana Whitfield'] }, session);

  function run(chunks: string[]): { out: string; steps: string[] } {
    const unmasker = session.streamUnmasker();
    const steps = chunks.map((c) => unmasker.push(c));
    steps.push(unmasker.flush());
    return { out: steps.join(''), steps };
  }

  it('fills a placeholder split across two chunks', () => {
    const { out, steps } = run(['Hi ⟦PERS', 'ON_1⟧, we wrote to ⟦EMAIL_1⟧.']);
    expect(out).toBe('Hi Dana Whitfield, we wrote to dana@example.com.');
    expect(steps[0]).toBe('Hi ');
  });

  it('fills a placeholder split across three chunks', () => {
    expect(run(['Write to ⟦', 'EMAIL_', '1⟧ today']).out).toBe('Write to dana@example.com today');
    expect(run(['Write to [EM', 'AIL_1', '] today']).out).toBe('Write to dana@example.com today');
    expect(run(['Hi PERSON', '_', '1!']).out).toBe('Hi Dana Whitfield!');
  });

  it('handles chunk boundaries anywhere', () => {
    const text = 'Dear ⟦PERSON_1⟧, your mail {EMAIL_1} and <EMAIL_1> are noted. ⟦PHONE_9⟧ stays.';
    const expected = session.unmask(text);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(run(chunks).out).toBe(expected);
    }
  });

  it('does not hold back a literal ⟦ that is not a placeholder longer than needed', () => {
    const { out, steps } = run(['Math: ⟦', 'x⟧ and ', 'more ⟦ text']);
    expect(out).toBe('Math: ⟦x⟧ and more ⟦ text');
    expect(steps[1]).toBe('⟦x⟧ and ');
  });

  it('holds a bare placeholder until its digits end', () => {
    const unmasker = session.streamUnmasker();
    expect(unmasker.push('see EMAIL_1')).toBe('see ');
    expect(unmasker.push(' now')).toBe('dana@example.com now');
    expect(unmasker.flush()).toBe('');
  });
});

describe('guardTicket', () => {
  const ticket: Ticket = {
    helpdesk: 'demo',
    ticketId: '1042',
    url: 'https://help.example.com/tickets/1042',
    subject: 'Refund for Emma Clarke, card 4111 1111 1111 1111',
    requester: { name: 'Emma Clarke', email: 'emma.clarke@example.com' },
    messages: [
      {
        role: 'customer',
        author: 'Emma Clarke',
        text: 'Hi,\nplease refund to DE89 3704 0044 0532 0130 00. My husband Tom Baker paid, call +44 20 7946 0958.\nMy password is Hunter2!\n\nThanks,\nEmma\n\nViele Grüße\nTom Baker',
      },
      { role: 'agent', author: 'Sam Rivera', text: 'Hi Emma, I have passed this on. Sam' },
      { role: 'note', author: 'Sam Rivera', text: 'Emma Clarke called, email emma.clarke@example.com' },
    ],
    tags: ['refund'],
    signals: {},
  };

  const guarded = guardTicket(ticket);

  it('masks names (requester, customer signatures), not the agent', () => {
    expect(guarded.names).toEqual(['Emma Clarke', 'Emma', 'Tom Baker']);
    expect(guarded.ticket.requester).toEqual({ name: '⟦PERSON_1⟧', email: '⟦EMAIL_1⟧' });
    expect(guarded.ticket.messages[1]?.text).toBe('Hi ⟦PERSON_3⟧, I have passed this on. Sam');
    expect(guarded.ticket.messages[1]?.author).toBe('Sam Rivera');
    expect(guarded.ticket.messages[0]?.author).toBe('⟦PERSON_1⟧');
  });

  it('uses one session across fields', () => {
    expect(guarded.ticket.subject).toBe('Refund for ⟦PERSON_1⟧, card ⟦CARD_1⟧');
    expect(guarded.ticket.messages[2]?.text).toBe('⟦PERSON_1⟧ called, email ⟦EMAIL_1⟧');
    const text = guarded.ticket.messages[0]?.text ?? '';
    expect(text).toContain('⟦IBAN_1⟧');
    expect(text).toContain('⟦PHONE_1⟧');
    expect(text).toContain(`My password is ${SECRET_PLACEHOLDER}`);
    expect(text).toMatch(/Thanks,\n⟦PERSON_3⟧\n\nViele Grüße\n⟦PERSON_2⟧$/);
    expect(text).not.toMatch(/Emma|Tom|Baker|Hunter2|4111|DE89|7946/);
    expect(guarded.session.unmask(text)).toBe((ticket.messages[0]?.text ?? '').replace('Hunter2!', SECRET_PLACEHOLDER));
  });

  it('reports entities per field with offsets into the original field', () => {
    const subject = guarded.entities.find((f) => f.field === 'subject');
    expect(subject?.entities.map((e) => [e.type, ticket.subject.slice(e.start, e.end)])).toEqual([
      ['PERSON', 'Emma Clarke'],
      ['CARD', '4111 1111 1111 1111'],
    ]);
    expect(guarded.entities.map((f) => f.field)).toContain('messages.0.text');
    expect(guarded.entities.map((f) => f.field)).not.toContain('messages.1.author');
  });

  it('leaves the original ticket untouched and continues a given session', () => {
    expect(ticket.subject).toContain('Emma Clarke');
    const again = guardTicket({ ...ticket, subject: 'Re: call +44 20 7946 0958 or 0171 2345678' }, { session: guarded.session });
    expect(again.ticket.subject).toBe('Re: call ⟦PHONE_1⟧ or ⟦PHONE_2⟧');
  });

  it('collects customer names without the agents', () => {
    const withAgentName: Ticket = {
      ...ticket,
      messages: [...ticket.messages, { role: 'customer', text: 'Thanks,\nSam Rivera' }],
    };
    expect(customerNames(withAgentName)).not.toContain('Sam Rivera');
  });
});
