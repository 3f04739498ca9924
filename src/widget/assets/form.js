/*
 * Runs inside the gateway's iframe (the hosted card form and its result pages). Served as a file so the pages
 * can use a CSP without 'unsafe-inline'. It formats and checks the card as the payer types, and tells the shop
 * page what happened with postMessage, addressed to the shop page's origin only.
 * One statement per line (the server's minifier only strips whole lines).
 */
(function () {
  'use strict';
  var body = document.body;
  var parentOrigin = body.getAttribute('data-parent-origin');

  function post(msg) {
    if (!parentOrigin || window.parent === window) return;
    window.parent.postMessage(msg, parentOrigin);
  }

  function postSize() {
    post({ type: 'kartoteka:resize', height: document.documentElement.scrollHeight });
  }

  var closeButton = document.getElementById('kw-close');
  if (closeButton) {
    if (!parentOrigin || window.parent === window) closeButton.hidden = true;
    closeButton.addEventListener('click', function () {
      post({ type: 'kartoteka:close' });
    });
  }

  // This listener only hears keys pressed while focus is inside the form's frame: Escape on the shop's page
  // (inline widget) never cancels a payment.
  var cancelForm = document.getElementById('kw-cancel-form');
  var modal = body.getAttribute('data-modal') === 'true';
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && cancelForm) {
      e.preventDefault();
      cancelForm.submit();
      return;
    }
    if (e.key === 'Tab' && modal) trapTab(e);
  });

  /** Visible, enabled elements that take Tab, in document order. */
  function tabbables() {
    var all = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]');
    var out = [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) continue;
      if (!el.getClientRects().length || (el.tagName !== 'SUMMARY' && el.closest('details:not([open])')))
        continue;
      out.push(el);
    }
    return out;
  }

  // The overlay is a modal dialog (the shop's page behind it is inert): Tab and Shift+Tab cycle inside it.
  function trapTab(e) {
    var list = tabbables();
    if (!list.length) return;
    var first = list[0];
    var last = list[list.length - 1];
    var active = document.activeElement;
    var inside = list.indexOf(active) >= 0;
    if (e.shiftKey && (active === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  var retry = document.getElementById('kw-retry');
  if (retry) {
    retry.addEventListener('click', function (e) {
      var n = document.getElementById('kw-number');
      if (!n) return;
      e.preventDefault();
      n.focus();
    });
  }

  // ---- the card form ----
  var form = document.getElementById('kw-card');
  if (form) enhance(form);

  function brandOf(digits) {
    var two = Number(digits.slice(0, 2));
    var four = Number(digits.slice(0, 4));
    if (digits.charAt(0) === '4') return 'VISA';
    if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
    if (two === 34 || two === 37) return 'AMEX';
    if (digits.slice(0, 4) === '6011' || digits.slice(0, 2) === '65') return 'DISCOVER';
    if (four >= 3528 && four <= 3589) return 'JCB';
    if (two === 36 || two === 38 || two === 39 || two === 30) return 'DINERS';
    if (two === 50 || (two >= 56 && two <= 69)) return 'MAESTRO';
    return '';
  }

  function luhn(digits) {
    var sum = 0;
    var dbl = false;
    for (var i = digits.length - 1; i >= 0; i--) {
      var d = digits.charCodeAt(i) - 48;
      if (dbl) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 === 0;
  }

  /** AMEX reads 4-6-5, everything else in groups of four. */
  function groupNumber(digits, brand) {
    if (brand === 'AMEX') {
      return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10, 15)].filter(Boolean).join(' ');
    }
    return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
  }

  function enhance(form) {
    var msg = form.dataset;
    var number = document.getElementById('kw-number');
    var expiry = document.getElementById('kw-expiry');
    var cvv = document.getElementById('kw-cvv');
    var holder = document.getElementById('kw-holder');
    var brandEl = document.getElementById('kw-brand');
    var alertEl = document.getElementById('kw-alert');
    var pay = document.getElementById('kw-pay');

    function setError(input, text) {
      var err = document.getElementById(input.id + '-err');
      if (text) {
        input.setAttribute('aria-invalid', 'true');
      } else {
        input.removeAttribute('aria-invalid');
      }
      if (err && err.textContent !== text) err.textContent = text || '';
    }

    function digitsOf(value) {
      return value.replace(/\D/g, '');
    }

    function checkNumber(final) {
      var digits = digitsOf(number.value);
      var brand = brandOf(digits);
      var max = brand === 'AMEX' ? 15 : 16;
      if (!digits) return final ? msg.msgNumber : '';
      if (digits.length < 12) return final ? msg.msgNumber : '';
      // Checked as the payer types: once the brand's usual length is reached, or on leaving the field.
      if ((final || digits.length >= max) && !luhn(digits)) return msg.msgLuhn;
      return '';
    }

    function checkExpiry(final) {
      var m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(expiry.value.trim());
      if (!m) return final || expiry.value.length >= 5 ? msg.msgExpiry : '';
      var month = Number(m[1]);
      if (month < 1 || month > 12) return msg.msgExpiry;
      var now = new Date();
      var year = 2000 + Number(m[2]);
      if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1))
        return msg.msgExpired;
      return '';
    }

    function checkCvv(final) {
      var ok = /^\d{3,4}$/.test(cvv.value);
      return ok || (!final && cvv.value.length < 3) ? '' : msg.msgCvv;
    }

    function checkHolder(final) {
      return holder.value.trim() || !final ? '' : msg.msgHolder;
    }

    number.addEventListener('input', function () {
      var digits = digitsOf(number.value).slice(0, 19);
      var brand = brandOf(digits);
      var atEnd = number.selectionStart === number.value.length;
      number.value = groupNumber(digits, brand);
      if (atEnd) number.setSelectionRange(number.value.length, number.value.length);
      brandEl.textContent = brand;
      setError(number, checkNumber(false));
    });
    number.addEventListener('blur', function () {
      if (number.value) setError(number, checkNumber(true));
    });

    expiry.addEventListener('input', function (e) {
      var digits = digitsOf(expiry.value).slice(0, 4);
      var deleting = e.inputType && e.inputType.indexOf('delete') === 0;
      if (digits.length === 1 && Number(digits) > 1) digits = '0' + digits;
      expiry.value =
        digits.length > 2 || (digits.length === 2 && !deleting)
          ? digits.slice(0, 2) + '/' + digits.slice(2)
          : digits;
      setError(expiry, checkExpiry(false));
    });
    expiry.addEventListener('blur', function () {
      if (expiry.value) setError(expiry, checkExpiry(true));
    });

    cvv.addEventListener('input', function () {
      cvv.value = digitsOf(cvv.value).slice(0, 4);
      setError(cvv, checkCvv(false));
    });
    cvv.addEventListener('blur', function () {
      if (cvv.value) setError(cvv, checkCvv(true));
    });
    holder.addEventListener('blur', function () {
      setError(holder, checkHolder(true));
    });

    form.addEventListener('submit', function (e) {
      var checks = [
        [number, checkNumber(true)],
        [expiry, checkExpiry(true)],
        [cvv, checkCvv(true)],
        [holder, checkHolder(true)],
      ];
      var first = null;
      for (var i = 0; i < checks.length; i++) {
        setError(checks[i][0], checks[i][1]);
        if (checks[i][1] && !first) first = checks[i][0];
      }
      if (first) {
        e.preventDefault();
        alertEl.textContent = msg.msgErrors;
        first.focus();
        return;
      }
      alertEl.textContent = '';
      // A second click must not submit again while the first payment is on its way.
      if (form.getAttribute('data-sent')) {
        e.preventDefault();
        return;
      }
      form.setAttribute('data-sent', '1');
      pay.setAttribute('aria-busy', 'true');
      pay.textContent = msg.msgProcessing;
      // 3-D Secure 2 browser data for the card issuer (imoje's additionalData.browser); the rest comes from
      // the request's headers.
      var browser = {
        browserTimezoneOffset: new Date().getTimezoneOffset(),
        browserScreenWidth: window.screen.width,
        browserScreenHeight: window.screen.height,
        browserColorDepth: window.screen.colorDepth,
      };
      for (var name in browser) {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = String(browser[name]);
        form.appendChild(input);
      }
    });
  }

  // ---- start-up ----
  var initial = body.getAttribute('data-event');
  if (initial) post(JSON.parse(initial));
  postSize();
  if (window.ResizeObserver) new window.ResizeObserver(postSize).observe(document.body);
  // Never a charging button: Enter on open must not pay. The card number when it is shown (the payer types at
  // once), else the form's title (the saved-card offer: the payer chooses).
  var numberField = document.getElementById('kw-number');
  var focusFirst =
    numberField && !numberField.closest('details:not([open])')
      ? numberField
      : document.getElementById('kw-title');
  if (focusFirst && body.getAttribute('data-page') === 'form') focusFirst.focus();
})();
