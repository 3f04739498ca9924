export { KartotekaClient, IMOJE_BASE_URL, type ClientOptions } from './client.js';
export { Agreements } from './agreements.js';
export { TransactionSearch, type TransactionSearchOptions } from './transaction-search.js';
export { SchedulesClient, isScheduleEvent, type KartotekaExtensionOptions } from './schedules.js';
export { TestClocksClient, type TestClocksOptions } from './test-clocks.js';
export type { RequestOptions } from './transport.js';
export {
  KartotekaError,
  ApiError,
  AuthenticationError,
  PermissionError,
  ValidationError,
  NotFoundError,
  ConflictError,
  BusinessRuleError,
  ServerError,
  NetworkError,
  IN_FLIGHT_CODE,
  type ApiErrorEnvelope,
  type FieldError,
} from './errors.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { verifyNotification, type RawBody, type VerifyOptions } from './verify-notification.js';
export { parseSignatureHeader, type SignatureHeader, type SignatureHeaderInput } from './signature-header.js';
export {
  NotificationVerificationError,
  type NotificationFailure,
} from './notification-verification-error.js';
export { signWidget, type WidgetFields } from './sign-widget.js';
export { signPaywallForm, type PaywallFields } from './sign-paywall.js';
export { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './digest.js';
export * from './types/enums.js';
export type * from './types/transaction.js';
export type * from './types/profile.js';
export type * from './types/requests.js';
export type * from './types/notification.js';
export type * from './types/service.js';
export type * from './types/payment-link.js';
export { Notifications } from './notifications.js';
export { Inbox } from './inbox.js';
export type * from './types/kartoteka-notifications.js';
export type * from './types/agreement.js';
export type * from './types/transaction-list.js';
export type * from './types/schedule.js';
export type * from './types/test-clock.js';
