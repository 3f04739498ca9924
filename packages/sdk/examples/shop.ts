import { BusinessRuleError, KartotekaClient, type BrowserData, type Card } from '../src/index.js';

// The same code talks to Kartoteka or to imoje: only baseUrl changes.
//   Kartoteka:          http://127.0.0.1:8080/v1/merchant
//   imoje sandbox:      https://sandbox.api.imoje.pl/v1/merchant
//   imoje production:   leave baseUrl out
export function createClient(baseUrl: string, merchantId: string, token: string): KartotekaClient {
  return new KartotekaClient({ baseUrl, merchantId, token });
}

export interface Payer {
  cid: string; // your id of the payer: one cid per card
  firstName: string;
  lastName: string;
  email: string;
}

export type Registration =
  | { kind: 'redirect'; url: string; transactionId: string } // send the payer's browser to url
  | { kind: 'done'; status: string; profileId?: string };

/** The payer's first payment registers the card for later debits (a RECURRING profile). */
export async function registerCard(
  client: KartotekaClient,
  serviceId: string,
  payer: Payer,
  card: Card,
  browser: BrowserData,
  orderId: string,
): Promise<Registration> {
  const { transaction, action } = await client.createTransaction({
    type: 'sale',
    serviceId,
    amount: 4900, // minor units: 49.00 PLN
    currency: 'PLN',
    orderId,
    title: 'Subscription, first month',
    paymentMethod: 'card',
    paymentMethodCode: 'recurring',
    successReturnUrl: 'https://shop.example/card/success',
    failureReturnUrl: 'https://shop.example/card/failure',
    customer: payer,
    card,
    additionalData: { browser }, // 3-D Secure 2 needs the payer's browser data
  });
  // 3-D Secure: the transaction is "pending" until the payer passes the challenge at action.url. Redirect
  // the browser there (HTTP 303, or window.location in a single-page shop); afterwards the gateway sends the
  // payer to successReturnUrl or failureReturnUrl and posts a notification with the final status.
  if (action) return { kind: 'redirect', url: action.url, transactionId: transaction.id };
  return { kind: 'done', status: transaction.status, profileId: transaction.paymentProfile?.id };
}

/** On the success/failure page: read the final state (the notification carries the same). */
export async function afterChallenge(client: KartotekaClient, transactionId: string) {
  const { transaction } = await client.getTransaction(transactionId);
  return { status: transaction.status, profileId: transaction.paymentProfile?.id };
}

/** Every month: debit the stored card, without the payer and without 3-D Secure. */
export async function chargeSubscription(
  client: KartotekaClient,
  serviceId: string,
  profileId: string,
  period: string,
): Promise<string> {
  try {
    const { transaction } = await client.debitProfile(
      { serviceId, paymentProfileId: profileId, amount: 4900, currency: 'PLN', orderId: `sub-${period}` },
      // A stable key: if this job crashes and runs again, the payer is still charged only once.
      { idempotencyKey: `subscription-${profileId}-${period}` },
    );
    return transaction.status; // "settled", or "rejected" with transaction.statusCode (e.g. CODE_51)
  } catch (err) {
    if (err instanceof BusinessRuleError && err.code === 'TRX-ERROR-120301') return 'profile-inactive';
    throw err; // ValidationError, AuthenticationError, NetworkError (after retries), …
  }
}
