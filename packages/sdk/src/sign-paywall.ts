import { concatUtf8, hexDigest, type SignatureAlgorithm } from './digest.js';
import type { SignedAgreementFields } from './agreement-fields.js';
import { KartotekaError } from './errors.js';
import type { Currency } from './types/enums.js';

/**
 * The fields of imoje's paywall form (`POST`/`GET {paywall}/payment`), all signed when present. The agreement
 * fields (`SignedAgreementFields`) go with `preselectMethodCode: 'recurring'` and `cid` only.
 */
export interface PaywallFields extends SignedAgreementFields {
  serviceId: string;
  merchantId: string;
  /** Minor units. */
  amount: number | string;
  currency: Currency;
  orderId: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail?: string;
  customerPhone?: string;
  orderDescription?: string;
  additionalDescription?: string;
  urlSuccess?: string;
  urlFailure?: string;
  urlReturn?: string;
  urlNotification?: string;
  /** Comma-separated, as the form sends it. */
  visibleMethod?: string;
  validTo?: string | number;
  /** `oneclick` / `recurring` with `cid` registers the card. */
  preselectMethodCode?: string;
  cid?: string;
  customerId?: string;
  locale?: string;
}

const NAMES: ReadonlyArray<keyof PaywallFields> = [
  'serviceId',
  'merchantId',
  'amount',
  'currency',
  'orderId',
  'customerFirstName',
  'customerLastName',
  'customerEmail',
  'customerPhone',
  'orderDescription',
  'additionalDescription',
  'urlSuccess',
  'urlFailure',
  'urlReturn',
  'urlNotification',
  'visibleMethod',
  'validTo',
  'preselectMethodCode',
  'cid',
  'customerId',
  'locale',
  'agreementAmount',
  'agreementMaxAmount',
  'agreementCurrency',
  'agreementIntervalUnit',
  'agreementIntervalCount',
  'agreementMinDays',
  'agreementStartAt',
  'agreementExpiresAt',
  'agreementMaxCycles',
];

/**
 * The paywall form's `signature` field, computed as for the widget: the fields sent, sorted by name,
 * `key=value` joined with `&` (no URL-encoding), the serviceKey appended, hex-hashed, then `;alg`. Sign on the
 * server; put every field you signed (and nothing else but `signature`) into the form.
 */
export async function signPaywallForm(
  fields: PaywallFields,
  serviceKey: string,
  alg: SignatureAlgorithm = 'sha256',
): Promise<string> {
  const entries = Object.entries(fields as unknown as Record<string, unknown>).filter(
    ([k, v]) => v !== undefined && v !== null && (NAMES as readonly string[]).includes(k),
  );
  for (const [key, value] of entries) {
    const name = NAMES.find((n) => String(value).includes(`&${n}=`));
    if (name) {
      throw new KartotekaError(
        `signPaywallForm: ${key} contains "&${name}=", which the signature cannot tell apart from a separate ${name}; encode it (e.g. %26${name}=)`,
      );
    }
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = entries.map(([k, v]) => `${k}=${String(v)}`).join('&');
  const hex = await hexDigest(alg, concatUtf8(new TextEncoder().encode(payload), serviceKey));
  return `${hex};${alg}`;
}
