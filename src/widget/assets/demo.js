/* The demo shop's own script: logs the widget's events, which the widget script re-dispatches on window. */
(function () {
  'use strict';
  var log = document.getElementById('demo-log');
  if (!log) return;
  [
    'kartoteka:ready',
    'kartoteka:success',
    'kartoteka:failure',
    'kartoteka:cancel',
    'kartoteka:error',
    'kartoteka:close',
  ].forEach(function (type) {
    window.addEventListener(type, function (e) {
      var li = document.createElement('li');
      li.textContent = type + ' ' + JSON.stringify(e.detail);
      log.appendChild(li);
    });
  });
})();
