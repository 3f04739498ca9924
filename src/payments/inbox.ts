import { timingSafeEqual } from 'node:crypto';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../domain/cursor.js';
import { DomainError } from '../domain/domain-error.js';
import { newId } from '../domain/ids.js';
import { maskCardNumbers } from '../domain/mask-card-numbers.js';
import { notificationSignature } from '../notifications/signer.js';
import type { InboxRow } from '../storage/inbox-repo.js';
import type { PaymentsDeps } from './deps.js';

/** What arrived at the sandbox's webhook inbox, as a shop's developer sees it. */
export interface InboxMessageView {
  id: string;
  serviceId: string;
  receivedAt: string;
  /** The request headers as received (lowercase names), without hop-by-hop headers and credentials. */
  headers: Record<string, string>;
  /** The body as UTF-8 text. */
  body: string;
  /** The exact bytes, base64: what `kartoteka listen` relays. */
  bodyBase64: string;
  signature: string | null;
  /** X-Imoje-Signature matched the body under the shop's serviceKey (and named this merchant and shop). */
  verified: boolean;
  transactionId: string | null;
  /** The notified status (`transaction.status`). */
  event: string | null;
}

export interface InboxPage {
  messages: InboxMessageView[];
  nextCursor: string | null;
}

/** Not kept: connection plumbing, and anything that could carry a credential. */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'authorization',
  'proxy-authorization',
  'cookie',
]);

export function inboxView(row: InboxRow): InboxMessageView {
  const bytes = Buffer.from(row.bodyBase64, 'base64');
  return {
    id: row.id,
    serviceId: row.serviceId,
    receivedAt: new Date(row.receivedAt).toISOString(),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: bytes.toString('utf8'),
    bodyBase64: row.bodyBase64,
    signature: row.signature,
    verified: row.verified === 1,
    transactionId: row.transactionId,
    event: row.event,
  };
}

/** imoje-api.md §6: `merchantid=…;serviceid=…;signature=…;alg=sha256`, checked against this shop. */
function verify(
  header: string | null,
  body: Buffer,
  shop: { id: string; merchantId: string; serviceKey: string },
): boolean {
  if (!header) return false;
  const parts = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (parts.get('alg') !== 'sha256') return false;
  if (parts.get('merchantid') !== shop.merchantId || parts.get('serviceid') !== shop.id) return false;
  const given = Buffer.from(parts.get('signature') ?? '', 'utf8');
  const expected = Buffer.from(notificationSignature(body, shop.serviceKey), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function described(body: Buffer): { transactionId: string | null; event: string | null } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { transaction?: { id?: unknown; status?: unknown } };
    const t = parsed.transaction;
    return {
      transactionId: typeof t?.id === 'string' ? t.id.slice(0, 64) : null,
      event: typeof t?.status === 'string' ? t.status.slice(0, 32) : null,
    };
  } catch {
    return { transactionId: null, event: null };
  }
}

/**
 * Stores a notification that arrived at the sandbox's inbox for `shopId`, verifying its signature with the
 * shop's key. Whatever arrives is kept (an unverified body too: that is what a developer wants to see), but
 * never a card number in clear. A verified body is kept byte for byte: only the gateway's outbox and the shop
 * hold the key, and the gateway's bodies carry masked numbers only (masking them again would mangle their
 * Luhn-valid ids, such as a 15-digit `firstTransactionId`). Anything unverified, and every header but the
 * signature (a hex digest), is stored masked.
 */
export async function receiveInboxMessage(
  deps: PaymentsDeps,
  shopId: string,
  rawHeaders: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<{ merchantId: string; message: InboxMessageView }> {
  const shop = await deps.storage.repos.merchants.getShopById(shopId);
  if (!shop) throw new DomainError('shopNotFound', [{ property: 'shopId', message: `No shop ${shopId}.` }]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    const lower = name.toLowerCase();
    if (value === undefined || DROPPED_HEADERS.has(lower)) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    headers[lower] = lower === 'x-imoje-signature' ? joined : maskCardNumbers(joined);
  }
  const signature = headers['x-imoje-signature'] ?? null;
  const verified = verify(signature, body, shop);
  let stored = body;
  if (!verified) {
    const text = body.toString('utf8');
    const masked = maskCardNumbers(text);
    if (masked !== text) stored = Buffer.from(masked, 'utf8');
  }
  const row: InboxRow = {
    id: newId(),
    merchantId: shop.merchantId,
    serviceId: shop.id,
    receivedAt: deps.clock.now(),
    headers: JSON.stringify(headers),
    bodyBase64: stored.toString('base64'),
    signature,
    verified: verified ? 1 : 0,
    ...described(stored),
  };
  await deps.storage.repos.inbox.insert(row);
  return { merchantId: shop.merchantId, message: inboxView(row) };
}

export async function listInboxMessages(
  deps: PaymentsDeps,
  merchantId: string,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<InboxPage> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const before = decodeCursor(query.cursor);
  const rows = await deps.storage.repos.inbox.page(
    merchantId,
    before && { receivedAt: before.at, id: before.id },
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    messages: page.map(inboxView),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.receivedAt, id: last.id }) : null,
  };
}

export async function getInboxMessage(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<InboxMessageView> {
  const row = await deps.storage.repos.inbox.get(merchantId, id);
  if (!row)
    throw new DomainError('inboxMessageNotFound', [{ property: 'id', message: `No inbox message ${id}.` }]);
  return inboxView(row);
}

/** Messages received at or after `fromMs`, oldest first (the live stream's catch-up; it skips what it sent). */
export async function inboxMessagesSince(
  deps: PaymentsDeps,
  merchantId: string,
  fromMs: number,
  limit = 100,
): Promise<InboxMessageView[]> {
  const rows = await deps.storage.repos.inbox.since(merchantId, { receivedAt: fromMs - 1, id: '' }, limit);
  return rows.map(inboxView);
}
