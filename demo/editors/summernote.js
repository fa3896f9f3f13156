/* Tidydesk ticket view with a Summernote (lite build, jQuery) reply box. */
(function ($) {
  'use strict';

  var $host = $('[data-reply-editor="summernote"]');
  var $target = $host.find('.td-reply__summernote');
  if (!$host.length || !$target.length) throw new Error('No Summernote reply box on this page');

  var listeners = [];
  var submit = function () {};

  $target.summernote({
    placeholder: $host.attr('data-placeholder') || '',
    height: 170,
    disableDragAndDrop: true,
    toolbar: [
      ['style', ['bold', 'italic', 'underline', 'clear']],
      ['para', ['ul', 'ol']],
      ['insert', ['link']],
      ['misc', ['undo', 'redo']],
    ],
    callbacks: {
      onChange: function () {
        listeners.forEach(function (listener) {
          listener();
        });
      },
      onKeydown: function (event) {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          submit();
        }
      },
    },
  });

  // Summernote starts a new paragraph on every Enter, so one block is one line.
  function text() {
    if ($target.summernote('isEmpty')) return '';
    return window.TidydeskReply.htmlToText($target.summernote('code'), '\n');
  }

  var $editable = $host.find('.note-editable');
  $editable.attr({
    'data-testid': 'reply-editor',
    'aria-label': $host.attr('aria-label') || 'Reply',
    'aria-multiline': 'true',
  });

  submit = window.TidydeskReply.connect({
    name: 'summernote',
    getText: text,
    clear: function () {
      $target.summernote('reset');
      listeners.forEach(function (listener) {
        listener();
      });
    },
    focus: function () {
      $target.summernote('focus');
    },
    onChange: function (listener) {
      listeners.push(listener);
    },
  });
})(window.jQuery);
