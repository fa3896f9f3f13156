/* Tidydesk ticket view with a CKEditor 5 reply box (the browser ESM build, GPL licence key). */
import { ClassicEditor, Essentials, Paragraph, Bold, Italic, Link, List, Autoformat } from 'ckeditor5';

const host = document.querySelector('[data-reply-editor="ckeditor"]');
const target = host && host.querySelector('.td-reply__ckeditor');
if (!host || !target) throw new Error('No CKEditor reply box on this page');

const editor = await ClassicEditor.create(target, {
  licenseKey: 'GPL',
  plugins: [Essentials, Paragraph, Bold, Italic, Link, List, Autoformat],
  toolbar: ['bold', 'italic', 'link', '|', 'bulletedList', 'numberedList', '|', 'undo', 'redo'],
  placeholder: host.getAttribute('data-placeholder') || '',
  link: { addTargetToExternalLinks: true },
});

// The editing root is the element the agent types into; the view owns its attributes.
editor.editing.view.change((writer) => {
  const root = editor.editing.view.document.getRoot();
  writer.setAttribute('data-testid', 'reply-editor', root);
  writer.setAttribute('aria-label', host.getAttribute('aria-label') || 'Reply', root);
});

// CKEditor spaces paragraphs apart, so blocks are joined by a blank line; soft breaks are <br>.
function text() {
  return window.TidydeskReply.htmlToText(editor.getData(), '\n\n');
}

const submit = window.TidydeskReply.connect({
  name: 'ckeditor',
  getText: text,
  clear: () => editor.setData(''),
  focus: () => editor.editing.view.focus(),
  onChange: (listener) => editor.model.document.on('change:data', listener),
});

editor.keystrokes.set('Ctrl+Enter', (_data, cancel) => {
  submit();
  cancel();
});

window.__ckeditor = editor;
