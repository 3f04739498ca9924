import type { PaymentsDeps } from './deps.js';
import { refundBalance } from './refund.js';

/** imoje's can-refund answer. */
export interface RefundCheck {
  id: string;
  refundable: boolean;
  balance: number;
  fullRefund: boolean;
  partialRefund: { maxRefundAmount: number; minRefundAmount: number };
}

/**
 * Whether `amount` can be refunded from the sale now, by the same balance `refundTransaction` checks (without
 * its lock: an answer, not a reservation). Only a settled sale is refundable; a full refund only while nothing
 * has been refunded.
 */
export async function canRefund(
  deps: PaymentsDeps,
  merchantId: string,
  saleId: string,
  amount: number,
): Promise<RefundCheck> {
  const { sale, balance, refundedAmount } = await refundBalance(deps.storage.repos, merchantId, saleId);
  const settled = sale.type === 'sale' && sale.status === 'settled';
  return {
    id: sale.id,
    refundable: settled && amount <= balance,
    balance,
    fullRefund: settled && refundedAmount === 0,
    partialRefund: { maxRefundAmount: balance, minRefundAmount: balance > 0 ? 1 : 0 },
  };
}
