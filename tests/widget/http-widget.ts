import { Agent, request } from 'node:http';
import { signWidget } from '../../src/widget/signature.js';
import type { Storage } from '../../src/storage/storage.js';
import type { TestMerchant } from '../support/gateway.js';
import { FUTURE_YEAR, saleBody, uniqueCid } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/** A widget page as the browser gets it, without a browser: status, redirect target and HTML. */
export interface WidgetAnswer {
  status: number;
  location: string | null;
  html: string;
}

async function form(url: string, fields: Record<string, string>): Promise<WidgetAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

let counter = 0;

/** Signed attributes of one widget order (a shop backend's job), as `data-*` camelCase keys. */
export function signedOrder(
  merchant: TestMerchant,
  overrides: Record<string, string | null> = {},
): Record<string, string> {
  const signed: Record<string, string> = {
    merchantId: merchant.merchantId,
    serviceId: merchant.serviceId,
    amount: '1999',
    currency: 'PLN',
    orderId: `once-${process.pid}-${Date.now().toString(36)}-${++counter}`,
    customerId: uniqueCid(),
    customerFirstName: 'Jan',
    customerLastName: 'Kowalski',
    customerEmail: 'jan@example.com',
    urlSuccess: 'https://shop.example/success',
    urlFailure: 'https://shop.example/failure',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete signed[k];
    else signed[k] = v;
  }
  return signed;
}

/** What the widget script posts when the shop page loads: the attributes and their signature. */
export function withSignatureOf(
  merchant: TestMerchant,
  signed: Record<string, string>,
): Record<string, string> {
  return { ...signed, signature: signWidget(signed, merchant.serviceKey), locale: 'en' };
}

/** `POST /widget/session` on any gateway base URL. */
export function openWidget(baseUrl: string, attrs: Record<string, string>): Promise<WidgetAnswer> {
  return form(`${baseUrl}/widget/session`, attrs);
}

/** Opens the widget and returns the opening's (session's) id. */
export async function openSession(baseUrl: string, attrs: Record<string, string>): Promise<string> {
  const res = await openWidget(baseUrl, attrs);
  if (res.status !== 303 || !res.location) throw new Error(`widget did not open: ${res.status}\n${res.html}`);
  return res.location.split('/').pop()!;
}

export function payWithSaved(baseUrl: string, session: string): Promise<WidgetAnswer> {
  return form(`${baseUrl}/widget/session/${session}/saved`, {});
}

/**
 * `n` saved-card clicks, spread over `openings` (round robin), that reach the server(s) together: each on its
 * own connection, opened (and warmed with a request) beforehand, so that no click waits for a TCP handshake
 * while another is already being handled.
 */
export async function savedClicksAtOnce(
  openings: Array<{ baseUrl: string; session: string }>,
  n: number,
): Promise<WidgetAnswer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: n });
  const send = (method: string, url: string) =>
    new Promise<WidgetAnswer>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
        },
        (res) => {
          let html = '';
          res.on('data', (c: Buffer) => (html += c.toString('utf8')));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, html }),
          );
        },
      );
      req.on('error', reject);
      req.end(method === 'POST' ? '' : undefined);
    });
  const target = (i: number) => openings[i % openings.length]!;
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => send('GET', `${target(i).baseUrl}/health/live`)));
    return await Promise.all(
      Array.from({ length: n }, (_, i) =>
        send('POST', `${target(i).baseUrl}/widget/session/${target(i).session}/saved`),
      ),
    );
  } finally {
    agent.destroy();
  }
}

/** The card form; `another`: "use another card" next to a saved one (pays once, saves nothing). */
export function payWithNewCard(
  baseUrl: string,
  session: string,
  number: string,
  another = false,
): Promise<WidgetAnswer> {
  return form(`${baseUrl}/widget/session/${session}/pay`, {
    ...(another ? { another: '1' } : {}),
    number,
    expiry: `12/${FUTURE_YEAR.slice(2)}`,
    cvv: '123',
    holder: 'Jan Kowalski',
  });
}

export async function page(url: string): Promise<WidgetAnswer> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

/** A payer who already saved a card (a ONE_CLICK profile) with the shop, registered through the API. */
export async function payerWithSavedCard(merchant: TestMerchant): Promise<string> {
  const cid = uniqueCid();
  const body = saleBody(merchant.serviceId, {
    customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid },
  });
  const res = await merchant.api.post<TransactionResponse>('/transaction', body);
  if (res.body.transaction.status !== 'settled') throw new Error(`registration: ${res.text}`);
  return cid;
}

/** The order's transactions and the acquirer's approved authorizations for them (what the payer was charged). */
export async function chargesFor(storage: Storage, orderId: string) {
  const db = storage.db;
  const transactions = await db
    .selectFrom('transactions')
    .selectAll()
    .where('orderId', '=', orderId)
    .execute();
  const ids = transactions.map((t) => t.id);
  const ledger = ids.length
    ? await db.selectFrom('sandboxLedger').selectAll().where('reference', 'in', ids).execute()
    : [];
  const charged = ledger.filter((e) => e.operation === 'authorize' && e.outcome === 'approved');
  return { transactions, charged };
}
