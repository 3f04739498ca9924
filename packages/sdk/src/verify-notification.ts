import { concatUtf8, hexDigest, timingSafeEqualHex } from './digest.js';
import { NotificationVerificationError } from './notification-verification-error.js';
import { parseSignatureHeader, type SignatureHeaderInput } from './signature-header.js';
import type { ImojeNotification } from './types/notification.js';

/** The request body exactly as received: a string or the bytes (Node's Buffer is a Uint8Array). */
export type RawBody = string | Uint8Array | ArrayBuffer;

export interface VerifyOptions {
  /** Refuse notifications signed for another shop (a header copied from another shop's notification). */
  serviceId?: string;
  /** Refuse notifications of another merchant. */
  merchantId?: string;
}

function rawBytes(rawBody: unknown): Uint8Array {
  if (typeof rawBody === 'string') return new TextEncoder().encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  const got =
    rawBody === null || rawBody === undefined
      ? String(rawBody)
      : typeof rawBody === 'object'
        ? "a parsed object (did a JSON body parser run first? e.g. express.json() or Fastify's default parser)"
        : typeof rawBody;
  throw new NotificationVerificationError(
    'not-raw-body',
    `verifyNotification needs the raw request body (a string or bytes exactly as received), got ${got}. ` +
      'The signature covers the exact bytes sent; a parsed and re-serialised body does not match. ' +
      "Read the body as text or a Buffer (express.raw({ type: 'application/json' }), await request.text()).",
  );
}

/** Names the most likely mistake behind a signature that does not match. */
function mismatchMessage(text: string, serviceKey: string, serviceId: string): string {
  const hints: string[] = [];
  if (serviceKey !== serviceKey.trim()) {
    hints.push('the serviceKey has leading or trailing whitespace (copied with a newline?)');
  }
  if (/^\s*[[{][\s\S]*\n\s+"/.test(text)) {
    hints.push(
      'the body is pretty-printed: it was re-serialised (JSON.stringify(body, null, 2)?), but the signature covers the compact bytes imoje sent',
    );
  }
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  if (!parses) hints.push('the body is not complete JSON (truncated, or decoded with the wrong charset?)');
  hints.push(
    `the serviceKey is not the key of shop ${serviceId} (each shop has its own; sandbox and production keys differ)`,
    'the body was changed between receipt and verification, e.g. parsed and re-serialised with JSON.stringify(req.body); pass the raw bytes',
  );
  return `Notification signature does not match. Likely causes: ${hints.map((h, i) => `(${i + 1}) ${h}`).join('; ')}.`;
}

/**
 * Checks a notification (webhook) from imoje or Kartoteka and returns its parsed body. The header is
 * `merchantid=…;serviceid=…;signature=…;alg=sha256` and the signature is hash(raw body bytes + serviceKey),
 * compared in constant time. Throws {@link NotificationVerificationError}; never act on a body that failed.
 * Async because it uses Web Crypto, which works in Node 20+, browsers and edge runtimes alike.
 */
export async function verifyNotification(
  rawBody: RawBody,
  signatureHeader: SignatureHeaderInput,
  serviceKey: string,
  options: VerifyOptions = {},
): Promise<ImojeNotification> {
  const bytes = rawBytes(rawBody);
  const header = parseSignatureHeader(signatureHeader);
  if (typeof serviceKey !== 'string' || serviceKey === '') {
    throw new TypeError("verifyNotification: serviceKey must be the shop's non-empty serviceKey string");
  }
  if (options.merchantId !== undefined && header.merchantId !== options.merchantId) {
    throw new NotificationVerificationError(
      'wrong-shop',
      `The notification is signed for merchant ${header.merchantId}, not ${options.merchantId}.`,
    );
  }
  if (options.serviceId !== undefined && header.serviceId !== options.serviceId) {
    throw new NotificationVerificationError(
      'wrong-shop',
      `The notification is signed for shop (serviceId) ${header.serviceId}, not ${options.serviceId}: ` +
        "verify it with that shop's serviceKey, or check that the header belongs to this body.",
    );
  }
  const expected = await hexDigest(header.alg, concatUtf8(bytes, serviceKey));
  const text = new TextDecoder().decode(bytes);
  if (!timingSafeEqualHex(expected, header.signature)) {
    throw new NotificationVerificationError(
      'signature-mismatch',
      mismatchMessage(text, serviceKey, header.serviceId),
    );
  }
  try {
    return JSON.parse(text) as ImojeNotification;
  } catch {
    throw new NotificationVerificationError(
      'invalid-json',
      'The signature is valid but the body is not JSON; it cannot be an imoje notification.',
    );
  }
}
