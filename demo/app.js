/* Tidydesk single-page mode: tickets are fetched and swapped in place; the URL follows with pushState. */
(function () {
  'use strict';

  function ticketFromAddress() {
    var match = /[?&]ticket=(\d+)/.exec(window.location.search);
    return match ? match[1] : '1001';
  }

  // Links inside a fetched ticket page point at /tickets/N.html; in this mode they stay in the app.
  function rewriteLinks(root) {
    Array.prototype.forEach.call(root.querySelectorAll('a[href]'), function (a) {
      var m = /\/tickets\/(\d+)\.html$/.exec(a.getAttribute('href') || '');
      if (m) {
        a.setAttribute('href', '/app.html?ticket=' + m[1]);
        a.setAttribute('data-spa-ticket', m[1]);
      }
    });
  }

  function runPageScript() {
    // The ticket view's own behaviour (editor, Send) binds to the swapped-in DOM.
    var old = document.getElementById('tidydesk-view-script');
    if (old) old.remove();
    var script = document.createElement('script');
    script.id = 'tidydesk-view-script';
    script.src = '/tidydesk.js?view=' + Date.now();
    document.body.appendChild(script);
  }

  function show(id, push) {
    return fetch('/tickets/' + id + '.html')
      .then(function (response) {
        if (!response.ok) throw new Error('Ticket ' + id + ' not found');
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.getElementById('tidydesk-app');
        var current = document.getElementById('tidydesk-app');
        if (!next || !current) return;
        rewriteLinks(next);
        current.replaceWith(document.importNode(next, true));
        document.title = doc.title + ' (single-page)';
        if (push) window.history.pushState({ ticket: id }, '', '/app.html?ticket=' + id);
        runPageScript();
      })
      .catch(function (error) {
        var main = document.querySelector('.td-main');
        if (main) main.textContent = String(error);
      });
  }

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[data-spa-ticket]') : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    show(link.getAttribute('data-spa-ticket'), true);
  });

  window.addEventListener('popstate', function () {
    show(ticketFromAddress(), false);
  });

  show(ticketFromAddress(), false);
})();
