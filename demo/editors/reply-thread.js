/*
 * Tidydesk rich-text reply boxes: what the ProseMirror, Summernote and CKEditor 5 ticket views
 * share. Each view reads its reply from its editor's own API and hands the plain text to
 * TidydeskReply.send(), which appends it to the thread as an agent message. Replies live only in
 * this page.
 */
(function () {
  'use strict';

  var AGENT_NAME = 'Sam Rivera';
  var AGENT_INITIALS = 'SR';

  /**
   * Wire a reply box: `getText` returns the editor's current plain text (from its own state),
   * `clear` empties it, and `onChange` subscribes to the editor's own change notifications.
   * Returns `submit`, for the view's Ctrl+Enter shortcut.
   */
  function connect(options) {
    var send = document.querySelector('.td-reply__send');
    var thread = document.querySelector('.td-thread');
    var status = document.querySelector('.td-reply__status');
    if (!send || !thread) throw new Error('Tidydesk reply box markup is missing');

    function update() {
      send.disabled = options.getText().trim() === '';
    }

    function submit() {
      var text = options.getText().trim();
      if (send.disabled || !text) return;
      thread.appendChild(renderReply(text, new Date()));
      options.clear();
      update();
      if (status) status.textContent = 'Reply sent';
      if (options.focus) options.focus();
    }

    options.onChange(function () {
      update();
      if (status) status.textContent = '';
    });
    send.addEventListener('click', submit);
    update();

    // For tests and for checking the demo by hand: the reply as the editor itself holds it.
    window.__editorText = function () {
      return options.getText();
    };
    document.documentElement.setAttribute('data-reply-editor-ready', options.name);
    return submit;
  }

  /** Paragraphs split at blank lines; single line breaks kept as <br>. */
  function renderReply(text, when) {
    var article = document.createElement('article');
    article.className = 'td-message td-message--agent td-message--new';
    article.setAttribute('data-author-role', 'agent');

    var header = document.createElement('header');
    header.className = 'td-message__header';
    header.appendChild(span('td-avatar td-avatar--agent', AGENT_INITIALS, true));
    header.appendChild(span('td-message__author', AGENT_NAME));
    header.appendChild(span('td-message__label', 'Public reply'));

    var time = document.createElement('time');
    time.className = 'td-message__time';
    time.setAttribute('datetime', when.toISOString());
    time.textContent = formatTime(when);
    header.appendChild(time);

    var body = document.createElement('div');
    body.className = 'td-message__body';
    text.split(/\n\s*\n/).forEach(function (paragraph) {
      var p = document.createElement('p');
      paragraph.split('\n').forEach(function (line, index) {
        if (index > 0) p.appendChild(document.createElement('br'));
        p.appendChild(document.createTextNode(line));
      });
      body.appendChild(p);
    });

    article.appendChild(header);
    article.appendChild(body);
    return article;
  }

  function span(className, text, hidden) {
    var el = document.createElement('span');
    el.className = className;
    if (hidden) el.setAttribute('aria-hidden', 'true');
    el.textContent = text;
    return el;
  }

  function formatTime(date) {
    try {
      return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    } catch (error) {
      return date.toISOString();
    }
  }

  /**
   * Plain text of editor HTML (Summernote's code, CKEditor's data). Blocks are joined with
   * `blockSeparator` ('\n' where every Enter starts a new paragraph, '\n\n' where paragraphs are
   * spaced apart); <br> is a line break, except the placeholder <br> that ends a block.
   * Non-breaking spaces become spaces; at most one blank line in a row.
   */
  function htmlToText(html, blockSeparator) {
    var root = new DOMParser().parseFromString('<body>' + html + '</body>', 'text/html').body;
    var BLOCKS = /^(P|DIV|LI|H[1-6]|BLOCKQUOTE|PRE|TR|UL|OL|TABLE)$/;
    var blocks = [];
    var current = null;

    function flush() {
      if (current !== null) blocks.push(current.replace(/\n$/, ''));
      current = null;
    }

    function walk(node) {
      if (node.nodeType === 3) {
        current = (current || '') + node.nodeValue.replace(/\u00a0/g, ' ');
      } else if (node.nodeType === 1 && node.tagName === 'BR') {
        current = (current || '') + '\n';
      } else if (node.nodeType === 1) {
        var block = BLOCKS.test(node.tagName);
        if (block) flush();
        for (var child = node.firstChild; child; child = child.nextSibling) walk(child);
        if (block) flush();
      }
    }

    for (var child = root.firstChild; child; child = child.nextSibling) walk(child);
    flush();
    return blocks
      .join(blockSeparator)
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  window.TidydeskReply = { connect: connect, htmlToText: htmlToText };
})();
