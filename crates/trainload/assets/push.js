// "Notify me on this device" on /settings: registers the service worker (/sw.js), asks the
// browser for permission, subscribes with the server's VAPID public key and hands the
// subscription to the server. The box's data-state says where it stands (tests read it):
// unsupported, ready, subscribed, denied or failed; data-worker="registered" once the worker is.
(function () {
  'use strict';
  var box = document.getElementById('push');
  if (!box || !box.getAttribute('data-public-key')) return;
  var button = document.getElementById('push-enable');
  var status = document.getElementById('push-state');

  function say(text, state) {
    status.textContent = text;
    box.setAttribute('data-state', state);
  }

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !window.Notification) {
    button.disabled = true;
    say('This browser cannot receive push notifications.', 'unsupported');
    return;
  }

  // The applicationServerKey as the Push API takes it: the raw bytes of the base64url text.
  function serverKey() {
    var text = box.getAttribute('data-public-key').replace(/-/g, '+').replace(/_/g, '/');
    while (text.length % 4) text += '=';
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // The browser's subscribe call waits on its own push service, which may be unreachable (a
  // network that blocks it, a browser without one): give up after a while and say so.
  function withinSeconds(promise, seconds, what) {
    return Promise.race([promise, new Promise(function (resolve, reject) {
      setTimeout(function () { reject(new Error(what + ' did not answer within ' + seconds + ' s')); }, seconds * 1000);
    })]);
  }

  function subscribed() {
    say('This device gets notifications.', 'subscribed');
    button.textContent = 'Subscribe this device again';
  }

  var registration = navigator.serviceWorker.register('/sw.js').then(function (reg) {
    box.setAttribute('data-worker', 'registered');
    return reg;
  });

  registration
    .then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (existing) {
      if (existing) subscribed();
      else if (Notification.permission === 'denied') {
        say('Notifications are blocked for this site: allow them in the browser\'s site settings.', 'denied');
      } else say('', 'ready');
    })
    .catch(function (error) { say('The notification helper could not start: ' + error.message, 'failed'); });

  button.addEventListener('click', function () {
    say('Asking the browser…', 'asking');
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== 'granted') {
          say('Notifications were not allowed, so none will be sent to this device.', 'denied');
          return null;
        }
        return registration
          .then(function (reg) {
            say('Subscribing this device…', 'asking');
            var subscribing = reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey() });
            return withinSeconds(subscribing, 15, 'the browser\'s push service');
          })
          .then(function (subscription) {
            return fetch('/api/v1/me/push/subscriptions', {
              method: 'POST',
              credentials: 'same-origin',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(subscription)
            });
          })
          .then(function (response) {
            if (!response.ok) throw new Error('the server refused it (' + response.status + ')');
            subscribed();
            location.reload();
          });
      })
      .catch(function (error) { say('This device could not be subscribed: ' + error.message, 'failed'); });
  });
})();
