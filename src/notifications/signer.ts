import { createHash } from 'node:crypto';

/** sha256 over the exact body bytes followed by the shop's serviceKey, lowercase hex (imoje-api.md §6). */
export function notificationSignature(body: Uint8Array, serviceKey: string): string {
  return createHash('sha256').update(body).update(Buffer.from(serviceKey, 'utf8')).digest('hex');
}

/** `X-Imoje-Signature`; real clients read the parts by position, so the key order is part of the contract. */
export function signatureHeader(
  merchantId: string,
  serviceId: string,
  body: Uint8Array,
  serviceKey: string,
): string {
  const signature = notificationSignature(body, serviceKey);
  return `merchantid=${merchantId};serviceid=${serviceId};signature=${signature};alg=sha256`;
}
