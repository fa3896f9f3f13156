/* Tidydesk ticket view: reply editor and Send button. Replies live only in this page. */
(function () {
  'use strict';

  var AGENT_NAME = 'Sam Rivera';
  var AGENT_INITIALS = 'SR';

  var editor = document.querySelector('.td-reply__editor');
  var send = document.querySelector('.td-reply__send');
  var thread = document.querySelector('.td-thread');
  var status = document.querySelector('.td-reply__status');
  if (!editor || !send || !thread) return;

  // The Send button follows the editor's `input` events only: text that appears
  // without an input event leaves it disabled, as in many real helpdesks.
  send.disabled = true;
  editor.addEventListener('input', function () {
    send.disabled = editor.value.trim() === '';
    if (status) status.textContent = '';
  });

  send.addEventListener('click', submit);
  editor.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });

  function submit() {
    if (send.disabled) return;
    var text = editor.value.trim();
    if (!text) return;

    thread.appendChild(renderReply(text, new Date()));
    editor.value = '';
    send.disabled = true;
    if (status) status.textContent = 'Reply sent';
    editor.focus();
  }

  function renderReply(text, when) {
    var article = document.createElement('article');
    article.className = 'td-message td-message--agent td-message--new';
    article.setAttribute('data-author-role', 'agent');

    var header = document.createElement('header');
    header.className = 'td-message__header';

    var avatar = document.createElement('span');
    avatar.className = 'td-avatar td-avatar--agent';
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = AGENT_INITIALS;

    var author = document.createElement('span');
    author.className = 'td-message__author';
    author.textContent = AGENT_NAME;

    var label = document.createElement('span');
    label.className = 'td-message__label';
    label.textContent = 'Public reply';

    var time = document.createElement('time');
    time.className = 'td-message__time';
    time.setAttribute('datetime', when.toISOString());
    time.textContent = formatTime(when);

    header.appendChild(avatar);
    header.appendChild(author);
    header.appendChild(label);
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

  function formatTime(date) {
    try {
      return date.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch (error) {
      return date.toISOString();
    }
  }
})();
