import type { Locale } from '../widget/attributes.js';

const EN = {
  linkNotFound: 'This payment link does not exist. Nothing was charged.',
  linkCancelled: 'This payment link was cancelled by the shop. Nothing was charged.',
  linkExpired: 'This payment link has expired. Nothing was charged.',
};

const PL: typeof EN = {
  linkNotFound: 'Ten link płatności nie istnieje. Nic nie zostało pobrane.',
  linkCancelled: 'Sklep anulował ten link płatności. Nic nie zostało pobrane.',
  linkExpired: 'Ten link płatności wygasł. Nic nie zostało pobrane.',
};

/** What the paywall says beyond the widget's own messages. */
export function paywallMessages(locale: Locale): typeof EN {
  return locale === 'pl' ? PL : EN;
}
