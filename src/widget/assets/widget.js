/*
 * Kartoteka card widget (imoje-compatible). Served minified as /js/widget.min.js.
 * Reads the data-* attributes of script#imoje-widget__script, opens the gateway's hosted card form in an
 * iframe (an overlay, or inline in #imoje-widget__wrapper) and relays the gateway's events to the shop page.
 * The card form lives on the gateway's origin: this script never sees card data.
 * Plain ES2017, no dependencies; one statement per line (the server's minifier only strips whole lines).
 */
(function () {
  'use strict';
  var script = document.getElementById('imoje-widget__script');
  if (!script || script.getAttribute('data-kartoteka-started')) return;
  script.setAttribute('data-kartoteka-started', '1');
  var data = script.dataset;
  var gateway = new URL(script.src, window.location.href).origin;
  var inline = data.inline === 'true';
  var container = null;
  var frame = null;
  var previousFocus = null;
  var previousOverflow = '';
  var madeInert = [];

  // While the overlay is open the shop's page behind it is inert: no focus, no clicks, hidden from assistive
  // technology. Only what this script made inert is restored.
  function inertBehind(except) {
    var children = document.body.children;
    for (var i = 0; i < children.length; i++) {
      var el = children[i];
      if (el === except || el.inert || el.tagName === 'SCRIPT') continue;
      el.inert = true;
      madeInert.push(el);
    }
  }

  function restoreInert() {
    for (var i = 0; i < madeInert.length; i++) madeInert[i].inert = false;
    madeInert = [];
  }

  function style(el, props) {
    // CSSOM assignments are not inline style attributes, so a strict CSP on the shop page allows them.
    for (var k in props) el.style[k] = props[k];
  }

  function close() {
    if (!container) return;
    if (inline) {
      container.removeChild(frame);
    } else {
      container.parentNode.removeChild(container);
      document.documentElement.style.overflow = previousOverflow;
      restoreInert();
    }
    container = null;
    frame = null;
    if (previousFocus && previousFocus.focus) previousFocus.focus();
  }

  function open() {
    if (frame) return;
    var name = 'kartoteka-widget-' + Math.random().toString(36).slice(2);
    frame = document.createElement('iframe');
    frame.name = name;
    frame.id = 'imoje-widget__frame';
    var label = /^en/i.test(data.locale || '') ? 'Card payment' : 'Płatność kartą';
    frame.title = label;
    frame.setAttribute('allow', 'payment');
    style(frame, { border: '0', display: 'block', width: '100%', background: '#fff' });
    previousFocus = document.activeElement;
    if (inline) {
      container = document.getElementById('imoje-widget__wrapper');
      if (!container) {
        frame = null;
        throw new Error(
          'Kartoteka widget: data-inline="true" needs an element with id "imoje-widget__wrapper"',
        );
      }
      style(frame, { height: '560px' });
      container.appendChild(frame);
    } else {
      container = document.createElement('div');
      container.id = 'imoje-widget__overlay';
      container.setAttribute('role', 'dialog');
      container.setAttribute('aria-modal', 'true');
      container.setAttribute('aria-label', label);
      style(container, {
        position: 'fixed',
        top: '0',
        left: '0',
        right: '0',
        bottom: '0',
        zIndex: '2147483000',
        background: 'rgba(15,20,30,0.6)',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
      });
      style(frame, {
        maxWidth: '480px',
        height: '100%',
        maxHeight: '720px',
        borderRadius: window.innerWidth > 520 ? '12px' : '0',
      });
      container.appendChild(frame);
      document.body.appendChild(container);
      inertBehind(container);
      previousOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden';
    }
    // The attributes travel as a form POST into the iframe: the gateway verifies the signature and answers
    // with the card form, and the browser's Origin header tells it which page to send events to.
    var form = document.createElement('form');
    form.method = 'POST';
    form.action = gateway + '/widget/session';
    form.target = name;
    form.acceptCharset = 'utf-8';
    style(form, { display: 'none' });
    for (var key in data) {
      if (key === 'kartotekaStarted') continue;
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = key;
      input.value = data[key];
      form.appendChild(input);
    }
    // Fallback for the gateway when the browser sends `Origin: null` (a shop page with Referrer-Policy:
    // no-referrer). Harmless if forged: it only names who may frame the form and receive its events.
    var origin = document.createElement('input');
    origin.type = 'hidden';
    origin.name = 'kartotekaParentOrigin';
    origin.value = window.location.origin;
    form.appendChild(origin);
    document.body.appendChild(form);
    form.submit();
    form.parentNode.removeChild(form);
    frame.focus();
  }

  function go(url) {
    if (url && /^https?:\/\//.test(url)) {
      window.location.assign(url);
      return true;
    }
    return false;
  }

  window.addEventListener('message', function (event) {
    // Only our own frame on the gateway's origin may drive this script.
    if (event.origin !== gateway || !frame || event.source !== frame.contentWindow) return;
    var msg = event.data;
    if (!msg || typeof msg.type !== 'string' || msg.type.indexOf('kartoteka:') !== 0) return;
    if (msg.type === 'kartoteka:resize') {
      if (inline && typeof msg.height === 'number')
        frame.style.height = Math.max(200, Math.min(msg.height, 3000)) + 'px';
      return;
    }
    // Shops may listen to these instead of `message` events: the origin has been checked already.
    window.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    if (msg.type === 'kartoteka:success') {
      go(data.urlSuccess || data.urlReturn);
    } else if (msg.type === 'kartoteka:failure') {
      // `retry`: the payer is still in the form, trying another card; the widget stays open.
      if (!msg.retry) go(data.urlFailure || data.urlReturn);
    } else if (msg.type === 'kartoteka:cancel') {
      if (!go(data.urlCancel || data.urlReturn)) close();
    } else if (msg.type === 'kartoteka:close') {
      close();
    }
  });

  function start() {
    if (data.elementId) {
      var el = document.getElementById(data.elementId);
      if (!el) throw new Error('Kartoteka widget: no element with id "' + data.elementId + '"');
      el.addEventListener(data.elementEvent || 'click', function (e) {
        if (e && e.preventDefault) e.preventDefault();
        open();
      });
    } else {
      open();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
