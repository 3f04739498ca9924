import { describe, expect, it } from 'vitest';
import { decideRegistration, type PaymentProfile } from '../../src/domain/profile.js';
import { canTransition, isFinal } from '../../src/domain/transaction.js';

const profile = (over: Partial<PaymentProfile>): PaymentProfile => ({
  id: 'p',
  merchantId: 'm',
  serviceId: 's',
  cid: 'c',
  type: 'ONE_CLICK',
  isActive: true,
  cardId: 'card',
  fingerprint: 'f1',
  firstName: '',
  lastName: '',
  email: '',
  maskedNumber: '****1111',
  month: '12',
  year: '2030',
  organization: 'VISA',
  firstTransactionId: 'n',
  createdAt: 0,
  modifiedAt: 0,
  ...over,
});

describe('one cid, one card', () => {
  it('creates when the payer has nothing active', () => {
    expect(decideRegistration([], 'f1', 'ONE_CLICK').kind).toBe('create');
    expect(
      decideRegistration([profile({ isActive: false, fingerprint: 'f2' })], 'f1', 'ONE_CLICK').kind,
    ).toBe('create');
  });
  it('refreshes the same card under the same type', () => {
    const d = decideRegistration([profile({ id: 'same' })], 'f1', 'ONE_CLICK');
    expect(d).toMatchObject({ kind: 'refresh', profile: { id: 'same' } });
  });
  it('the same card under the other type gets its own profile', () => {
    expect(decideRegistration([profile({})], 'f1', 'RECURRING').kind).toBe('create');
  });
  it('refuses a different card while an active profile exists', () => {
    expect(decideRegistration([profile({ fingerprint: 'f2' })], 'f1', 'RECURRING').kind).toBe('conflict');
  });
});

describe('transaction statuses', () => {
  it('only move forward; final ones never change', () => {
    expect(canTransition('pending', 'settled')).toBe(true);
    expect(canTransition('authorized', 'settled')).toBe(true);
    expect(canTransition('authorized', 'cancelled')).toBe(true);
    for (const final of ['settled', 'rejected', 'cancelled', 'error'] as const) {
      expect(isFinal(final)).toBe(true);
      expect(canTransition(final, 'pending')).toBe(false);
      expect(canTransition(final, 'settled')).toBe(false);
    }
    expect(canTransition('settled', 'authorized')).toBe(false);
  });
});
