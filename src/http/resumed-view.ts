import type { PaymentsDeps } from '../payments/deps.js';
import { resumeTransaction } from '../payments/resume-transaction.js';
import { transactionView } from '../wire/transaction-view.js';
import { agreementStatusOf, agreementView } from '../wire/agreement-view.js';

/** The answer a retried request gets for a transaction its first attempt created before dying. */
export async function resumedView(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<object | undefined> {
  const resumed = await resumeTransaction(deps, merchantId, id);
  if (!resumed) return undefined;
  const { details, action } = resumed;
  const body: Record<string, unknown> = {
    transaction: transactionView(details.transaction, {
      profile: details.profile,
      shopNotificationUrl: details.shopNotificationUrl,
    }),
  };
  if (action) body.action = action;
  if (resumed.agreement) {
    body.agreement = agreementView(resumed.agreement, agreementStatusOf(details.transaction.status));
  }
  return body;
}
