import { KartotekaError } from './errors.js';

/** Why a notification was refused; the message says what to fix. */
export type NotificationFailure =
  | 'missing-header'
  | 'malformed-header'
  | 'unsupported-algorithm'
  | 'not-raw-body'
  | 'wrong-shop'
  | 'signature-mismatch'
  | 'invalid-json';

/** Thrown by verifyNotification: answer the request with 400 and do not act on the body. */
export class NotificationVerificationError extends KartotekaError {
  constructor(
    readonly reason: NotificationFailure,
    message: string,
  ) {
    super(message);
  }
}
