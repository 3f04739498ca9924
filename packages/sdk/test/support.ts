/** Shared pieces of the SDK tests: a client for a test merchant and typed request builders. */
import type { TestGateway, TestMerchant } from '../../../tests/support/gateway.js';
import { FUTURE_YEAR, uniqueCid } from '../../../tests/support/payloads.js';
import {
  KartotekaClient,
  type Card,
  type CardTransactionRequest,
  type ClientOptions,
  type RedirectAction,
} from '../src/index.js';

export function clientFor(gw: TestGateway, m: TestMerchant, options: Partial<ClientOptions> = {}) {
  return new KartotekaClient({
    baseUrl: `${gw.url}/v1/merchant`,
    merchantId: m.merchantId,
    token: m.token,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 50,
    ...options,
  });
}

export function testCard(number = '4111111111111111'): Card {
  return { number, month: '12', year: FUTURE_YEAR, cvv: '123', firstName: 'Jan', lastName: 'Kowalski' };
}

let counter = 0;
export function orderId(prefix = 'sdk'): string {
  return `${prefix}-${Date.now()}-${++counter}`;
}

/** A card registration (`oneclick`) as the docs show it; override anything. */
export function saleRequest(
  serviceId: string,
  overrides: Partial<CardTransactionRequest> = {},
): CardTransactionRequest {
  return {
    type: 'sale',
    serviceId,
    amount: 1999,
    currency: 'PLN',
    orderId: orderId(),
    title: 'Order',
    paymentMethod: 'card',
    paymentMethodCode: 'oneclick',
    successReturnUrl: 'https://shop.example/success',
    failureReturnUrl: 'https://shop.example/failure',
    customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: uniqueCid() },
    card: testCard(),
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

/** Answers the sandbox 3-D Secure page the way the payer's browser would; returns where it redirects. */
export async function completeChallenge(
  action: RedirectAction,
  result: 'pass' | 'fail',
): Promise<string | null> {
  const page = await fetch(action.url);
  if (page.status !== 200) throw new Error(`challenge page answered ${page.status}`);
  await page.text();
  const res = await fetch(action.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `result=${result}`,
    redirect: 'manual',
  });
  await res.text();
  return res.headers.get('location');
}
