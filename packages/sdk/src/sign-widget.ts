import { concatUtf8, hexDigest, type SignatureAlgorithm } from './digest.js';
import type { SignedAgreementFields } from './agreement-fields.js';
import { KartotekaError } from './errors.js';
import type { Currency } from './types/enums.js';

/** Every attribute name the widget signs (imoje-api.md §7). */
const SIGNED_NAMES = [
  'merchantId',
  'serviceId',
  'amount',
  'currency',
  'orderId',
  'customerId',
  'customerFirstName',
  'customerLastName',
  'customerEmail',
  'customerPhone',
  'orderDescription',
  'urlSuccess',
  'urlFailure',
  'urlReturn',
  'urlCancel',
  'widgetType',
  'validTo',
  'agreementAmount',
  'agreementMaxAmount',
  'agreementCurrency',
  'agreementIntervalUnit',
  'agreementIntervalCount',
  'agreementMinDays',
  'agreementStartAt',
  'agreementExpiresAt',
  'agreementMaxCycles',
] as const;

/**
 * The signed attributes of the card widget (imoje-api.md §7), as camelCase keys: `data-order-id` → `orderId`.
 * Display-only attributes (`data-locale`, `data-inline`, `data-element-id`, `data-element-event`) are not signed
 * and do not belong here. The agreement fields (`SignedAgreementFields`) go with `widgetType: 'recurring'` only.
 */
export interface WidgetFields extends SignedAgreementFields {
  merchantId: string;
  serviceId: string;
  /** Minor units. */
  amount: number | string;
  currency: Currency;
  orderId: string;
  customerId: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string;
  customerPhone?: string;
  orderDescription?: string;
  urlSuccess?: string;
  urlFailure?: string;
  urlReturn?: string;
  urlCancel?: string;
  widgetType?: 'oneclick' | 'recurring' | 'ecom3ds';
  validTo?: string | number;
}

/**
 * The `data-signature` value: keys sorted ascending, `key=value` joined with `&` (no URL-encoding), the
 * serviceKey appended, hex-hashed, then `;alg`. Fields left undefined or null are not rendered as attributes,
 * so they are not signed either. Sign on the server: the serviceKey must never reach the browser.
 *
 * Throws `KartotekaError` for a value containing `&<signed name>=` (say `urlSuccess` ending in
 * `&validTo=…`): unescaped, it reads the same as a separate attribute, so anyone could move attributes around
 * under a valid signature, and Kartoteka refuses such widgets. Ordinary query strings (`?wc-api=x&order=1`)
 * are fine.
 */
export async function signWidget(
  fields: WidgetFields,
  serviceKey: string,
  alg: SignatureAlgorithm = 'sha256',
): Promise<string> {
  const entries = Object.entries(fields as unknown as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && v !== null,
  );
  for (const [key, value] of entries) {
    const name = SIGNED_NAMES.find((n) => String(value).includes(`&${n}=`));
    if (name) {
      throw new KartotekaError(
        `signWidget: ${key} contains "&${name}=", which the signature cannot tell apart from a separate ${name}; encode it (e.g. %26${name}=)`,
      );
    }
  }
  // Plain code-unit order, like PHP's ksort on these ASCII keys (imoje's reference implementation).
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = entries.map(([k, v]) => `${k}=${String(v)}`).join('&');
  const hex = await hexDigest(alg, concatUtf8(new TextEncoder().encode(payload), serviceKey));
  return `${hex};${alg}`;
}
