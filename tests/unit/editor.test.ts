// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { editorText, insertIntoEditor } from '../../lib/ticket/editor';

afterEach(() => {
  document.body.innerHTML = '';
});

function mount<K extends keyof HTMLElementTagNameMap>(tag: K, setup: (el: HTMLElementTagNameMap[K]) => void = () => undefined): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setup(el);
  document.body.appendChild(el);
  return el;
}

/** Record the events an element receives, in order. */
function recordEvents(el: HTMLElement, types: readonly string[]): Event[] {
  const seen: Event[] = [];
  for (const type of types) el.addEventListener(type, (e) => seen.push(e));
  return seen;
}

const DRAFT = 'Hi Dana,\n\nYour refund is on its way.\n\nBest wishes,\nSam';

describe('insertIntoEditor on a textarea', () => {
  it.each([
    ['an empty box: replaced', '', DRAFT],
    ['a box with only whitespace: replaced', '  \n ', DRAFT],
    ['a box with text: appended after a blank line', 'Quick note', `Quick note\n\n${DRAFT}`],
    ['a box with trailing whitespace: appended after exactly one blank line', 'Quick note\n\n\n  ', `Quick note\n\n${DRAFT}`],
  ])('%s', (_label, existing, expected) => {
    const textarea = mount('textarea', (el) => {
      el.value = existing;
    });
    expect(insertIntoEditor(textarea, DRAFT)).toEqual({ ok: true });
    expect(textarea.value).toBe(expected);
    expect(editorText(textarea)).toBe(expected);
  });

  it('fires a bubbling input event and then a change event', () => {
    const textarea = mount('textarea');
    const seen = recordEvents(textarea, ['input', 'change']);
    const bubbled: string[] = [];
    document.body.addEventListener('input', () => bubbled.push('input'));
    document.body.addEventListener('change', () => bubbled.push('change'));
    insertIntoEditor(textarea, DRAFT);
    expect(seen.map((e) => e.type)).toEqual(['input', 'change']);
    expect(bubbled).toEqual(['input', 'change']);
    const input = seen[0];
    expect(input instanceof InputEvent ? [input.inputType, input.data] : []).toEqual(['insertText', DRAFT]);
  });

  it('has the new value in place by the time the input event fires', () => {
    const textarea = mount('textarea');
    let valueAtInput = '';
    textarea.addEventListener('input', () => {
      valueAtInput = textarea.value;
    });
    insertIntoEditor(textarea, DRAFT);
    expect(valueAtInput).toBe(DRAFT);
  });

  it('focuses the box and puts the caret at the end', () => {
    const textarea = mount('textarea', (el) => {
      el.value = 'Note';
    });
    insertIntoEditor(textarea, DRAFT);
    expect(document.activeElement).toBe(textarea);
    expect(textarea.selectionStart).toBe(textarea.value.length);
    expect(textarea.selectionEnd).toBe(textarea.value.length);
  });

  it('sets the value through the native prototype setter, bypassing a React-style tracker on the instance', () => {
    const textarea = mount('textarea');
    const proto = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
    const nativeGet = proto?.get;
    const nativeSet = proto?.set;
    if (!nativeGet || !nativeSet) throw new Error('happy-dom has no value accessor on the prototype');
    // React installs an own-property `value` accessor on the element to track the last value it set.
    const trackerCalls: string[] = [];
    Object.defineProperty(textarea, 'value', {
      configurable: true,
      get() {
        return nativeGet.call(textarea);
      },
      set(v: string) {
        trackerCalls.push(v);
        nativeSet.call(textarea, v);
      },
    });
    insertIntoEditor(textarea, DRAFT);
    expect(trackerCalls).toEqual([]);
    expect(nativeGet.call(textarea)).toBe(DRAFT);
    expect(textarea.value).toBe(DRAFT);
  });

  it.each([
    ['read-only', (el: HTMLTextAreaElement) => (el.readOnly = true)],
    ['disabled', (el: HTMLTextAreaElement) => (el.disabled = true)],
  ])('refuses a %s textarea with a message and leaves it untouched', (_label, setup) => {
    const textarea = mount('textarea', (el) => {
      el.value = 'Existing';
      setup(el);
    });
    const seen = recordEvents(textarea, ['input', 'change']);
    const result = insertIntoEditor(textarea, DRAFT);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/read-only/);
    expect(textarea.value).toBe('Existing');
    expect(seen).toEqual([]);
  });
});

describe('insertIntoEditor on an input', () => {
  it.each([
    ['no type attribute', null],
    ['type=text', 'text'],
    ['type=search', 'search'],
  ])('fills an input with %s', (_label, type) => {
    const input = mount('input', (el) => {
      if (type) el.setAttribute('type', type);
    });
    const seen = recordEvents(input, ['input', 'change']);
    expect(insertIntoEditor(input, 'Thanks!')).toEqual({ ok: true });
    expect(input.value).toBe('Thanks!');
    expect(seen.map((e) => e.type)).toEqual(['input', 'change']);
  });

  it('uses the HTMLInputElement setter for an input with a tracker', () => {
    const input = mount('input');
    const proto = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
    const nativeGet = proto?.get;
    const nativeSet = proto?.set;
    if (!nativeGet || !nativeSet) throw new Error('happy-dom has no value accessor on the prototype');
    const trackerCalls: string[] = [];
    Object.defineProperty(input, 'value', {
      configurable: true,
      get: () => nativeGet.call(input),
      set: (v: string) => {
        trackerCalls.push(v);
        nativeSet.call(input, v);
      },
    });
    insertIntoEditor(input, 'Thanks!');
    expect(trackerCalls).toEqual([]);
    expect(nativeGet.call(input)).toBe('Thanks!');
  });

  it.each(['checkbox', 'password', 'email', 'hidden'])('does not treat an input of type %s as a reply box', (type) => {
    const input = mount('input', (el) => el.setAttribute('type', type));
    const result = insertIntoEditor(input, 'Thanks!');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/No reply box/);
  });
});

describe('insertIntoEditor on a contenteditable', () => {
  it('puts the text into an empty editor, one line per line, and fires input', () => {
    const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
    const seen = recordEvents(editor, ['input']);
    expect(insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
    // happy-dom has no execCommand, so this exercises the paragraph fallback.
    expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Hi Dana,', '', 'Your refund is on its way.', '', 'Best wishes,', 'Sam']);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((e) => e.bubbles)).toBe(true);
    expect(document.activeElement).toBe(editor);
  });

  it('appends after what the agent already wrote, keeping it', () => {
    const editor = mount('div', (el) => {
      el.setAttribute('contenteditable', 'true');
      el.innerHTML = '<p>Agent note</p>';
    });
    insertIntoEditor(editor, 'Second line');
    const text = editor.textContent ?? '';
    expect(text.startsWith('Agent note')).toBe(true);
    expect(text).toContain('Second line');
    expect(text.indexOf('Agent note')).toBeLessThan(text.indexOf('Second line'));
  });

  // contenteditable="" is an editing host in browsers, but happy-dom reports isContentEditable=false for
  // it, so only the explicit "plaintext-only" value is checked here.
  it('accepts contenteditable="plaintext-only" through isContentEditable', () => {
    const editor = mount('div', (el) => el.setAttribute('contenteditable', 'plaintext-only'));
    expect(editor.isContentEditable).toBe(true);
    expect(insertIntoEditor(editor, 'Hello').ok).toBe(true);
    expect(editor.textContent).toContain('Hello');
  });

  describe('with a working insertText command', () => {
    afterEach(() => {
      Reflect.deleteProperty(document, 'execCommand');
    });

    function stubExecCommand(apply: boolean): { calls: [string, string][] } {
      const calls: [string, string][] = [];
      Object.defineProperty(document, 'execCommand', {
        configurable: true,
        value: (command: string, _ui: boolean, value: string) => {
          calls.push([command, value]);
          const host = document.activeElement;
          if (apply && host instanceof HTMLElement) {
            host.append(value);
            host.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value }));
          }
          return true;
        },
      });
      return { calls };
    }

    it('lets the editor apply the edit like typing, without adding paragraphs of its own', () => {
      const { calls } = stubExecCommand(true);
      const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
      const seen = recordEvents(editor, ['input']);
      expect(insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
      expect(calls).toEqual([['insertText', DRAFT]]);
      expect(editor.querySelectorAll('p')).toHaveLength(0);
      expect(editor.textContent).toBe(DRAFT);
      expect(seen).toHaveLength(1);
    });

    it('asks for a blank line before the draft when the editor has text', () => {
      const { calls } = stubExecCommand(true);
      const editor = mount('div', (el) => {
        el.setAttribute('contenteditable', 'true');
        el.textContent = 'Agent note';
      });
      insertIntoEditor(editor, 'Draft');
      expect(calls).toEqual([['insertText', '\n\nDraft']]);
    });

    it('falls back to writing paragraphs when the editor swallowed the command', () => {
      stubExecCommand(false);
      const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
      const seen = recordEvents(editor, ['input']);
      insertIntoEditor(editor, 'Line one\nLine two');
      expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Line one', 'Line two']);
      expect(seen).toHaveLength(1);
    });
  });
});

describe('insertIntoEditor on something that is not an editor', () => {
  it.each([
    ['a plain div', () => mount('div', (el) => (el.textContent = 'Ticket text'))],
    ['a contenteditable="false" div', () => mount('div', (el) => el.setAttribute('contenteditable', 'false'))],
    ['a button', () => mount('button', (el) => (el.textContent = 'Send'))],
  ])('refuses %s with a message and changes nothing', (_label, make) => {
    const el = make();
    const before = el.outerHTML;
    const seen = recordEvents(el, ['input', 'change']);
    const result = insertIntoEditor(el, DRAFT);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/No reply box was found/);
    expect(el.outerHTML).toBe(before);
    expect(seen).toEqual([]);
  });
});
