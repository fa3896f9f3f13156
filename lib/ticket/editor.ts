/**
 * Put text into a helpdesk's reply editor so that the helpdesk's own framework registers it.
 *
 * A textarea or input gets its value through the native setter (bypassing React's value tracker)
 * followed by `input` and `change`.
 *
 * A contenteditable (ProseMirror, CKEditor, Summernote, Gmail) is edited the way the agent would:
 * 1. focus, caret at the end (everything selected when the editor is empty), then a real
 *    `insertText` edit command. Editors that watch the DOM (ProseMirror, Summernote, plain
 *    contenteditables) take it, and each line break becomes a new paragraph, like pressing Enter.
 * 2. Editors that only listen to `beforeinput` never see that command (browsers fire no
 *    `beforeinput` for it) and undo the change on their next render: CKEditor 5 does so as soon
 *    as its mutation observer runs. So the result is checked one task later, and when the draft is
 *    not in the editor, it is pasted instead: a synthetic `paste` event with text/plain and the
 *    same text as simple HTML paragraphs. Editors that take a paste cancel the event.
 * 3. Only as a last resort are paragraphs written into the DOM, with an `input` event.
 */
export type InsertResult = { ok: true } | { ok: false; error: string };

const NO_REPLY_BOX = 'No reply box was found on this page. Open the reply editor, then press Insert again.';
const READ_ONLY = 'The reply box is read-only right now. Open the reply editor, then try again.';
const NOT_TAKEN = 'The reply box did not accept the draft. Copy the draft and paste it into the reply instead.';

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

function isContentEditable(el: HTMLElement): boolean {
  return el.isContentEditable || el.getAttribute('contenteditable') === 'true';
}

/**
 * The editor's current text, for deciding whether to replace or append and for reporting what
 * was sent. For a contenteditable: its rendered text, non-breaking spaces as spaces and at most
 * one blank line in a row (an empty paragraph between two others is one blank line, not three).
 */
export function editorText(el: HTMLElement): string {
  if (isTextControl(el)) return el.value;
  return (el.innerText ?? el.textContent ?? '').replace(/\u00a0/g, ' ').replace(/\n{3,}/g, '\n\n');
}

/** Whitespace-insensitive form, for checking whether a draft landed whatever paragraphs the editor made. */
function collapsed(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function insertIntoTextControl(el: HTMLTextAreaElement | HTMLInputElement, text: string): InsertResult {
  if (el.disabled || el.readOnly) return { ok: false, error: READ_ONLY };
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

/** The last text node with visible text inside `el`, skipping non-editable islands (widgets). */
function lastTextNode(el: HTMLElement): Node | null {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  let last: Node | null = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node.nodeValue ?? '').trim()) continue;
    const parent = node.parentElement;
    if (parent && parent !== el && parent.closest('[contenteditable="false"]')) continue;
    last = node;
  }
  return last;
}

/** Focus the editor; select everything when it is empty, else put the caret after its last text. */
function placeCaret(el: HTMLElement): void {
  const doc = el.ownerDocument;
  el.focus({ preventScroll: true });
  const selection = doc.getSelection();
  if (!selection) return;
  const range = doc.createRange();
  const last = editorText(el).trim() === '' ? null : lastTextNode(el);
  if (last) {
    range.setStart(last, (last.nodeValue ?? '').length);
    range.collapse(true);
  } else {
    range.selectNodeContents(el);
  }
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * Resolves after the current task and its microtasks, so editors' mutation observers and
 * selection handlers have run. A message-channel task is used because timers are throttled in
 * background tabs, where the helpdesk often is while the agent clicks in the side panel.
 */
function nextTask(el: HTMLElement): Promise<void> {
  const view = el.ownerDocument.defaultView;
  const Channel = view?.MessageChannel ?? globalThis.MessageChannel;
  if (typeof Channel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new Channel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text as HTML: a paragraph per blank-line-separated block, `<br>` for single line breaks. */
export function textToHtml(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => `<p>${block.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('');
}

/**
 * Offer the text as a paste. Returns whether an editor took it (cancelled the event): a synthetic
 * paste has no default action, so an uncancelled one changed nothing.
 */
function pasteText(el: HTMLElement, text: string): boolean {
  const view = el.ownerDocument.defaultView;
  const DataTransferCtor = view?.DataTransfer;
  const ClipboardEventCtor = view?.ClipboardEvent;
  if (typeof DataTransferCtor !== 'function' || typeof ClipboardEventCtor !== 'function') return false;
  let data: DataTransfer;
  try {
    data = new DataTransferCtor();
    data.setData('text/plain', text);
    data.setData('text/html', textToHtml(text));
  } catch {
    return false;
  }
  const event = new ClipboardEventCtor('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true });
  // Some environments drop the init dictionary's clipboardData; then no editor could read it.
  if (!event.clipboardData) return false;
  return !el.dispatchEvent(event);
}

/** Last resort: the text as paragraphs at the end of the editor, and an `input` event. */
function writeParagraphs(el: HTMLElement, text: string): void {
  const doc = el.ownerDocument;
  for (const line of text.split('\n')) {
    const p = doc.createElement('p');
    p.textContent = line;
    if (!line) p.appendChild(doc.createElement('br'));
    el.appendChild(p);
  }
  fireInput(el, text);
}

async function insertIntoContentEditable(el: HTMLElement, text: string): Promise<InsertResult> {
  const doc = el.ownerDocument;
  const before = collapsed(editorText(el));
  const payload = before ? `\n\n${text}` : text;
  const wanted = collapsed(text);
  /** Whether the editor, after reacting, shows the draft, or at least shows something new. */
  const outcome = async (): Promise<'landed' | 'changed' | 'unchanged'> => {
    await nextTask(el);
    const now = collapsed(editorText(el));
    if (now.includes(wanted)) return 'landed';
    return now === before ? 'unchanged' : 'changed';
  };

  // Editors built on their own model (CKEditor) map the DOM selection on `selectionchange`: give
  // them a task to see the caret move before editing, or they edit at their old selection.
  const moveCaret = async (): Promise<void> => {
    placeCaret(el);
    await nextTask(el);
  };

  // 1. A real edit command, as typing would make.
  await moveCaret();
  // execCommand is deprecated but still the one way to make an edit that editors treat as typing.
  if (typeof doc.execCommand === 'function' && doc.execCommand('insertText', false, payload)) {
    const result = await outcome();
    // An editor that took part of it made its own sense of the text; inserting again would duplicate.
    if (result !== 'unchanged') return { ok: true };
  }

  // 2. A paste, which editors built on their own document model (CKEditor, ProseMirror) handle.
  await moveCaret();
  if (pasteText(el, payload)) {
    const result = await outcome();
    if (result !== 'unchanged') return { ok: true };
  }

  // 3. The DOM itself.
  writeParagraphs(el, payload);
  return (await outcome()) === 'unchanged' ? { ok: false, error: NOT_TAKEN } : { ok: true };
}

export async function insertIntoEditor(el: HTMLElement, text: string): Promise<InsertResult> {
  if (isTextControl(el)) return insertIntoTextControl(el, text);
  if (isContentEditable(el)) return insertIntoContentEditable(el, text);
  return { ok: false, error: NO_REPLY_BOX };
}
