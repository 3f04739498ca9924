import { isSignatureAlgorithm, type SignatureAlgorithm } from './digest.js';
import { NotificationVerificationError } from './notification-verification-error.js';

/** The parts of `X-Imoje-Signature: merchantid=…;serviceid=…;signature=…;alg=sha256`. */
export interface SignatureHeader {
  merchantId: string;
  serviceId: string;
  /** Lowercase hex. */
  signature: string;
  alg: SignatureAlgorithm;
}

/** What frameworks hand over: Node's `req.headers[…]`, fetch's `headers.get(…)`. */
export type SignatureHeaderInput = string | readonly string[] | null | undefined;

const HEX_LENGTH: Record<SignatureAlgorithm, number> = { sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

const EXAMPLE = 'merchantid=…;serviceid=…;signature=<hex>;alg=sha256';

/** Parses the header; every failure says what was wrong with it. */
export function parseSignatureHeader(input: SignatureHeaderInput): SignatureHeader {
  // Node types custom headers as string | string[]; a single value arrives as a string, so one entry is fine.
  const header = Array.isArray(input) && input.length === 1 ? input[0] : input;
  if (header === undefined || header === null || (typeof header === 'string' && header.trim() === '')) {
    throw new NotificationVerificationError(
      'missing-header',
      'No X-Imoje-Signature header. Pass the value of the "X-Imoje-Signature" request header ' +
        '(Node: req.headers["x-imoje-signature"], fetch: request.headers.get("x-imoje-signature")).',
    );
  }
  if (typeof header !== 'string') {
    throw new NotificationVerificationError(
      'malformed-header',
      `The signature header must be one string, got ${Array.isArray(header) ? `${header.length} values (sent twice?)` : typeof header}.`,
    );
  }
  const parts = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const missing = ['merchantid', 'serviceid', 'signature', 'alg'].filter((k) => !parts.get(k));
  if (missing.length > 0) {
    throw new NotificationVerificationError(
      'malformed-header',
      `Malformed X-Imoje-Signature header: missing ${missing.join(', ')}. Expected "${EXAMPLE}", got "${header.slice(0, 200)}".`,
    );
  }
  const alg = parts.get('alg')!.toLowerCase();
  if (!isSignatureAlgorithm(alg)) {
    throw new NotificationVerificationError(
      'unsupported-algorithm',
      `Unsupported signature algorithm alg=${alg}: imoje signs with sha256 (sha224, sha384 and sha512 are also accepted).`,
    );
  }
  const signature = parts.get('signature')!.toLowerCase();
  if (!/^[0-9a-f]+$/.test(signature) || signature.length !== HEX_LENGTH[alg]) {
    throw new NotificationVerificationError(
      'malformed-header',
      `Malformed X-Imoje-Signature header: signature must be ${HEX_LENGTH[alg]} hex characters for ${alg}.`,
    );
  }
  return { merchantId: parts.get('merchantid')!, serviceId: parts.get('serviceid')!, signature, alg };
}
