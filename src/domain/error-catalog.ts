/**
 * Every error code Kartoteka can answer with, defined once. `docs/errors.md` is generated from this table
 * (`npm run docs:errors`) and a test fails when the two drift apart.
 *
 * `TRX-ERROR-120301` is imoje's own code and must never change; the others follow imoje's
 * `AREA-ERROR-NNNNNN` shape. `retryLater`: the request met something in progress and the same request may
 * succeed shortly, so it is not stored as the answer of its `Idempotency-Key` (a retry with the key runs again).
 */
export const ERROR_CATALOG = {
  validation: { code: 'API-ERROR-100422', status: 422, message: 'Request validation failed.' },
  malformedJson: { code: 'API-ERROR-100400', status: 422, message: 'Request body is not valid JSON.' },
  unsupportedMediaType: {
    code: 'API-ERROR-100415',
    status: 415,
    message: 'Unsupported Content-Type; send application/json.',
  },
  payloadTooLarge: { code: 'API-ERROR-100413', status: 413, message: 'Request body is too large.' },
  unauthorized: { code: 'API-ERROR-100401', status: 401, message: 'Missing or invalid bearer token.' },
  routeNotFound: { code: 'API-ERROR-100404', status: 404, message: 'No such endpoint.' },
  methodNotAllowed: {
    code: 'API-ERROR-100405',
    status: 405,
    message: 'Method not allowed for this endpoint.',
  },
  idempotencyKeyReused: {
    code: 'API-ERROR-100409',
    status: 409,
    message: 'Idempotency-Key was already used with a different request.',
  },
  idempotencyInFlight: {
    code: 'API-ERROR-100410',
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry later.',
    retryLater: true,
  },
  rateLimited: { code: 'API-ERROR-100429', status: 429, message: 'Too many requests; slow down.' },
  requestTimeout: { code: 'API-ERROR-100408', status: 408, message: 'Request took too long to arrive.' },
  headerTooLarge: { code: 'API-ERROR-100431', status: 431, message: 'Request headers are too large.' },
  uriTooLong: { code: 'API-ERROR-100414', status: 414, message: 'Request URL is too long.' },
  badRequest: { code: 'API-ERROR-100402', status: 400, message: 'Malformed HTTP request.' },
  tooManyAuthFailures: {
    code: 'API-ERROR-100430',
    status: 429,
    message: 'Too many failed authentication attempts from this address; wait a minute.',
  },
  internal: { code: 'API-ERROR-100500', status: 500, message: 'Internal server error.' },
  unavailable: {
    code: 'API-ERROR-100503',
    status: 503,
    message: 'Service temporarily unavailable (database unreachable); retry later.',
  },

  shopNotFound: { code: 'SRV-ERROR-200404', status: 404, message: 'Service (shop) not found.' },
  plainCardDataDisabled: {
    code: 'TRX-ERROR-110403',
    status: 403,
    message: 'Cannot process transaction. Plain card data disabled.',
  },
  unsupportedPaymentMethod: {
    code: 'TRX-ERROR-110422',
    status: 422,
    message: 'Unsupported payment method.',
  },
  invalidCard: { code: 'TRX-ERROR-110423', status: 422, message: 'Card data is invalid.' },
  transactionNotFound: { code: 'TRX-ERROR-110404', status: 404, message: 'Transaction not found.' },
  profileInactive: { code: 'TRX-ERROR-120301', status: 400, message: 'Payment profile inactive.' },
  profileNotFound: { code: 'PRF-ERROR-130404', status: 404, message: 'Payment profile not found.' },
  cidBoundToAnotherCard: {
    code: 'PRF-ERROR-130400',
    status: 400,
    message:
      'This cid already has an active payment profile for a different card; each card needs its own cid.',
  },
  firstTransactionInvalid: {
    code: 'TRX-ERROR-140400',
    status: 400,
    message:
      'firstTransactionId does not refer to a settled first payment of this merchant made with this card.',
  },
  notRefundable: {
    code: 'TRX-ERROR-150400',
    status: 400,
    message: 'Only a settled sale can be refunded.',
  },
  refundExceedsBalance: {
    code: 'TRX-ERROR-150401',
    status: 400,
    message: 'Refund amount exceeds the refundable balance.',
  },
  refundDeclined: { code: 'TRX-ERROR-150402', status: 400, message: 'The acquirer refused the refund.' },
  captureNotAllowed: {
    code: 'TRX-ERROR-160400',
    status: 400,
    message: 'Only an authorized transaction can be captured or voided.',
  },
  captureExceedsAuthorized: {
    code: 'TRX-ERROR-160422',
    status: 422,
    message: 'Capture amount exceeds the authorized amount.',
  },
  amountBelowMinimum: {
    code: 'TRX-ERROR-180400',
    status: 400,
    message: "Amount is below the service's minimum transaction amount.",
  },
  amountAboveMaximum: {
    code: 'TRX-ERROR-180401',
    status: 400,
    message: "Amount is above the service's maximum transaction amount.",
  },
  notificationNotFound: { code: 'NTF-ERROR-170404', status: 404, message: 'Notification not found.' },
  inboxMessageNotFound: { code: 'NTF-ERROR-171404', status: 404, message: 'Inbox message not found.' },
  paymentLinkNotFound: { code: 'PAY-ERROR-190404', status: 404, message: 'Payment link not found.' },
  paymentLinkNotCancellable: {
    code: 'PAY-ERROR-190409',
    status: 409,
    message: 'The payment link was paid or is being paid; it can no longer be cancelled.',
  },
  acquirerUnreachable: {
    code: 'TRX-ERROR-190503',
    status: 503,
    message: 'The card processor is unreachable; nothing was charged. Retry later.',
  },
  upstreamRequestRefused: {
    code: 'TRX-ERROR-190400',
    status: 400,
    message: 'The card processor refused the request; nothing was charged.',
  },
  upstreamSetupRefused: {
    code: 'TRX-ERROR-191503',
    status: 503,
    message:
      "The card processor refused the gateway's own credentials or set-up; nothing was charged. Retry later.",
  },
  upstreamSignatureInvalid: {
    code: 'NTF-ERROR-170401',
    status: 401,
    message: "The notification's X-Imoje-Signature does not verify.",
  },
  agreementInvalid: {
    code: 'AGR-ERROR-210422',
    status: 422,
    message: 'The recurring agreement is invalid.',
  },
  agreementRequired: {
    code: 'AGR-ERROR-210403',
    status: 422,
    message: 'This service requires a recurring agreement for every recurring card registration.',
  },
  agreementNotFound: {
    code: 'AGR-ERROR-210404',
    status: 404,
    message: 'No recurring agreement for this payment profile.',
  },
  agreementAmountMismatch: {
    code: 'AGR-ERROR-210400',
    status: 400,
    message: "The amount breaks the profile's recurring agreement; nothing was charged.",
  },
  agreementCurrencyMismatch: {
    code: 'AGR-ERROR-210401',
    status: 400,
    message: "The currency differs from the profile's recurring agreement; nothing was charged.",
  },
  agreementTooEarly: {
    code: 'AGR-ERROR-210402',
    status: 400,
    message:
      "Too early: the recurring agreement's interval since the last debit has not passed; nothing was charged.",
  },
  agreementNotStarted: {
    code: 'AGR-ERROR-210405',
    status: 400,
    message: 'The recurring agreement has not started yet; nothing was charged.',
  },
  agreementExpired: {
    code: 'AGR-ERROR-210406',
    status: 400,
    message: 'The recurring agreement has expired; nothing was charged.',
  },
  agreementCyclesExhausted: {
    code: 'AGR-ERROR-210407',
    status: 400,
    message: 'Every debit the recurring agreement allows (maxCycles) was made; nothing was charged.',
  },
  testClockSandboxOnly: {
    code: 'CLK-ERROR-230403',
    status: 403,
    message: 'Test clocks exist in sandbox mode only.',
  },
  testClockNotFound: { code: 'CLK-ERROR-230404', status: 404, message: 'This service has no test clock.' },
  testClockExists: {
    code: 'CLK-ERROR-230409',
    status: 409,
    message: 'This service already has a test clock: advance it, or delete it first.',
  },
  testClockBusy: {
    code: 'CLK-ERROR-230410',
    status: 409,
    message: 'Another advance of this test clock is running; retry when it is done.',
    retryLater: true,
  },
  // Not `retryLater`: the clock already moved to where it stopped, so a retry under the same key must answer
  // this again rather than advance once more (TestClocks.advance).
  testClockWorkHeld: {
    code: 'CLK-ERROR-230411',
    status: 409,
    message:
      "Work due at the test clock's time is held by another process (a payment still with the acquirer, or a runner that died); the clock stopped there: advance again shortly.",
  },
  testClockBackwards: {
    code: 'CLK-ERROR-230422',
    status: 422,
    message: 'A test clock only moves forward (and no later than the end of year 9999).',
  },

  // Recurring payments (docs/recurring.md): reattempts the card schemes would fine, refused before the acquirer.
  reattemptAfterHardDecline: {
    code: 'RCR-ERROR-210400',
    status: 400,
    message:
      'Reattempt refused: this card was declined with a hard decline (never retry); the payer must register it again.',
  },
  reattemptNeedsCardUpdate: {
    code: 'RCR-ERROR-210401',
    status: 400,
    message:
      'Reattempt refused: this card needs an update (e.g. expired); debit it again once it is replaced.',
  },
  reattemptTooEarly: {
    code: 'RCR-ERROR-210402',
    status: 400,
    message: "Reattempt refused: the card's last decline allows no retry before its retry-after time.",
  },
  reattemptLimitReached: {
    code: 'RCR-ERROR-210403',
    status: 400,
    message: 'Reattempt refused: this card was already reattempted 15 times in 30 days.',
  },
  reattemptInProgress: {
    code: 'RCR-ERROR-210409',
    status: 409,
    message:
      'Reattempt refused: another reattempt of this card is with the acquirer; try again once it is finalised.',
    retryLater: true,
  },
  scheduleNotFound: { code: 'RCR-ERROR-220404', status: 404, message: 'Schedule not found.' },
  scheduleProfileNotRecurring: {
    code: 'RCR-ERROR-220400',
    status: 400,
    message: 'A schedule needs an active RECURRING payment profile of this merchant.',
  },
  scheduleInvalid: {
    code: 'RCR-ERROR-220422',
    status: 422,
    message: 'The schedule is not valid (interval, start, end or maxCycles).',
  },
  scheduleStatusConflict: {
    code: 'RCR-ERROR-220409',
    status: 409,
    message: 'The schedule cannot make this change from its current status.',
  },
} as const;

export type ErrorKey = keyof typeof ERROR_CATALOG;
