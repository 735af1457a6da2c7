// Live updates: follow the signed-in athlete's events on /events and, on each one,
// fetch the current page again, swap its <main> in, and tell the page's scripts to redraw with a
// 'tl:refresh' event on document. Bursts of events cause one fetch at a time plus one more.
(function () {
  'use strict';
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;

  var busy = false;
  var again = false;
  var noteTimer = null;
  // What the latest event was about, for the notice ("New activity processed · 14:05").
  var news = 'Updated';

  function describe(message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return 'Updated'; }
    var payload = event.payload || {};
    if (event.kind === 'activity_processed' && payload.new_activities > 0) {
      return payload.new_activities === 1 ? 'New activity processed'
        : payload.new_activities + ' new activities processed';
    }
    if (event.kind === 'thresholds_changed') return 'Thresholds updated';
    if (event.kind === 'wellness_changed') return 'Wellness updated';
    return 'Updated';
  }

  function showNote() {
    var note = document.getElementById('live-note');
    if (!note) {
      note = document.createElement('div');
      note.id = 'live-note';
      note.className = 'live-note';
      note.setAttribute('role', 'status');
      document.body.appendChild(note);
    }
    note.textContent = news + ' · ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
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

  // One stream per tab, open only while this page is shown. A stream left open by a page the
  // browser keeps in its back/forward cache holds one of the six connections Chromium allows
  // per host, and the seventh page would wait for one; so the stream closes on 'pagehide' and
  // opens again on 'pageshow' when the page comes back from that cache (a refresh then catches
  // up on what happened meanwhile). EventSource reconnects by itself after a network error,
  // sending Last-Event-ID so the server replays what was missed; a refusal (signed out) closes
  // it for good. <html data-live> says whether the stream is open.
  var source = null;

  function mark(state) { document.documentElement.setAttribute('data-live', state); }

  function open() {
    if (source) return;
    source = new EventSource('/events');
    source.onmessage = function (message) {
      news = describe(message);
      refresh();
    };
    source.onopen = function () { mark('open'); };
    source.onerror = function () { mark(source && source.readyState === 2 ? 'closed' : 'connecting'); };
    mark('connecting');
  }

  function close() {
    if (!source) return;
    source.close();
    source = null;
    mark('closed');
  }

  if (window.tlLive) return;
  window.tlLive = { close: close };
  window.addEventListener('pagehide', close);
  window.addEventListener('pageshow', function (event) {
    open();
    if (event.persisted) refresh();
  });
  open();
})();
