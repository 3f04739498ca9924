import type { TestGateway, TestMerchant } from './gateway.js';
import { Http } from './http.js';

export interface ClockBody {
  testClock: { serviceId: string; frozenAt: string; advancingTo: string | null; advancing: boolean };
  advance?: { from: string; to: string; steps: number; handled: Record<string, number> };
}

/** An authenticated client rooted at the merchant's extension prefix, `/kartoteka/v1/merchant/{merchantId}`. */
export function extensionApi(
  gw: Pick<TestGateway, 'url'>,
  m: Pick<TestMerchant, 'merchantId' | 'token'>,
): Http {
  return new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, { authorization: `Bearer ${m.token}` });
}

export const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
