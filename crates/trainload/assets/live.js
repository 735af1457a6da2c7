// Live updates (issue #6 §4): follow the signed-in athlete's events on /events and, on each one,
// fetch the current page again, swap its <main> in, and tell the page's scripts to redraw with a
// 'tl:refresh' event on document. Bursts of events cause one fetch at a time plus one more.
(function () {
  'use strict';
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;

  var busy = false;
  var again = false;
  var noteTimer = null;

  function showNote() {
    var note = document.getElementById('live-note');
    if (!note) {
      note = document.createElement('div');
      note.id = 'live-note';
      note.className = 'live-note';
      note.setAttribute('role', 'status');
      document.body.appendChild(note);
    }
    note.textContent = 'Updated ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    note.classList.add('shown');
    clearTimeout(noteTimer);
    noteTimer = setTimeout(function () { note.classList.remove('shown'); }, 4000);
  }

  // Ids of the <details> open now, so an explanation the reader opened stays open.
  function openDetails(main) {
    var ids = [];
    main.querySelectorAll('details[open]').forEach(function (d) {
      var owner = d.closest('[id]');
      if (owner && owner !== main) ids.push(owner.id);
    });
    return ids;
  }

  function reopen(main, ids) {
    ids.forEach(function (id) {
      var owner = document.getElementById(id);
      var details = owner && owner.querySelector('details');
      if (details) details.open = true;
    });
  }

  // Someone typing in a form on this page keeps their input: skip the swap.
  function editing(main) {
    var active = document.activeElement;
    return active && main.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok || response.redirected) return null;
        return response.text();
      })
      .then(function (text) {
        if (text === null) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('main');
        var main = document.querySelector('main');
        if (!fresh || !main || editing(main)) return;
        var open = openDetails(main);
        main.innerHTML = fresh.innerHTML;
        reopen(main, open);
        document.dispatchEvent(new Event('tl:refresh'));
        showNote();
      })
      .catch(function () { /* offline for a moment: the next event tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  // EventSource reconnects by itself after a network error, sending Last-Event-ID so the
  // server replays what was missed; a refusal (signed out) closes it for good.
  new EventSource('/events').onmessage = refresh;
})();
