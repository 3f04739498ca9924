import { DomainError } from './domain-error.js';
import { MAX_AMOUNT, MIN_AMOUNT } from './money.js';

/** A shop's per-payment amount limits, in minor units, both inclusive. */
export interface TransactionLimits {
  minTransaction: number;
  maxTransaction: number;
}

export const DEFAULT_LIMITS: TransactionLimits = { minTransaction: MIN_AMOUNT, maxTransaction: MAX_AMOUNT };

/** Limits an operator may set: integers within the API's own amount range, min not above max. */
export function limitsProblem(limits: TransactionLimits): string | null {
  const { minTransaction: min, maxTransaction: max } = limits;
  for (const [name, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < MIN_AMOUNT || v > MAX_AMOUNT)
      return `${name} must be an integer from ${MIN_AMOUNT} to ${MAX_AMOUNT} (minor units)`;
  }
  if (min > max) return `min (${min}) is above max (${max})`;
  return null;
}

export function withinLimits(limits: TransactionLimits, amount: number): boolean {
  return amount >= limits.minTransaction && amount <= limits.maxTransaction;
}

/** Every charging payment passes here before anything is stored or the acquirer is asked. */
export function assertWithinLimits(limits: TransactionLimits, amount: number): void {
  if (amount < limits.minTransaction) {
    throw new DomainError('amountBelowMinimum', [
      { property: 'amount', message: `Must be at least ${limits.minTransaction} for this service.` },
    ]);
  }
  if (amount > limits.maxTransaction) {
    throw new DomainError('amountAboveMaximum', [
      { property: 'amount', message: `Must be at most ${limits.maxTransaction} for this service.` },
    ]);
  }
}
