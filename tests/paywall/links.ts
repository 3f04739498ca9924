import type { TestMerchant } from '../support/gateway.js';
import { uniqueCid } from '../support/payloads.js';

export interface LinkView {
  id: string;
  url: string;
  status: string;
  isActive: boolean;
  transactionId: string | null;
  orderId: string;
  amount: number;
  validTo: number;
  preselectMethodCode: string | null;
  customer: { cid: string | null };
}

let counter = 0;

/** A payment link body as a shop sends it (`POST /payment`). */
export function linkBody(
  merchant: TestMerchant,
  shopOrigin: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    serviceId: merchant.serviceId,
    amount: 2599,
    currency: 'PLN',
    orderId: `link-${process.pid}-${Date.now().toString(36)}-${++counter}`,
    title: 'Invoice 7',
    customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com' },
    successReturnUrl: `${shopOrigin}/success`,
    failureReturnUrl: `${shopOrigin}/failure`,
    returnUrl: `${shopOrigin}/return`,
    ...overrides,
  };
}

export async function createLink(
  merchant: TestMerchant,
  shopOrigin: string,
  overrides: Record<string, unknown> = {},
): Promise<LinkView> {
  const res = await merchant.api.post<{ payment: LinkView }>(
    '/payment',
    linkBody(merchant, shopOrigin, overrides),
  );
  if (res.status !== 200) throw new Error(`POST /payment: ${res.status} ${res.text}`);
  return res.body.payment;
}

export function oneclickCustomer(cid = uniqueCid()) {
  return { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid };
}

/** GET a page without following redirects. */
export async function open(url: string): Promise<{ status: number; location: string | null; html: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}
