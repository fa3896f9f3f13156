import { describe, expect, it } from 'vitest';
import { DAY_MS, driftFromDrafts, type DriftDraft } from '../../lib/pilot/drift-windows';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const SHIPPING = ['Where is my parcel? The tracking has not moved', 'My order has not arrived yet, tracking stuck', 'Parcel late, courier says delivered but nothing here', 'When will my order ship?'];
const RETURNS = ['How do I return a damaged vase?', 'I want to send back the towels for a refund', 'Return label for my order please', 'The pan does not fit, can I return it?'];
const INVOICES = ['I need an invoice with our VAT number for accounting', 'Please send a VAT invoice for order', 'Our accounting team needs the invoice in PDF with VAT', 'Invoice address is wrong, VAT number missing'];

function drafts(texts: readonly string[], fromDay: number, toDay: number, count: number, coverage: number): DriftDraft[] {
  return Array.from({ length: count }, (_, i) => ({
    createdAt: NOW - (fromDay + ((toDay - fromDay) * i) / count) * DAY_MS,
    drift: { text: texts[i % texts.length] ?? '', coverage },
  }));
}

describe('drift over stored drafts', () => {
  it('stays quiet when recent tickets look like the reference', () => {
    const all = [...drafts([...SHIPPING, ...RETURNS], 8, 50, 80, 0.5), ...drafts([...SHIPPING, ...RETURNS], 0, 6, 40, 0.5)];
    const report = driftFromDrafts(all, NOW);
    expect(report.reference.tickets).toBe(80);
    expect(report.recent.tickets).toBe(40);
    expect(report.drift).toBe(false);
    expect(report.warning).toBeNull();
  });

  it('warns when recent tickets are about something new, naming the terms that grew', () => {
    const all = [...drafts([...SHIPPING, ...RETURNS], 8, 50, 80, 0.5), ...drafts(INVOICES, 0, 6, 40, 0.1)];
    const report = driftFromDrafts(all, NOW);
    expect(report.drift).toBe(true);
    expect(report.warning).toMatch(/invoice|VAT/i);
    expect(report.terms.grown.map((g) => g.term.toLowerCase()).join(' ')).toMatch(/invoice|vat/);
  });

  it('leaves out regenerations, drafts without drift data, and anything older than the reference window', () => {
    const report = driftFromDrafts(
      [
        { createdAt: NOW - DAY_MS, drift: { text: 'a', coverage: 0 }, parentDraftId: 'x' },
        { createdAt: NOW - DAY_MS },
        { createdAt: NOW - 90 * DAY_MS, drift: { text: 'old', coverage: 0 } },
        { createdAt: NOW - DAY_MS, drift: { text: 'kept', coverage: 0.3 } },
      ],
      NOW,
    );
    expect(report.recent.tickets).toBe(1);
    expect(report.reference.tickets).toBe(0);
    expect(report.tooFew).toBe(true);
    expect(report.drift).toBe(false);
  });
});
