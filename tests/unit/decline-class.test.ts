import { describe, expect, it } from 'vitest';
import {
  classifyDecline,
  DECLINE_CLASSES,
  earliestRetryAt,
  MERCHANT_ADVICE,
} from '../../src/domain/decline-class.js';
import { RESULT_CODES } from '../../src/domain/result-codes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('decline classes', () => {
  it('classes every imoje result code but CODE_000, and nothing else', () => {
    const codes = Object.keys(RESULT_CODES).filter((c) => c !== 'CODE_000');
    expect(Object.keys(DECLINE_CLASSES).sort()).toEqual(codes.sort());
  });

  it('lost, stolen, closed and invalid accounts are hard', () => {
    for (const code of [
      'CODE_04',
      'CODE_07',
      'CODE_14',
      'CODE_15',
      'CODE_41',
      'CODE_43',
      'CODE_AC',
      'CODE_T8',
    ])
      expect(classifyDecline(code).kind, code).toBe('hard');
  });

  it('insufficient funds is soft with a 24 h earliest retry; do not honour soft without one', () => {
    expect(classifyDecline('CODE_51')).toEqual({ kind: 'soft', retryAfterMs: DAY });
    expect(classifyDecline('CODE_05')).toEqual({ kind: 'soft' });
    expect(earliestRetryAt(classifyDecline('CODE_51'), 1000)).toBe(1000 + DAY);
    expect(earliestRetryAt(classifyDecline('CODE_05'), 1000)).toBe(1000);
  });

  it('an expired card needs an update; an update or hard decline has no retry time', () => {
    expect(classifyDecline('CODE_54').kind).toBe('update_needed');
    expect(classifyDecline('CODE_33').kind).toBe('update_needed');
    expect(earliestRetryAt(classifyDecline('CODE_54'), 1000)).toBeNull();
    expect(earliestRetryAt(classifyDecline('CODE_43'), 1000)).toBeNull();
  });

  it('a Merchant Advice Code overrides the result code', () => {
    expect(classifyDecline('CODE_05', '03').kind).toBe('hard');
    expect(classifyDecline('CODE_05', '21').kind).toBe('hard');
    expect(classifyDecline('CODE_43', '02')).toEqual({ kind: 'soft' });
    expect(classifyDecline('CODE_05', '01').kind).toBe('update_needed');
    const after = {
      '24': HOUR,
      '25': DAY,
      '26': 2 * DAY,
      '27': 4 * DAY,
      '28': 6 * DAY,
      '29': 8 * DAY,
      '30': 10 * DAY,
    };
    for (const [mac, ms] of Object.entries(after)) {
      expect(classifyDecline('CODE_05', mac), mac).toEqual({ kind: 'soft', retryAfterMs: ms });
    }
    expect(Object.keys(MERCHANT_ADVICE).sort()).toEqual(
      ['01', '02', '03', '21', ...Object.keys(after)].sort(),
    );
  });

  it('an unknown Merchant Advice Code is ignored; an unknown result code is soft', () => {
    expect(classifyDecline('CODE_43', '99').kind).toBe('hard');
    expect(classifyDecline('CODE_43', null).kind).toBe('hard');
    expect(classifyDecline('CODE_XYZ')).toEqual({ kind: 'soft' });
  });
});
