import type { Locale } from './attributes.js';

/** Everything the hosted pages say, in each supported language. The form's script gets its share via data-*. */
const EN = {
  title: 'Card payment',
  amount: 'Amount',
  shop: 'Shop',
  number: 'Card number',
  expiry: 'Expiry date (MM/YY)',
  expiryPlaceholder: 'MM/YY',
  cvv: 'CVV',
  cvvHint: '3 or 4 digits on the back of the card',
  holder: 'Cardholder name',
  pay: 'Pay',
  cancel: 'Cancel',
  close: 'Close',
  savedCard: 'Pay with the saved card',
  anotherCard: 'Use another card',
  anotherCardNote: 'This card is used for this payment only; your saved card stays as it is.',
  registerNote: 'Your card will be saved with the shop for faster payments.',
  recurringNote: 'Your card will be saved so the shop can charge it for recurring payments.',
  agreement: 'Recurring payments',
  agreementNote:
    'Your card will be saved, and by paying you agree that the shop charges it on these terms, without asking you again.',
  secured: 'The card form is served by the payment gateway; the shop never sees your card number.',
  errNumber: 'Enter a valid card number.',
  errLuhn: 'This card number is not valid — please check it.',
  errExpiry: 'Enter the expiry date as MM/YY.',
  errExpired: 'This card has expired.',
  errCvv: 'Enter the 3 or 4 digit CVV.',
  errHolder: 'Enter the name on the card.',
  errorsFound: 'Please correct the highlighted fields.',
  brand: 'Card type',
  processing: 'Processing…',
  successTitle: 'Payment successful',
  successBody: 'Thank you, your payment was accepted.',
  failureTitle: 'Payment failed',
  failureBody: 'The payment was not accepted. Nothing was charged.',
  pendingTitle: 'Payment in progress',
  pendingBody: 'Your bank is still verifying the payment.',
  bankTitle: 'Confirm the payment with your bank',
  bankBody: 'Your bank asks you to confirm this payment on its own page. You will come back here afterwards.',
  bankContinue: 'Continue to your bank',
  cancelTitle: 'Payment cancelled',
  cancelBody: 'You cancelled the payment. Nothing was charged.',
  continue: 'Return to the shop',
  errorTitle: 'This payment cannot be started',
  badSignature:
    'The payment request from the shop could not be verified (invalid signature). Nothing was charged. Please contact the shop.',
  badAttributes:
    'The payment request from the shop is incomplete. Nothing was charged. Please contact the shop.',
  malformedAttributes:
    'The payment request from the shop contains invalid values. Nothing was charged. Please contact the shop.',
  expired: 'This payment request has expired. Nothing was charged. Please return to the shop and try again.',
  unknownShop: 'The shop is not known to the payment gateway. Nothing was charged.',
  sessionGone: 'This payment window has expired. Nothing was charged. Please reopen it from the shop.',
  alreadyPaid: 'This order has already been paid. Nothing more was charged.',
  inProgress:
    'A payment for this order is already in progress. Nothing more was charged; wait for its result, or try again in a few minutes if it did not go through.',
  cardRejected: 'The card could not be used.',
  cidConflict:
    'Another card is already saved for your account with this shop. Pay with the saved card or contact the shop.',
  tryAgain: 'Something went wrong. Nothing was charged; please try again.',
  paymentError:
    'The payment could not be completed. The shop will be informed of its final status; please check with the shop before paying again.',
  forbidden: 'This request did not come from the payment form.',
  originNotAllowed:
    "This shop's payment form cannot be opened on this website. Nothing was charged: pay on the shop's own page.",
  framedOnly:
    "This payment form opens only inside the shop's page. Nothing was charged. If someone sent you this link, do not pay here: go to the shop yourself.",
  declined: 'The payment was not accepted: the bank declined the card. Nothing was charged.',
  declined3ds: 'The payment was not accepted: the 3-D Secure verification failed. Nothing was charged.',
  declinedFunds: 'The payment was not accepted: insufficient funds on the card. Nothing was charged.',
  declinedExpired: 'The payment was not accepted: the card has expired. Nothing was charged.',
  declinedError: 'The payment could not be completed with this card. Nothing was charged.',
  tryAnotherCard: 'Try another card',
  backToShop: 'Return to the shop',
  dialog: 'Card payment',
};

export type Messages = typeof EN;

const PL: Messages = {
  title: 'Płatność kartą',
  amount: 'Kwota',
  shop: 'Sklep',
  number: 'Numer karty',
  expiry: 'Data ważności (MM/RR)',
  expiryPlaceholder: 'MM/RR',
  cvv: 'CVV',
  cvvHint: '3 lub 4 cyfry z tyłu karty',
  holder: 'Imię i nazwisko posiadacza',
  pay: 'Zapłać',
  cancel: 'Anuluj',
  close: 'Zamknij',
  savedCard: 'Zapłać zapisaną kartą',
  anotherCard: 'Użyj innej karty',
  anotherCardNote: 'Ta karta posłuży tylko do tej płatności; zapisana karta pozostaje bez zmian.',
  registerNote: 'Karta zostanie zapisana w sklepie, by kolejne płatności były szybsze.',
  recurringNote: 'Karta zostanie zapisana, aby sklep mógł pobierać płatności cykliczne.',
  agreement: 'Płatności cykliczne',
  agreementNote:
    'Karta zostanie zapisana; płacąc, zgadzasz się, aby sklep obciążał ją na tych warunkach bez ponownego pytania.',
  secured: 'Formularz karty dostarcza bramka płatnicza; sklep nigdy nie widzi numeru karty.',
  errNumber: 'Podaj poprawny numer karty.',
  errLuhn: 'Ten numer karty jest nieprawidłowy — sprawdź go.',
  errExpiry: 'Podaj datę ważności w formacie MM/RR.',
  errExpired: 'Karta straciła ważność.',
  errCvv: 'Podaj 3- lub 4-cyfrowy kod CVV.',
  errHolder: 'Podaj imię i nazwisko z karty.',
  errorsFound: 'Popraw zaznaczone pola.',
  brand: 'Rodzaj karty',
  processing: 'Przetwarzanie…',
  successTitle: 'Płatność zakończona sukcesem',
  successBody: 'Dziękujemy, płatność została przyjęta.',
  failureTitle: 'Płatność nieudana',
  failureBody: 'Płatność nie została przyjęta. Nic nie pobrano.',
  pendingTitle: 'Płatność w toku',
  pendingBody: 'Bank nadal weryfikuje płatność.',
  bankTitle: 'Potwierdź płatność w banku',
  bankBody: 'Bank prosi o potwierdzenie tej płatności na swojej stronie. Potem wrócisz tutaj.',
  bankContinue: 'Przejdź do banku',
  cancelTitle: 'Płatność anulowana',
  cancelBody: 'Anulowano płatność. Nic nie pobrano.',
  continue: 'Wróć do sklepu',
  errorTitle: 'Nie można rozpocząć płatności',
  badSignature:
    'Nie udało się zweryfikować żądania płatności ze sklepu (nieprawidłowy podpis). Nic nie pobrano. Skontaktuj się ze sklepem.',
  badAttributes: 'Żądanie płatności ze sklepu jest niekompletne. Nic nie pobrano. Skontaktuj się ze sklepem.',
  malformedAttributes:
    'Żądanie płatności ze sklepu zawiera nieprawidłowe wartości. Nic nie pobrano. Skontaktuj się ze sklepem.',
  expired: 'Żądanie płatności wygasło. Nic nie pobrano. Wróć do sklepu i spróbuj ponownie.',
  unknownShop: 'Bramka płatnicza nie zna tego sklepu. Nic nie pobrano.',
  sessionGone: 'Okno płatności wygasło. Nic nie pobrano. Otwórz je ponownie ze sklepu.',
  alreadyPaid: 'To zamówienie zostało już opłacone. Nic więcej nie pobrano.',
  inProgress:
    'Płatność za to zamówienie jest już w toku. Nic więcej nie pobrano; poczekaj na jej wynik albo spróbuj ponownie za kilka minut, jeśli się nie powiodła.',
  cardRejected: 'Nie można użyć tej karty.',
  cidConflict:
    'Do Twojego konta w tym sklepie zapisano już inną kartę. Zapłać zapisaną kartą lub skontaktuj się ze sklepem.',
  tryAgain: 'Coś poszło nie tak. Nic nie pobrano; spróbuj ponownie.',
  paymentError:
    'Nie udało się dokończyć płatności. Sklep otrzyma informację o jej ostatecznym statusie; zanim zapłacisz ponownie, sprawdź to w sklepie.',
  forbidden: 'To żądanie nie pochodzi z formularza płatności.',
  originNotAllowed:
    'Formularza płatności tego sklepu nie można otworzyć na tej stronie. Nic nie pobrano: zapłać na stronie sklepu.',
  framedOnly:
    'Ten formularz płatności otwiera się tylko na stronie sklepu. Nic nie pobrano. Jeśli ktoś przesłał Ci ten link, nie płać tutaj: przejdź do sklepu samodzielnie.',
  declined: 'Płatność nie została przyjęta: bank odrzucił kartę. Nic nie pobrano.',
  declined3ds: 'Płatność nie została przyjęta: weryfikacja 3-D Secure nie powiodła się. Nic nie pobrano.',
  declinedFunds: 'Płatność nie została przyjęta: brak środków na karcie. Nic nie pobrano.',
  declinedExpired: 'Płatność nie została przyjęta: karta straciła ważność. Nic nie pobrano.',
  declinedError: 'Nie udało się zrealizować płatności tą kartą. Nic nie pobrano.',
  tryAnotherCard: 'Spróbuj innej karty',
  backToShop: 'Wróć do sklepu',
  dialog: 'Płatność kartą',
};

export function messages(locale: Locale): Messages {
  return locale === 'pl' ? PL : EN;
}

/** The reason shown in the form after a decline, by imoje result code. */
export function declineReason(m: Messages, statusCode: string | null): string {
  if (statusCode === 'CODE_570') return m.declined3ds;
  if (statusCode === 'CODE_51') return m.declinedFunds;
  if (statusCode === 'CODE_54' || statusCode === 'CODE_33') return m.declinedExpired;
  if (statusCode === null || statusCode === 'CODE_99') return m.declinedError;
  return m.declined;
}
