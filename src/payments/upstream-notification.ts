import type { PaymentsDeps } from './deps.js';
import { recoverTransaction } from './recover.js';

export type UpstreamNotificationAnswer = 'ok' | 'refused';

/**
 * A notification from the processor behind the gateway (imoje's, when Kartoteka runs in front of imoje): the
 * connector verifies it and records the outcome it carries; every transaction it settles is then finalised the
 * way recovery finalises one (through `lookup`), with the shop's own notification, signed with the shop's key.
 * A transaction already final is left alone, so duplicates and late repeats change nothing.
 */
export async function receiveUpstreamNotification(
  deps: PaymentsDeps,
  body: Buffer,
  signature: string | undefined,
): Promise<UpstreamNotificationAnswer> {
  if (!deps.acquirer.notification) return 'refused';
  const verdict = await deps.acquirer.notification(body, signature);
  if (!verdict.verified) return 'refused';
  for (const { reference } of verdict.settled) {
    const t = await deps.storage.repos.transactions.getTransactionById(reference);
    if (t && t.stage !== 'done') await recoverTransaction(deps, t);
  }
  return 'ok';
}

/** Whether the gateway's acquirer reports outcomes by notification, so that the endpoint exists. */
export function receivesUpstreamNotifications(deps: PaymentsDeps): string | undefined {
  return deps.acquirer.notification ? deps.acquirer.name : undefined;
}
