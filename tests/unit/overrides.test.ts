// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { genericAdapter } from '../../lib/ticket/adapters/generic';
import { invalidSelectors, withOverrides } from '../../lib/ticket/overrides';

const PAGE = `<html><head><title>Acme Desk</title></head><body>
  <h2 class="t-title">Where is my parcel?</h2>
  <div class="t-item from-customer"><p>It has been two weeks.</p></div>
  <div class="t-item from-staff"><span class="badge-staff">Staff</span><p>Checking now.</p></div>
  <div class="t-item private"><p>Carrier says lost.</p></div>
  <div class="composer"><div class="box" contenteditable="true"></div><a class="go">Post</a></div>
</body></html>`;

function page(): Document {
  document.documentElement.innerHTML = new DOMParser().parseFromString(PAGE, 'text/html').documentElement.innerHTML;
  return document;
}

describe('selector overrides', () => {
  const overrides = {
    subject: '.t-title',
    message: '.t-item',
    roleAgent: '.badge-staff',
    roleNote: '.private',
    editor: '.box',
    send: '.go',
  };

  it('read subject, messages and roles with the site selectors', () => {
    const adapter = withOverrides(genericAdapter, overrides);
    const ticket = adapter.extract(page(), new URL('https://desk.acme.test/t/5'));
    expect(ticket?.subject).toBe('Where is my parcel?');
    expect(ticket?.messages.map((m) => m.role)).toEqual(['customer', 'agent', 'note']);
    expect(ticket?.messages[1]?.text).toContain('Checking now.');
  });

  it('use the editor and send selectors', () => {
    const doc = page();
    const adapter = withOverrides(genericAdapter, overrides);
    expect(adapter.editor(doc)?.className).toBe('box');
    const onSent = vi.fn();
    const controller = new AbortController();
    adapter.onSend(doc, onSent, controller.signal);
    const box = doc.querySelector('.box');
    if (box) box.textContent = 'Found it!';
    doc.querySelector<HTMLElement>('.go')?.click();
    expect(onSent).toHaveBeenCalledWith('Found it!');
    controller.abort();
  });

  it('without overrides the adapter is unchanged', () => {
    expect(withOverrides(genericAdapter, {})).toBe(genericAdapter);
    expect(withOverrides(genericAdapter, undefined)).toBe(genericAdapter);
  });

  it('report selectors the browser cannot parse', () => {
    expect(invalidSelectors({ subject: 'h1', message: 'div[', send: '..x' }, document)).toEqual({
      message: '"div[" is not a valid CSS selector.',
      send: '"..x" is not a valid CSS selector.',
    });
  });
});
