import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  latestRequests,
  maskedEntry,
  RequestLogWriter,
  REQUEST_LOG_KEEP,
} from '../../src/payments/request-log.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

describe('request log entries', () => {
  it('drop every CVV field, mask card numbers in bodies and path, keep the rest', () => {
    const row = maskedEntry({
      merchantId: 'm',
      at: 1,
      method: 'POST',
      path: '/v1/merchant/m/transaction?note=4111111111111111',
      status: 200,
      durationMs: 3,
      body: {
        card: { number: '4111 1111 1111 1111', cvv: '123', CVC: '456', month: '12' },
        list: [{ cvv2: '1' }],
      },
      response: '{"transaction":{"id":"t","title":"card 4012001037141112"}}',
    });
    expect(JSON.parse(row.requestBody!)).toEqual({ card: { number: '****1111', month: '12' }, list: [{}] });
    expect(row.responseBody).toBe('{"transaction":{"id":"t","title":"card ****1112"}}');
    expect(row.path).toBe('/v1/merchant/m/transaction?note=****1111');
  });
});

for (const db of DB_KINDS) {
  describe(`request log storage (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(() => gw?.close());

    it(`keeps each merchant's newest ${REQUEST_LOG_KEEP}, whatever else is written`, async () => {
      const writer = new RequestLogWriter(gw.gateway.payments, gw.gateway.log);
      const entry = (merchantId: string, i: number) => ({
        merchantId,
        at: 1_000_000 + i,
        method: 'GET',
        path: `/v1/merchant/${merchantId}/transaction/${i}`,
        status: 200,
        durationMs: 1,
        body: undefined,
        response: '{}',
      });
      for (let i = 0; i < 260; i++) writer.record(entry('busy', i));
      for (let i = 0; i < 5; i++) writer.record(entry('quiet', i));
      await writer.close();
      const busy = await latestRequests(gw.gateway.payments, 'busy');
      expect(busy).toHaveLength(REQUEST_LOG_KEEP);
      expect(busy[0]!.path).toBe('/v1/merchant/busy/transaction/259');
      expect(busy[busy.length - 1]!.path).toBe('/v1/merchant/busy/transaction/60');
      expect(await latestRequests(gw.gateway.payments, 'quiet')).toHaveLength(5);
    });
  });
}
