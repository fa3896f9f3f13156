/* Tidydesk ticket view with a ProseMirror reply box (ES modules, resolved by the page's import map). */
import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { schema } from 'prosemirror-schema-basic';
import { baseKeymap, chainCommands, exitCode } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';

const host = document.querySelector('[data-reply-editor="prosemirror"]');
if (!host) throw new Error('No ProseMirror reply box on this page');

const listeners = [];
let submit = () => {};

/** Paragraphs apart by a blank line, hard breaks as line breaks: the reply as the document holds it. */
function docText(doc) {
  const text = doc.textBetween(0, doc.content.size, '\n\n', (leaf) => (leaf.type === schema.nodes.hard_break ? '\n' : ''));
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

function isEmpty(doc) {
  return doc.childCount === 1 && doc.firstChild.isTextblock && doc.firstChild.content.size === 0;
}

const insertHardBreak = chainCommands(exitCode, (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(schema.nodes.hard_break.create()).scrollIntoView());
  return true;
});

const view = new EditorView(host, {
  state: EditorState.create({
    schema,
    plugins: [
      history(),
      keymap({
        'Mod-Enter': () => {
          submit();
          return true;
        },
        'Mod-z': undo,
        'Shift-Mod-z': redo,
        'Mod-y': redo,
        'Shift-Enter': insertHardBreak,
      }),
      keymap(baseKeymap),
    ],
  }),
  attributes: (state) => ({
    class: 'td-reply__rich-editor',
    'data-testid': 'reply-editor',
    'data-placeholder': host.getAttribute('data-placeholder') || '',
    'data-empty': isEmpty(state.doc) ? 'true' : 'false',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': host.getAttribute('aria-label') || 'Reply',
  }),
  dispatchTransaction(tr) {
    view.updateState(view.state.apply(tr));
    if (tr.docChanged) listeners.forEach((listener) => listener());
  },
});

submit = window.TidydeskReply.connect({
  name: 'prosemirror',
  getText: () => docText(view.state.doc),
  clear: () => view.dispatch(view.state.tr.delete(0, view.state.doc.content.size)),
  focus: () => view.focus(),
  onChange: (listener) => listeners.push(listener),
});

window.__prosemirrorView = view;
