// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { editorText, insertIntoEditor, textToHtml } from '../../lib/ticket/editor';

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
  ])('%s', async (_label, existing, expected) => {
    const textarea = mount('textarea', (el) => {
      el.value = existing;
    });
    expect(await insertIntoEditor(textarea, DRAFT)).toEqual({ ok: true });
    expect(textarea.value).toBe(expected);
    expect(editorText(textarea)).toBe(expected);
  });

  it('fires a bubbling input event and then a change event', async () => {
    const textarea = mount('textarea');
    const seen = recordEvents(textarea, ['input', 'change']);
    const bubbled: string[] = [];
    document.body.addEventListener('input', () => bubbled.push('input'));
    document.body.addEventListener('change', () => bubbled.push('change'));
    await insertIntoEditor(textarea, DRAFT);
    expect(seen.map((e) => e.type)).toEqual(['input', 'change']);
    expect(bubbled).toEqual(['input', 'change']);
    const input = seen[0];
    expect(input instanceof InputEvent ? [input.inputType, input.data] : []).toEqual(['insertText', DRAFT]);
  });

  it('has the new value in place by the time the input event fires', async () => {
    const textarea = mount('textarea');
    let valueAtInput = '';
    textarea.addEventListener('input', () => {
      valueAtInput = textarea.value;
    });
    await insertIntoEditor(textarea, DRAFT);
    expect(valueAtInput).toBe(DRAFT);
  });

  it('focuses the box and puts the caret at the end', async () => {
    const textarea = mount('textarea', (el) => {
      el.value = 'Note';
    });
    await insertIntoEditor(textarea, DRAFT);
    expect(document.activeElement).toBe(textarea);
    expect(textarea.selectionStart).toBe(textarea.value.length);
    expect(textarea.selectionEnd).toBe(textarea.value.length);
  });

  it('sets the value through the native prototype setter, bypassing a React-style tracker on the instance', async () => {
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
    await insertIntoEditor(textarea, DRAFT);
    expect(trackerCalls).toEqual([]);
    expect(nativeGet.call(textarea)).toBe(DRAFT);
    expect(textarea.value).toBe(DRAFT);
  });

  it.each([
    ['read-only', (el: HTMLTextAreaElement) => (el.readOnly = true)],
    ['disabled', (el: HTMLTextAreaElement) => (el.disabled = true)],
  ])('refuses a %s textarea with a message and leaves it untouched', async (_label, setup) => {
    const textarea = mount('textarea', (el) => {
      el.value = 'Existing';
      setup(el);
    });
    const seen = recordEvents(textarea, ['input', 'change']);
    const result = await insertIntoEditor(textarea, DRAFT);
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
  ])('fills an input with %s', async (_label, type) => {
    const input = mount('input', (el) => {
      if (type) el.setAttribute('type', type);
    });
    const seen = recordEvents(input, ['input', 'change']);
    expect(await insertIntoEditor(input, 'Thanks!')).toEqual({ ok: true });
    expect(input.value).toBe('Thanks!');
    expect(seen.map((e) => e.type)).toEqual(['input', 'change']);
  });

  it('uses the HTMLInputElement setter for an input with a tracker', async () => {
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
    await insertIntoEditor(input, 'Thanks!');
    expect(trackerCalls).toEqual([]);
    expect(nativeGet.call(input)).toBe('Thanks!');
  });

  it.each(['checkbox', 'password', 'email', 'hidden'])('does not treat an input of type %s as a reply box', async (type) => {
    const input = mount('input', (el) => el.setAttribute('type', type));
    const result = await insertIntoEditor(input, 'Thanks!');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/No reply box/);
  });
});

describe('insertIntoEditor on a contenteditable', () => {
  it('puts the text into an empty editor, one line per line, and fires input', async () => {
    const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
    const seen = recordEvents(editor, ['input']);
    expect(await insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
    // happy-dom has no execCommand and nothing here takes a paste, so this exercises the paragraph fallback.
    expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Hi Dana,', '', 'Your refund is on its way.', '', 'Best wishes,', 'Sam']);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((e) => e.bubbles)).toBe(true);
    expect(document.activeElement).toBe(editor);
  });

  it('appends after what the agent already wrote, keeping it', async () => {
    const editor = mount('div', (el) => {
      el.setAttribute('contenteditable', 'true');
      el.innerHTML = '<p>Agent note</p>';
    });
    await insertIntoEditor(editor, 'Second line');
    const text = editor.textContent ?? '';
    expect(text.startsWith('Agent note')).toBe(true);
    expect(text).toContain('Second line');
    expect(text.indexOf('Agent note')).toBeLessThan(text.indexOf('Second line'));
  });

  // contenteditable="" is an editing host in browsers, but happy-dom reports isContentEditable=false for
  // it, so only the explicit "plaintext-only" value is checked here.
  it('accepts contenteditable="plaintext-only" through isContentEditable', async () => {
    const editor = mount('div', (el) => el.setAttribute('contenteditable', 'plaintext-only'));
    expect(editor.isContentEditable).toBe(true);
    expect((await insertIntoEditor(editor, 'Hello')).ok).toBe(true);
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

    it('lets the editor apply the edit like typing, without adding paragraphs of its own', async () => {
      const { calls } = stubExecCommand(true);
      const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
      const seen = recordEvents(editor, ['input']);
      expect(await insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
      expect(calls).toEqual([['insertText', DRAFT]]);
      expect(editor.querySelectorAll('p')).toHaveLength(0);
      expect(editor.textContent).toBe(DRAFT);
      expect(seen).toHaveLength(1);
    });

    it('asks for a blank line before the draft when the editor has text', async () => {
      const { calls } = stubExecCommand(true);
      const editor = mount('div', (el) => {
        el.setAttribute('contenteditable', 'true');
        el.textContent = 'Agent note';
      });
      await insertIntoEditor(editor, 'Draft');
      expect(calls).toEqual([['insertText', '\n\nDraft']]);
    });

    it('falls back to writing paragraphs when the editor swallowed the command', async () => {
      stubExecCommand(false);
      const editor = mount('div', (el) => el.setAttribute('contenteditable', 'true'));
      const seen = recordEvents(editor, ['input']);
      await insertIntoEditor(editor, 'Line one\nLine two');
      expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Line one', 'Line two']);
      expect(seen).toHaveLength(1);
    });
  });
});

describe('insertIntoEditor on a contenteditable that takes pastes (CKEditor-like)', () => {
  afterEach(() => {
    Reflect.deleteProperty(document, 'execCommand');
  });

  interface Paste {
    plain: string;
    html: string;
    /** Where the caret was when the paste arrived: the node's text and the offset in it. */
    caret: [string, number] | null;
  }

  /** An editor that handles paste itself: reads the clipboard, cancels the event, writes paragraphs. */
  function pasteHandlingEditor(html = ''): { editor: HTMLDivElement; pastes: Paste[] } {
    const pastes: Paste[] = [];
    const editor = mount('div', (el) => {
      el.setAttribute('contenteditable', 'true');
      el.innerHTML = html;
    });
    editor.addEventListener('paste', (event) => {
      const plain = event.clipboardData?.getData('text/plain') ?? '';
      const selection = document.getSelection();
      const anchor = selection?.anchorNode;
      pastes.push({
        plain,
        html: event.clipboardData?.getData('text/html') ?? '',
        caret: anchor ? [anchor.textContent ?? '', selection.anchorOffset] : null,
      });
      event.preventDefault();
      for (const block of plain.split(/\n\n/)) {
        const p = document.createElement('p');
        p.textContent = block;
        editor.appendChild(p);
      }
      editor.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    });
    return { editor, pastes };
  }

  /** An insertText that lands in the DOM and is undone when the editor's observer runs, as CKEditor 5 does. */
  function stubRevertedInsertText(editor: HTMLElement): { calls: string[] } {
    const calls: string[] = [];
    Object.defineProperty(document, 'execCommand', {
      configurable: true,
      value: (command: string, _ui: boolean, value: string) => {
        calls.push(command);
        const before = editor.innerHTML;
        editor.append(value);
        queueMicrotask(() => {
          editor.innerHTML = before;
        });
        return true;
      },
    });
    return { calls };
  }

  it('pastes the draft when insertText is undone by the editor, once, as text and as paragraphs', async () => {
    const { editor, pastes } = pasteHandlingEditor();
    const { calls } = stubRevertedInsertText(editor);
    const seen = recordEvents(editor, ['input']);

    expect(await insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });

    expect(calls).toEqual(['insertText']);
    expect(pastes).toHaveLength(1);
    expect(pastes[0]?.plain).toBe(DRAFT);
    expect(pastes[0]?.html).toBe('<p>Hi Dana,</p><p>Your refund is on its way.</p><p>Best wishes,<br>Sam</p>');
    expect([...editor.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Hi Dana,', 'Your refund is on its way.', 'Best wishes,\nSam']);
    // Only the editor's own input event: nothing was written into the DOM behind its back.
    expect(seen.map((e) => (e instanceof InputEvent ? e.inputType : e.type))).toEqual(['insertFromPaste']);
  });

  it('pastes without trying insertText where there is no execCommand', async () => {
    const { editor, pastes } = pasteHandlingEditor();
    expect(await insertIntoEditor(editor, 'Thanks!')).toEqual({ ok: true });
    expect(pastes.map((p) => p.plain)).toEqual(['Thanks!']);
    expect(editor.textContent).toBe('Thanks!');
  });

  it('pastes after what the agent wrote, with the caret at the end and a blank line first', async () => {
    const { editor, pastes } = pasteHandlingEditor('<p>Agent <b>note</b></p><p>Second thought</p>');
    stubRevertedInsertText(editor);

    expect(await insertIntoEditor(editor, 'Draft')).toEqual({ ok: true });

    expect(pastes).toHaveLength(1);
    expect(pastes[0]?.plain).toBe('\n\nDraft');
    expect(pastes[0]?.html).toBe('<p></p><p>Draft</p>');
    expect(pastes[0]?.caret).toEqual(['Second thought', 'Second thought'.length]);
    expect(editorText(editor)).toMatch(/^Agent note\s+Second thought\s+Draft$/);
  });

  it('selects the whole editor before pasting when it is empty', async () => {
    const { editor } = pasteHandlingEditor('<p><br></p>');
    let selected = '';
    editor.addEventListener('paste', () => {
      const range = document.getSelection()?.getRangeAt(0);
      selected = range ? `${range.startContainer === editor}:${range.startOffset}-${range.endOffset}` : '';
    }, { capture: true });
    await insertIntoEditor(editor, 'Hello');
    expect(selected).toBe('true:0-1');
  });

  it('does not paste again when insertText landed', async () => {
    const { editor, pastes } = pasteHandlingEditor();
    Object.defineProperty(document, 'execCommand', {
      configurable: true,
      value: (_command: string, _ui: boolean, value: string) => {
        editor.append(value);
        return true;
      },
    });
    expect(await insertIntoEditor(editor, DRAFT)).toEqual({ ok: true });
    expect(pastes).toHaveLength(0);
    expect(editor.textContent).toBe(DRAFT);
  });

  it('says so when the editor takes neither the command, nor the paste, nor paragraphs in its DOM', async () => {
    const editor = mount('div', (el) => {
      el.setAttribute('contenteditable', 'true');
      el.innerHTML = '<p>Kept</p>';
    });
    // Every change is undone on the editor's next render.
    const observer = new MutationObserver(() => {
      observer.disconnect();
      editor.innerHTML = '<p>Kept</p>';
      observer.observe(editor, { childList: true, subtree: true, characterData: true });
    });
    observer.observe(editor, { childList: true, subtree: true, characterData: true });
    try {
      const result = await insertIntoEditor(editor, DRAFT);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toMatch(/did not accept the draft/);
      expect(editor.innerHTML).toBe('<p>Kept</p>');
    } finally {
      observer.disconnect();
    }
  });
});

describe('textToHtml', () => {
  it('makes a paragraph per block and a <br> per line break, escaping markup', () => {
    expect(textToHtml('Hi <Dana> & co,\n\nLine one\nLine "two"')).toBe('<p>Hi &lt;Dana&gt; &amp; co,</p><p>Line one<br>Line &quot;two&quot;</p>');
    expect(textToHtml('One')).toBe('<p>One</p>');
  });
});

describe('editorText', () => {
  it('reads a contenteditable with non-breaking spaces as spaces', () => {
    const editor = mount('div', (el) => {
      el.setAttribute('contenteditable', 'true');
      el.innerHTML = '<p>Hi\u00a0Dana,</p>';
    });
    expect(editorText(editor)).toBe('Hi Dana,');
  });
});

describe('insertIntoEditor on something that is not an editor', () => {
  it.each([
    ['a plain div', () => mount('div', (el) => (el.textContent = 'Ticket text'))],
    ['a contenteditable="false" div', () => mount('div', (el) => el.setAttribute('contenteditable', 'false'))],
    ['a button', () => mount('button', (el) => (el.textContent = 'Send'))],
  ])('refuses %s with a message and changes nothing', async (_label, make) => {
    const el = make();
    const before = el.outerHTML;
    const seen = recordEvents(el, ['input', 'change']);
    const result = await insertIntoEditor(el, DRAFT);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/No reply box was found/);
    expect(el.outerHTML).toBe(before);
    expect(seen).toEqual([]);
  });
});
