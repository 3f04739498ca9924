import { Agreements } from './agreements.js';
import { extensionRoot, merchantTransport } from './extension.js';
import { Inbox } from './inbox.js';
import { Notifications } from './notifications.js';
import { SchedulesClient } from './schedules.js';
import { TestClocksClient } from './test-clocks.js';
import { TransactionSearch } from './transaction-search.js';
import type { RequestOptions, Transport } from './transport.js';
import type {
  CanRefundRequest,
  CaptureRequest,
  CreateTransactionRequest,
  FirstTransactionRequest,
  RefundRequest,
  StandardTransactionRequest,
} from './types/requests.js';
import type { CreatePaymentLinkRequest, PaymentLinkResponse } from './types/payment-link.js';
import type { DebitProfileRequest, ProfileListResponse, ProfileResponse } from './types/profile.js';
import type {
  GetPaymentMethodsRequest,
  PaymentMethodsResponse,
  ServiceListResponse,
  ServiceResponse,
} from './types/service.js';
import type { CanRefundResponse, TransactionResponse } from './types/transaction.js';

/** imoje's production API; Kartoteka's is `http://HOST:PORT/v1/merchant`, imoje's sandbox `https://sandbox.api.imoje.pl/v1/merchant`. */
export const IMOJE_BASE_URL = 'https://api.imoje.pl/v1/merchant';

export interface ClientOptions {
  merchantId: string;
  /** The merchant's API token (secret: keep it on a server or an edge function, never in a browser page). */
  token: string;
  /** Default {@link IMOJE_BASE_URL}. The same code talks to Kartoteka by changing only this. */
  baseUrl?: string;
  /** Retries after the first attempt on network errors, 5xx and 409 in-flight. Default 2. */
  maxRetries?: number;
  /** Default 500 ms, doubling per retry, randomised by up to half. */
  retryBaseDelayMs?: number;
  /** Default 8000 ms. */
  retryMaxDelayMs?: number;
  /** Per attempt. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * Where Kartoteka's own extension endpoints live (`{gateway}/kartoteka/v1/merchant`). Default: `baseUrl` with
   * its trailing `/v1/merchant` replaced by `/kartoteka/v1/merchant`. imoje itself has none of them.
   */
  extensionBaseUrl?: string;
  /** Default `globalThis.fetch`; pass one to add proxies, tracing or test doubles. */
  fetch?: typeof globalThis.fetch;
}

type WithoutProfileType<T> = Omit<T, 'profileType'>;

const seg = encodeURIComponent;

/**
 * A client for one merchant of the imoje card API (or Kartoteka). Every method is one endpoint and returns
 * the response body exactly as on the wire; failures throw an {@link ApiError} subclass or a NetworkError.
 */
export class KartotekaClient {
  private readonly http: Transport;
  // Kartoteka's extension resources (`{gateway}/kartoteka/v1/merchant/{merchantId}/…`; imoje has none): the
  // same token, merchant, retries, timeouts and idempotency keys as the imoje methods.
  /** Recurring agreements. */
  readonly agreements: Agreements;
  /** Schedules: the gateway debits a recurring profile every interval. */
  readonly schedules: SchedulesClient;
  /** A service's test clock (sandbox only). */
  readonly testClocks: TestClocksClient;
  /** The notifications Kartoteka sent the merchant's shops, with every delivery attempt. */
  readonly notifications: Notifications;
  /** The sandbox's webhook inbox (sandbox only). */
  readonly inbox: Inbox;
  /** The transaction list and search, and each transaction's timeline. */
  readonly transactionSearch: TransactionSearch;

  constructor(options: ClientOptions) {
    const baseUrl = (options.baseUrl ?? IMOJE_BASE_URL).replace(/\/+$/, '');
    this.http = merchantTransport('KartotekaClient', baseUrl, options);
    const extension = merchantTransport(
      'KartotekaClient',
      extensionRoot(baseUrl, options.extensionBaseUrl),
      options,
    );
    this.agreements = new Agreements(extension);
    this.schedules = new SchedulesClient(extension);
    this.testClocks = new TestClocksClient(extension);
    this.notifications = new Notifications(extension);
    this.inbox = new Inbox(extension);
    this.transactionSearch = new TransactionSearch(extension);
  }

  /** `POST /transaction`: a one-off 3-D Secure payment, a card registration, or a FIRST/STANDARD payment. */
  createTransaction(body: CreateTransactionRequest, options?: RequestOptions): Promise<TransactionResponse> {
    return this.http.request('POST', '/transaction', body, options);
  }

  /** Registration without a profile (`profileType: "FIRST"`); read `firstTransactionId` once it is settled. */
  registerWithoutProfile(
    body: WithoutProfileType<FirstTransactionRequest>,
    options?: RequestOptions,
  ): Promise<TransactionResponse> {
    return this.createTransaction({ ...body, profileType: 'FIRST' }, options);
  }

  /** A debit without a profile (`profileType: "STANDARD"`): the card plus the first transaction's reference. */
  debitWithoutProfile(
    body: WithoutProfileType<StandardTransactionRequest>,
    options?: RequestOptions,
  ): Promise<TransactionResponse> {
    return this.createTransaction({ ...body, profileType: 'STANDARD' }, options);
  }

  /** `GET /transaction/{id}`, with its refunds. */
  getTransaction(transactionId: string, options?: RequestOptions): Promise<TransactionResponse> {
    return this.http.request('GET', `/transaction/${seg(transactionId)}`, undefined, options);
  }

  /** `POST /transaction/{id}/refund`: a new refund transaction of a settled sale. */
  refund(transactionId: string, body: RefundRequest, options?: RequestOptions): Promise<TransactionResponse> {
    return this.http.request(
      'POST',
      `/transaction/${seg(transactionId)}/refund`,
      { ...body, type: 'refund' },
      options,
    );
  }

  /** `POST /transaction/{id}/can-refund`: whether `amount` can be refunded, and the remaining balance. */
  canRefund(
    transactionId: string,
    body: CanRefundRequest,
    options?: RequestOptions,
  ): Promise<CanRefundResponse> {
    return this.http.request('POST', `/transaction/${seg(transactionId)}/can-refund`, body, options);
  }

  /**
   * `POST /transaction/{id}/capture`: settles an `authorized` transaction (pre-authorisation shops). Without
   * `amount`, the whole authorised amount (no body is sent, as imoje's clients do); with `amount` (at most the
   * authorised amount), that much, and the rest of the hold is released.
   */
  capture(
    transactionId: string,
    body: CaptureRequest = {},
    options?: RequestOptions,
  ): Promise<TransactionResponse> {
    const payload = body.amount === undefined || body.amount === null ? undefined : { amount: body.amount };
    return this.http.request('POST', `/transaction/${seg(transactionId)}/capture`, payload, options);
  }

  /** `POST /transaction/{id}/void`: cancels an `authorized` transaction (pre-authorisation shops). */
  void(transactionId: string, options?: RequestOptions): Promise<TransactionResponse> {
    return this.http.request('POST', `/transaction/${seg(transactionId)}/void`, undefined, options);
  }

  /** `POST /transaction/profile`: debits a stored card; no 3-D Secure. */
  debitProfile(body: DebitProfileRequest, options?: RequestOptions): Promise<TransactionResponse> {
    return this.http.request('POST', '/transaction/profile', body, options);
  }

  /** `POST /payment`: a payment link; send the payer to `payment.url` (the hosted paywall). */
  createPaymentLink(body: CreatePaymentLinkRequest, options?: RequestOptions): Promise<PaymentLinkResponse> {
    return this.http.request('POST', '/payment', body, options);
  }

  /** `GET /payment/{id}`: the link and its `status` (`open`, `paying`, `paid`, `cancelled`, `expired`). */
  getPaymentLink(paymentId: string, options?: RequestOptions): Promise<PaymentLinkResponse> {
    return this.http.request('GET', `/payment/${seg(paymentId)}`, undefined, options);
  }

  /** `POST /payment/cancel`: idempotent; a link that was paid or is being paid can't be cancelled (409). */
  cancelPaymentLink(
    body: { serviceId: string; paymentId: string },
    options?: RequestOptions,
  ): Promise<PaymentLinkResponse> {
    return this.http.request('POST', '/payment/cancel', body, options);
  }

  /** `GET /profile/id/{id}` */
  getProfile(paymentProfileId: string, options?: RequestOptions): Promise<ProfileResponse> {
    return this.http.request('GET', `/profile/id/${seg(paymentProfileId)}`, undefined, options);
  }

  /** `GET /profile/cid/{cid}`: all of the payer's profiles, active and inactive; `[]` when none. */
  listProfilesByCid(cid: string, options?: RequestOptions): Promise<ProfileListResponse> {
    return this.http.request('GET', `/profile/cid/${seg(cid)}`, undefined, options);
  }

  /** `POST /profile/deactivate`: final and idempotent; the profile is never debited again. */
  deactivateProfile(paymentProfileId: string, options?: RequestOptions): Promise<ProfileResponse> {
    return this.http.request('POST', '/profile/deactivate', { paymentProfileId }, options);
  }

  /** `DELETE /profile/id/{id}`: the same as {@link deactivateProfile}. */
  deleteProfile(paymentProfileId: string, options?: RequestOptions): Promise<ProfileResponse> {
    return this.http.request('DELETE', `/profile/id/${seg(paymentProfileId)}`, undefined, options);
  }

  /** `GET /service/{serviceId}`: the service's card methods, each with its amount limits. */
  getService(serviceId: string, options?: RequestOptions): Promise<ServiceResponse> {
    return this.http.request('GET', `/service/${seg(serviceId)}`, undefined, options);
  }

  /** `GET /services`: every service of the merchant, as a top-level array of `{ service }`. */
  listServices(options?: RequestOptions): Promise<ServiceListResponse> {
    return this.http.request('GET', '/services', undefined, options, 'array');
  }

  /** `POST /service/{serviceId}/get-payment-methods`: what a payer can use for this amount (`[]` if none). */
  getPaymentMethods(
    serviceId: string,
    body: GetPaymentMethodsRequest,
    options?: RequestOptions,
  ): Promise<PaymentMethodsResponse> {
    return this.http.request(
      'POST',
      `/service/${seg(serviceId)}/get-payment-methods`,
      body,
      options,
      'array',
    );
  }
}
