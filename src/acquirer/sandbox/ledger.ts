import type { AcquirerOperation } from '../acquirer.js';

/**
 * The sandbox acquirer's own book of what it did, kept apart from the gateway's tables so that a double
 * charge, or a charge the gateway has no transaction for, would be visible. One row per
 * (reference, operation): recording the same reference twice returns the first row instead of charging again.
 */
export interface LedgerEntry {
  reference: string;
  operation: AcquirerOperation;
  /** For refunds, captures and voids: the sale they act on. */
  saleReference: string | null;
  amount: number;
  currency: string;
  maskedPan: string | null;
  initiator: string | null;
  storedCredential: string | null;
  quotedNetworkTxnId: string | null;
  threeDs: string | null;
  captured: boolean;
  outcome: 'approved' | 'declined' | 'error';
  code: string;
  networkTxnId: string | null;
  /** The Mastercard Merchant Advice Code of a decline, when the test card sets one. */
  merchantAdvice: string | null;
  createdAt: number;
}

export interface SandboxLedger {
  /** Inserts unless (reference, operation) exists; returns whichever row is stored. */
  record(entry: LedgerEntry): Promise<LedgerEntry>;
  /**
   * Records a refund only if the approved refunds of the sale plus this one stay within what was charged;
   * otherwise records it as declined. Atomic with respect to concurrent refunds of the same sale.
   */
  recordRefund(entry: LedgerEntry, charged: number): Promise<LedgerEntry>;
  find(reference: string, operation: AcquirerOperation): Promise<LedgerEntry | undefined>;
  list(): Promise<LedgerEntry[]>;
  /** How many later authorisations quoted this first payment's network id (the decline-twice card's memory). */
  countQuoting(quotedNetworkTxnId: string): Promise<number>;
}
