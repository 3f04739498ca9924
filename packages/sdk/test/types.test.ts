/**
 * Type tests. The `@ts-expect-error` lines are checked by `tsc -p packages/sdk/test` (part of
 * `npm run typecheck`): if a wrong value ever type-checks, the directive itself becomes an error. The
 * `expectTypeOf` assertions are checked the same way; at run time they only confirm the values exist.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type {
  CanRefundResponse,
  CreateTransactionRequest,
  Currency,
  DebitProfileRequest,
  ImojeNotification,
  KartotekaClient,
  PaymentProfile,
  ProfileListResponse,
  RefundRequest,
  TransactionResponse,
  TransactionStatus,
  WidgetFields,
} from '../src/index.js';

// imoje-api.md §3.1 / §5 examples, written as a shop would.
const registration = {
  type: 'sale',
  serviceId: '63f574ed-d4ad-407e-9981-39ed0ffe8b2a',
  amount: 1999,
  currency: 'PLN',
  orderId: 'order-1',
  title: '',
  paymentMethod: 'card',
  paymentMethodCode: 'oneclick',
  successReturnUrl: 'https://shop.example/success',
  failureReturnUrl: 'https://shop.example/failure',
  notificationUrl: null,
  customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: 'cid-1', phone: null },
  card: {
    number: '4111111111111111',
    month: '12',
    year: '2029',
    cvv: '123',
    firstName: 'Jan',
    lastName: 'Kowalski',
  },
  additionalData: {
    browser: {
      ip: '127.0.0.1',
      language: 'pl-PL',
      jsEnabled: true,
      timezoneOffset: -60,
      userAgent: 'Mozilla/5.0',
      accept: 'text/html',
      javaEnabled: false,
      screenColorDepth: 24,
      screenHeight: 1080,
      screenWidth: 1920,
    },
  },
} satisfies CreateTransactionRequest;

const standard: CreateTransactionRequest = {
  ...registration,
  paymentMethodCode: 'recurring',
  profileType: 'STANDARD',
  card: {
    number: '4111111111111111',
    month: '12',
    year: '2029',
    firstName: 'Jan',
    lastName: 'Kowalski',
    firstTransactionId: 'ntid-1',
  },
};

const first: CreateTransactionRequest = {
  ...registration,
  profileType: 'FIRST',
  paymentMethodCode: 'recurring',
};

const debit: DebitProfileRequest = {
  serviceId: '63f574ed-d4ad-407e-9981-39ed0ffe8b2a',
  paymentProfileId: '0f3b7a58-8d0b-4d57-9c39-8f0c9a4c1f11',
  amount: 1500,
  currency: 'EUR',
  orderId: 'debit-1',
};

const refund: RefundRequest = { serviceId: debit.serviceId, amount: 500, title: 'Return' };

const profile: PaymentProfile = {
  id: debit.paymentProfileId,
  merchantMid: '6yt3gjtm9p7b8h9xsdqz',
  merchantCustomerId: 'cid-1',
  firstName: 'Jan',
  lastName: 'Kowalski',
  email: 'jan@example.com',
  maskedNumber: '****1111',
  month: '12',
  year: '2029',
  organization: 'VISA',
  isActive: 1,
  profile: 'ONE_CLICK',
  firstTransactionId: 'ntid-1',
};

// --- wrong values are rejected ---------------------------------------------------------------------------

// @ts-expect-error currency 'XYZ' is not an imoje currency
const badCurrency: CreateTransactionRequest = { ...registration, currency: 'XYZ' };
// @ts-expect-error paymentMethodCode 'foo' does not exist
const badCode: CreateTransactionRequest = { ...registration, paymentMethodCode: 'foo' };
// @ts-expect-error profileType 'OTHER' does not exist
const badProfileType: CreateTransactionRequest = { ...registration, profileType: 'OTHER' };
// @ts-expect-error a STANDARD debit carries firstTransactionId instead of a CVV
const standardWithCvv: CreateTransactionRequest = { ...standard, card: { ...standard.card!, cvv: '123' } };
// @ts-expect-error FIRST needs the card
const firstWithoutCard: CreateTransactionRequest = { ...first, card: undefined };
// @ts-expect-error ecom3ds cannot be a FIRST registration
const firstEcom: CreateTransactionRequest = { ...first, paymentMethodCode: 'ecom3ds' };
// @ts-expect-error amounts are numbers of minor units, not strings
const stringAmount: DebitProfileRequest = { ...debit, amount: '15.00' };
// @ts-expect-error isActive is 0 or 1
const boolActive: PaymentProfile = { ...profile, isActive: true };
// @ts-expect-error the profile kind is ONE_CLICK or RECURRING
const badKind: PaymentProfile = { ...profile, profile: 'OTHER' };
const widget: WidgetFields = {
  merchantId: '6yt3gjtm9p7b8h9xsdqz',
  serviceId: '63f574ed-d4ad-407e-9981-39ed0ffe8b2a',
  amount: 1999,
  currency: 'PLN',
  orderId: 'order-1',
  customerId: 'cid-1',
  customerFirstName: 'Jan',
  customerLastName: 'Kowalski',
  customerEmail: 'jan@example.com',
  widgetType: 'recurring',
};
// @ts-expect-error the widget's currency is checked too
const badWidget: WidgetFields = { ...widget, currency: 'XYZ' };
// @ts-expect-error and its widget type
const badWidgetType: WidgetFields = { ...widget, widgetType: 'foo' };

describe('SDK types', () => {
  it('accept the documented examples', () => {
    expectTypeOf(registration).toMatchTypeOf<CreateTransactionRequest>();
    expectTypeOf(widget).toMatchTypeOf<WidgetFields>();
    expectTypeOf(standard).toMatchTypeOf<CreateTransactionRequest>();
    expectTypeOf(first).toMatchTypeOf<CreateTransactionRequest>();
    expectTypeOf(refund).toMatchTypeOf<RefundRequest>();
    expectTypeOf<'PLN'>().toMatchTypeOf<Currency>();
    expectTypeOf<'XYZ'>().not.toMatchTypeOf<Currency>();
    expectTypeOf<'refund'>().not.toMatchTypeOf<TransactionStatus>();
  });

  it('give every method its wire response type', () => {
    expectTypeOf<
      KartotekaClient['createTransaction']
    >().returns.resolves.toEqualTypeOf<TransactionResponse>();
    expectTypeOf<KartotekaClient['debitProfile']>().returns.resolves.toEqualTypeOf<TransactionResponse>();
    expectTypeOf<
      KartotekaClient['listProfilesByCid']
    >().returns.resolves.toEqualTypeOf<ProfileListResponse>();
    expectTypeOf<KartotekaClient['canRefund']>().returns.resolves.toEqualTypeOf<CanRefundResponse>();
    expectTypeOf<KartotekaClient['void']>().returns.resolves.toEqualTypeOf<TransactionResponse>();
    expectTypeOf<TransactionResponse['action']>().toEqualTypeOf<
      { type: 'redirect'; url: string; method: 'GET'; contentType: ''; contentBodyRaw: '' } | undefined
    >();
    expectTypeOf<ImojeNotification['transaction']['status']>().toEqualTypeOf<TransactionStatus>();
  });

  it('keep the rejected examples around (they exist only for the @ts-expect-error checks)', () => {
    expectTypeOf([
      badCurrency,
      badCode,
      badProfileType,
      standardWithCvv,
      firstWithoutCard,
      firstEcom,
      stringAmount,
      boolActive,
      badKind,
      badWidget,
      badWidgetType,
    ]).toBeArray();
  });
});
