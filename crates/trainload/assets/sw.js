// The service worker of TrainingLoad's notifications: shows each push message and opens its
// page on a click. Served from /sw.js so that its scope is the whole site.
'use strict';

self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(self.registration.showNotification(data.title || 'TrainingLoad', {
    body: data.body || '',
    // One notification per message id: a retried delivery replaces rather than repeats it.
    tag: 'trainload-' + (data.id || Date.now()),
    data: { url: data.url || '/dashboard' }
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || '/dashboard', self.location.origin);
  // Only our own pages: a payload never sends the athlete elsewhere.
  if (target.origin !== self.location.origin) target = new URL('/dashboard', self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && 'focus' in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
