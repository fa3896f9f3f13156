import { describe, expect, it } from 'vitest';
import { cleanMessageText } from '../../lib/ticket/clean-text';

describe('cleanMessageText', () => {
  it.each([
    [
      'English quoted history',
      'My parcel has not arrived.\nCan you check?\n\nOn Mon, 3 Mar 2025 at 09:12, Fernhill Support <help@fernhill.example> wrote:\n> Thanks for your order.\n> It ships today.',
      'My parcel has not arrived.\nCan you check?',
    ],
    [
      'German quoted history',
      'Das Paket ist nicht da.\n\nAm 03.03.2025 um 09:12 schrieb Fernhill Support <help@fernhill.example>:\n> Vielen Dank für Ihre Bestellung.',
      'Das Paket ist nicht da.',
    ],
    [
      'French quoted history',
      'Mon colis est en retard.\n\nLe lun. 3 mars 2025 à 09:12, Support <help@x.example> a écrit :\n> Merci',
      'Mon colis est en retard.',
    ],
    [
      'Spanish quoted history',
      'Mi pedido no ha llegado.\n\nEl lun, 3 mar 2025 a las 9:12, Soporte <help@x.example> escribió:\n> Gracias',
      'Mi pedido no ha llegado.',
    ],
    [
      'an Outlook "Original Message" block',
      'Please cancel it.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nOld text',
      'Please cancel it.',
    ],
    ['an Outlook "From:" header', 'Please cancel it.\n\nFrom: Fernhill Support <help@x.example>\nSent: Monday\nOld text', 'Please cancel it.'],
    ['a German "Ursprüngliche Nachricht" block', 'Bitte stornieren.\n\n-----Ursprüngliche Nachricht-----\nVon: Support\nAlt', 'Bitte stornieren.'],
    ['a German "Von:" header', 'Bitte stornieren.\n\nVon: Fernhill Support <help@x.example>\nAlt', 'Bitte stornieren.'],
  ])('cuts %s', (_label, input, expected) => {
    expect(cleanMessageText(input)).toBe(expected);
  });

  it.each([
    ['"> " quoted lines', 'I agree.\n> You said this\n>> and that\n  > indented quote\nThanks', 'I agree.\nThanks'],
    ['"Sent from my iPhone"', 'Where is my order?\n\nSent from my iPhone', 'Where is my order?'],
    ['"Sent from my Galaxy"', 'Where is my order?\nSent from my Samsung Galaxy', 'Where is my order?'],
    ['"Sent from Outlook for iOS"', 'Where is my order?\n\nSent from Outlook for iOS', 'Where is my order?'],
    ['"Get Outlook for Android"', 'Where is my order?\n\nGet Outlook for Android', 'Where is my order?'],
    ['"Von meinem iPhone gesendet"', 'Wo ist meine Bestellung?\n\nVon meinem iPhone gesendet', 'Wo ist meine Bestellung?'],
    ['"Envoyé de mon iPhone"', 'Où est ma commande ?\n\nEnvoyé de mon iPhone', 'Où est ma commande ?'],
    ['"Enviado desde mi iPhone"', '¿Dónde está mi pedido?\n\nEnviado desde mi iPhone', '¿Dónde está mi pedido?'],
  ])('drops %s', (_label, input, expected) => {
    expect(cleanMessageText(input)).toBe(expected);
  });

  it('drops everything after a "-- " signature delimiter', () => {
    expect(cleanMessageText('Please refund me.\n\nDana\n-- \nDana Whitfield\nHead of Purchasing\n+44 20 7946 0000')).toBe('Please refund me.\n\nDana');
    expect(cleanMessageText('Please refund me.\n--\nDana Whitfield')).toBe('Please refund me.');
  });

  it('keeps a dash line that is not a signature delimiter', () => {
    expect(cleanMessageText('Options:\n-- first\n--- second')).toBe('Options:\n-- first\n--- second');
  });

  it('keeps line breaks, collapses three or more to one blank line, and trims trailing spaces', () => {
    expect(cleanMessageText('Hello,   \n\nOrder 1042:\n- vase\n- lamp\n\n\n\nThanks\r\nDana  ')).toBe('Hello,\n\nOrder 1042:\n- vase\n- lamp\n\nThanks\nDana');
  });

  it('keeps indentation at the start of lines', () => {
    expect(cleanMessageText('Steps:\n  1. open\n  2. click')).toBe('Steps:\n  1. open\n  2. click');
  });

  it('does not cut at a quote header before any text of the customer’s own', () => {
    // A forwarded message that starts with the header: nothing would be left if it cut here.
    expect(cleanMessageText('On Mon, 3 Mar 2025, Jo <jo@example.com> wrote:\nThe lamp is broken.')).toBe(
      'On Mon, 3 Mar 2025, Jo <jo@example.com> wrote:\nThe lamp is broken.',
    );
  });

  it('keeps ordinary sentences that only resemble headers', () => {
    const text = 'On Monday I wrote to you.\nAm Montag habe ich geschrieben.\nFrom now on I will use email.';
    expect(cleanMessageText(text)).toBe('On Monday I wrote to you.\nAm Montag habe ich geschrieben.\nFrom now on I will use email.');
  });

  it('keeps a sentence that mentions being sent from a phone inside a longer line', () => {
    expect(cleanMessageText('The order was sent from my old address by mistake, can you fix it?')).toBe(
      'The order was sent from my old address by mistake, can you fix it?',
    );
  });

  it.each([
    ['', ''],
    ['   \n\n  ', ''],
    ['> only a quote', ''],
  ])('returns an empty string for %j', (input, expected) => {
    expect(cleanMessageText(input)).toBe(expected);
  });
});
