import { describe, expect, it } from 'vitest';
import { checkOutput } from '../../lib/guard/output-check';

const SOURCES = [
  'Parcels that have not arrived 5 working days after the expected date can be investigated: https://help.fernhill-supply.example/articles/missing-parcels. Call +44 (0)20 7946 0123, Monday to Friday.',
  'Returns: print your label at www.fernhill-supply.example/returns and drop it at any post office.',
];
const TICKET = ['Hi, my order FH-48213 never arrived. You can reach me on 07700 900123 or at emma.clarke@example.com.', 'help@fernhill-supply.example wrote:'];
const SYSTEM_PROMPT =
  'You are the Fernhill Supply support copilot.\nAnswer only from the numbered sources and cite each claim with its marker. Never promise a refund the policy does not allow.';

const check = (draft: string, systemPrompt?: string) =>
  checkOutput(draft, { sources: SOURCES, ticket: TICKET, ...(systemPrompt ? { systemPrompt } : {}) });

describe('checkOutput', () => {
  it('leaves a draft that only uses known links, addresses and numbers exactly as it was', () => {
    const draft =
      'Hi Emma,\n\nSorry your parcel FH-48213 has not arrived. We can open an investigation: https://help.fernhill-supply.example/articles/missing-parcels.\n\nYou can call us on +44 20 7946 0123, or reply to help@fernhill-supply.example. We will call you on 07700 900123 if needed.\n\nBest wishes,\nSam';
    expect(check(draft)).toEqual({ text: draft, removed: [] });
  });

  it('removes unknown links and keeps the sentence around them', () => {
    const result = check('Please claim your refund at https://fernhill-refunds.example.info/claim?u=1. Thanks!');
    expect(result.removed).toEqual([{ kind: 'link', value: 'https://fernhill-refunds.example.info/claim?u=1' }]);
    expect(result.text).toBe('Please claim your refund at. Thanks!');
  });

  it('removes www. links that appear nowhere', () => {
    const result = check('Print the label at www.label-printer.example/new today.');
    expect(result.removed).toEqual([{ kind: 'link', value: 'www.label-printer.example/new' }]);
    expect(result.text).toBe('Print the label at today.');
  });

  it('compares links without case, scheme, www. or trailing punctuation', () => {
    const draft = 'See HTTPS://help.fernhill-supply.example/articles/missing-parcels, or https://www.fernhill-supply.example/returns.';
    expect(check(draft).removed).toEqual([]);
  });

  it('keeps the text of an unknown markdown link and drops an unknown image', () => {
    const result = check('You can [download your label here](https://labels.example.net/x?id=9).\n\n![pixel](https://px.example.com/t.gif?c=hist)\n\nBest wishes');
    expect(result.text).toBe('You can download your label here.\n\nBest wishes');
    expect(result.removed).toEqual([
      { kind: 'link', value: 'https://labels.example.net/x?id=9' },
      { kind: 'link', value: 'https://px.example.com/t.gif?c=hist' },
    ]);
  });

  it('keeps a markdown link to a source', () => {
    const draft = 'Details are in [our help article](https://help.fernhill-supply.example/articles/missing-parcels).';
    expect(check(draft)).toEqual({ text: draft, removed: [] });
  });

  it('removes unknown email addresses, also in mailto links', () => {
    const result = check('Write to claims@evil.example or [our claims desk](mailto:desk@evil.example), or to Help@Fernhill-Supply.example.');
    expect(result.removed).toEqual([
      { kind: 'email', value: 'desk@evil.example' },
      { kind: 'email', value: 'claims@evil.example' },
    ]);
    expect(result.text).toBe('Write to or our claims desk, or to Help@Fernhill-Supply.example.');
  });

  it('removes unknown phone numbers and keeps known ones in any format', () => {
    const result = check('Call 0800 555 0199 or +44 20 7946 0123 or 020 7946 0123 or (0044) 20-7946-0123.');
    expect(result.removed).toEqual([{ kind: 'phone', value: '0800 555 0199' }]);
    expect(result.text).toBe('Call or +44 20 7946 0123 or 020 7946 0123 or (0044) 20-7946-0123.');
  });

  it('leaves order numbers, dates, amounts, times and card-length numbers alone', () => {
    const draft = 'Order FH-48213 of 24 Feb 2025 (£58.40, ref 450920522) left on 2025-03-06 at 09:12; total 1,076.40. Tracking 1Z999AA10123456784.';
    expect(check(draft)).toEqual({ text: draft, removed: [] });
  });

  it('does not look for phone numbers or emails inside kept links', () => {
    const sources = ['Your order page: https://shop.example/orders/07700900999?contact=ops@shop.example'];
    const draft = 'Open https://shop.example/orders/07700900999?contact=ops@shop.example to see it.';
    expect(checkOutput(draft, { sources, ticket: [] })).toEqual({ text: draft, removed: [] });
  });

  it('removes a run of eight or more words of the system prompt', () => {
    const result = check('Hi Emma, my instructions say: answer only from the numbered sources and cite each claim with its marker. Your parcel is on its way.', SYSTEM_PROMPT);
    expect(result.removed).toEqual([{ kind: 'system-prompt', value: 'answer only from the numbered sources and cite each claim with its marker' }]);
    expect(result.text).toBe('Hi Emma, my instructions say:. Your parcel is on its way.');
  });

  it("removes the system prompt's first line", () => {
    const result = check('You are the Fernhill Supply support copilot.   Happy to help!', SYSTEM_PROMPT);
    expect(result.removed.map((r) => r.kind)).toEqual(['system-prompt']);
    expect(result.text).toBe('Happy to help!');
  });

  it('keeps short overlaps with the system prompt and quotes that the sources also contain', () => {
    const prompt = 'Answer in a friendly tone. Parcels that have not arrived 5 working days after the expected date can be investigated.';
    const draft = 'Thanks for asking. Parcels that have not arrived 5 working days after the expected date can be investigated, so I have opened one. The policy does not allow that.';
    expect(checkOutput(draft, { sources: SOURCES, ticket: TICKET, systemPrompt: prompt })).toEqual({ text: draft, removed: [] });
  });

  it('tidies double spaces and empty brackets left behind, and nothing else', () => {
    const result = check('Call us (0800 555 0199) or  visit https://x.example/a  today.\nLine two stays.');
    expect(result.text).toBe('Call us or visit today.\nLine two stays.');
  });
});
