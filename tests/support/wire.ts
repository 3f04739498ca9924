import { expect } from 'vitest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STATUSES = ['new', 'pending', 'authorized', 'settled', 'rejected', 'cancelled', 'error'];

export interface WireProfile {
  id: string;
  merchantMid: string;
  merchantCustomerId: string;
  firstName: string;
  lastName: string;
  email: string;
  maskedNumber: string;
  month: string;
  year: string;
  organization: string;
  isActive: 0 | 1;
  profile: 'ONE_CLICK' | 'RECURRING';
  firstTransactionId: string;
}

export interface WireTransaction {
  id: string;
  type: string;
  status: string;
  source: string;
  created: number;
  modified: number;
  notificationUrl: string;
  serviceId: string;
  amount: number;
  currency: string;
  title: string;
  orderId: string;
  paymentMethod: string;
  paymentMethodCode: string;
  payment: { id: string; status: string };
  statusCode?: string;
  statusCodeDescription?: string;
  paymentProfile?: WireProfile;
  firstTransactionId?: string;
  refunds?: Array<{ transaction: WireTransaction }>;
}

export interface TransactionResponse {
  transaction: WireTransaction;
  action?: { type: string; url: string; method: string; contentType: string; contentBodyRaw: string };
}

export interface ErrorBody {
  apiErrorResponse: {
    code: string;
    message: string;
    instance: unknown;
    errors: Array<{ property: string; message: string }>;
  };
}

/** imoje-api.md §3.1: every field, its type and enum values. */
export function expectTransactionShape(t: WireTransaction): void {
  expect(t.id).toMatch(UUID);
  expect(['sale', 'refund']).toContain(t.type);
  expect(STATUSES).toContain(t.status);
  expect(['api', 'web']).toContain(t.source);
  expect(Number.isInteger(t.created)).toBe(true);
  expect(Number.isInteger(t.modified)).toBe(true);
  expect(t.created).toBeLessThan(10_000_000_000); // seconds, not milliseconds
  expect(t.modified).toBeGreaterThanOrEqual(t.created);
  expect(typeof t.notificationUrl).toBe('string');
  expect(t.serviceId).toMatch(UUID);
  expect(Number.isInteger(t.amount)).toBe(true);
  expect(typeof t.currency).toBe('string');
  expect(typeof t.title).toBe('string');
  expect(typeof t.orderId).toBe('string');
  expect(t.paymentMethod).toBe('card');
  expect(['ecom3ds', 'oneclick', 'recurring']).toContain(t.paymentMethodCode);
  expect(t.payment).toEqual({ id: t.id, status: t.status });
  if (t.status !== 'pending' && t.status !== 'new') {
    expect(t.statusCode).toMatch(/^CODE_[0-9A-Z]+$/);
    expect(t.statusCodeDescription).toMatch(new RegExp(`^${t.statusCode} - .+`));
  }
  if (t.paymentProfile) expectProfileShape(t.paymentProfile);
}

/** imoje-api.md §4: the paymentProfile object. */
export function expectProfileShape(p: WireProfile): void {
  expect(Object.keys(p).sort()).toEqual(
    [
      'id',
      'merchantMid',
      'merchantCustomerId',
      'firstName',
      'lastName',
      'email',
      'maskedNumber',
      'month',
      'year',
      'organization',
      'isActive',
      'profile',
      'firstTransactionId',
    ].sort(),
  );
  expect(p.id).toMatch(UUID);
  expect(p.merchantMid).toMatch(/^[a-z0-9]{20}$/);
  expect(p.maskedNumber).toMatch(/^\*{4}[0-9]{4}$/);
  expect(p.month).toMatch(/^(0[1-9]|1[0-2])$/);
  expect(p.year).toMatch(/^[0-9]{4}$/);
  expect(['VISA', 'MASTERCARD', 'MAESTRO', 'AMEX', 'DINERS', 'DISCOVER', 'JCB', 'UNKNOWN']).toContain(
    p.organization,
  );
  expect([0, 1]).toContain(p.isActive);
  expect(['ONE_CLICK', 'RECURRING']).toContain(p.profile);
  expect(typeof p.firstTransactionId).toBe('string');
  expect(p.firstTransactionId.length).toBeGreaterThan(0);
}

export function expectError(
  res: { status: number; body: unknown },
  status: number,
  code?: string,
  property?: string,
): ErrorBody['apiErrorResponse'] {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as ErrorBody;
  expect(body.apiErrorResponse).toBeDefined();
  const e = body.apiErrorResponse;
  expect(typeof e.code).toBe('string');
  expect(e.code).toMatch(/^[A-Z]{3}-ERROR-[0-9]{6}$/);
  expect(typeof e.message).toBe('string');
  expect(e.instance).toBeDefined();
  expect(Array.isArray(e.errors)).toBe(true);
  if (code) expect(e.code).toBe(code);
  if (property) expect(e.errors.map((x) => x.property)).toContain(property);
  return e;
}
