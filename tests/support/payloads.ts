/** Request bodies as real imoje clients send them. */

export const FUTURE_YEAR = String(new Date().getUTCFullYear() + 3);

export interface CardOverrides {
  number?: string;
  month?: string;
  year?: string;
  cvv?: string | null;
  firstName?: string;
  lastName?: string;
  firstTransactionId?: string;
}

export function card(overrides: CardOverrides = {}): Record<string, unknown> {
  const c: Record<string, unknown> = {
    number: '4111111111111111',
    month: '12',
    year: FUTURE_YEAR,
    cvv: '123',
    firstName: 'Jan',
    lastName: 'Kowalski',
    ...overrides,
  };
  if (overrides.cvv === null) delete c.cvv;
  return c;
}

let counter = 0;
export function uniqueCid(): string {
  counter++;
  return `cid-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function saleBody(
  serviceId: string,
  overrides: Record<string, unknown> = {},
  cardOverrides: CardOverrides = {},
): Record<string, unknown> {
  return {
    type: 'sale',
    serviceId,
    amount: 1999,
    currency: 'PLN',
    orderId: `order-${Date.now()}-${++counter}`,
    title: 'Order',
    paymentMethod: 'card',
    paymentMethodCode: 'oneclick',
    successReturnUrl: 'https://shop.example/success',
    failureReturnUrl: 'https://shop.example/failure',
    customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: uniqueCid() },
    card: card(cardOverrides),
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
    ...overrides,
  };
}

export function debitBody(
  serviceId: string,
  paymentProfileId: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    serviceId,
    paymentProfileId,
    amount: 1500,
    currency: 'PLN',
    orderId: `debit-${Date.now()}-${++counter}`,
    title: 'Subscription',
    ...overrides,
  };
}
