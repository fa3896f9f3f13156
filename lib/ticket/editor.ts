/**
 * Put text into a helpdesk's reply editor so that the helpdesk's own framework registers it:
 * a textarea or input gets its value through the native setter (bypassing React's value tracker)
 * followed by `input` and `change`; a contenteditable (ProseMirror, CKEditor, Summernote, Gmail)
 * gets a real `insertText` edit command, which fires `beforeinput` and `input` like typing would.
 */
export type InsertResult = { ok: true } | { ok: false; error: string };

function nativeValueSetter(el: HTMLTextAreaElement | HTMLInputElement): ((value: string) => void) | undefined {
  const view = el.ownerDocument.defaultView;
  const proto = view && el instanceof view.HTMLTextAreaElement ? view.HTMLTextAreaElement.prototype : view?.HTMLInputElement.prototype;
  const descriptor = proto ? Object.getOwnPropertyDescriptor(proto, 'value') : undefined;
  const set = descriptor?.set;
  return set ? (value: string) => set.call(el, value) : undefined;
}

function fireInput(el: HTMLElement, text: string): void {
  const view = el.ownerDocument.defaultView;
  const InputEventCtor = view?.InputEvent ?? InputEvent;
  el.dispatchEvent(new InputEventCtor('input', { bubbles: true, inputType: 'insertText', data: text }));
}

function isTextControl(el: Element): el is HTMLTextAreaElement | HTMLInputElement {
  return el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && ['text', 'search', ''].includes((el.getAttribute('type') ?? '').toLowerCase()));
}

/** The editor's current text, for deciding whether to replace or append. */
export function editorText(el: HTMLElement): string {
  return isTextControl(el) ? el.value : (el.innerText ?? el.textContent ?? '');
}

export function insertIntoEditor(el: HTMLElement, text: string): InsertResult {
  if (isTextControl(el)) {
    if (el.disabled || el.readOnly) return { ok: false, error: 'The reply box is read-only right now. Open the reply editor, then try again.' };
    const existing = el.value.trim();
    const next = existing ? `${el.value.replace(/\s+$/, '')}\n\n${text}` : text;
    el.focus();
    const set = nativeValueSetter(el);
    if (set) set(next);
    else el.value = next;
    fireInput(el, text);
    el.dispatchEvent(new Event('change', { bubbles: true }));
    el.setSelectionRange?.(next.length, next.length);
    return { ok: true };
  }
  if (el.isContentEditable || el.getAttribute('contenteditable') === 'true') {
    const doc = el.ownerDocument;
    el.focus();
    const selection = doc.getSelection();
    if (selection) {
      const range = doc.createRange();
      range.selectNodeContents(el);
      const empty = editorText(el).trim() === '';
      if (!empty) range.collapse(false);
      selection.removeAllRanges();
      selection.addRange(range);
    }
    const prefix = editorText(el).trim() === '' ? '' : '\n\n';
    // execCommand is deprecated but still the one way to make an edit that editors treat as typing.
    const done = typeof doc.execCommand === 'function' && doc.execCommand('insertText', false, prefix + text);
    if (!done || !editorText(el).includes(text.split('\n')[0] ?? '')) {
      for (const line of (prefix + text).split('\n')) {
        const p = doc.createElement('p');
        p.textContent = line;
        if (!line) p.appendChild(doc.createElement('br'));
        el.appendChild(p);
      }
      fireInput(el, text);
    }
    return { ok: true };
  }
  return { ok: false, error: 'No reply box was found on this page. Open the reply editor, then press Insert again.' };
}
