import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DueWork } from '../../src/payments/due-work.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import type { Http } from '../support/http.js';
import { extensionApi, type ClockBody } from '../support/test-clock.js';
import { expectError } from '../support/wire.js';

/**
 * An advance `by` a duration that stopped partway — work due on the way held by another process
 * (409 `CLK-ERROR-230411`, the clock left where it stopped, its target stored for the next advance) — and is
 * retried with the same `Idempotency-Key`: the retry must not advance by the duration a second time. Since
 * 0f1232d made that refusal "retry later" (not stored under the key), the retry ran the advance again from the
 * stored target, and a client's `by: 1mo` sent twice under one key moved the clock two months.
 */
for (const db of DB_KINDS) {
  describe(`${db}: a keyed test-clock advance that stopped at held work, retried`, () => {
    let gw: TestGateway;
    let ext: Http;
    let path: string;
    beforeAll(async () => {
      gw = await startGateway({ db });
      ext = extensionApi(gw, gw.merchant);
      path = `/test-clock/${gw.merchant.serviceId}`;
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('answers the first refusal again instead of advancing twice', async () => {
      expect((await ext.post(path, { frozenAt: '2030-01-01T00:00:00Z' })).status).toBe(200);
      // Work due half-way, held elsewhere (as a schedule whose runner died is): the advance stops there.
      const midway = Date.parse('2030-01-15T00:00:00Z');
      const clocks = gw.gateway.testClocks as unknown as { heldWaitMs: number; o: { work: () => DueWork[] } };
      const works = clocks.o.work();
      const held: DueWork = {
        name: 'held-elsewhere',
        nextDueAt: () => Promise.resolve(midway),
        runDue: () => Promise.resolve(0),
      };
      const heldWaitMs = clocks.heldWaitMs;
      clocks.heldWaitMs = 300;
      works.push(held);
      const key = { 'idempotency-key': `advance-${db}` };
      try {
        const first = await ext.post(`${path}/advance`, { by: '1mo' }, key);
        expectError(first, 409, 'CLK-ERROR-230411');
      } finally {
        works.splice(works.indexOf(held), 1);
        clocks.heldWaitMs = heldWaitMs;
      }
      expect((await ext.get<ClockBody>(path)).body.testClock).toMatchObject({
        frozenAt: '2030-01-15T00:00:00.000Z',
        advancingTo: '2030-02-01T00:00:00.000Z',
      });

      // The client's retry of the lost answer, same key, same body: the first request's answer again.
      const retry = await ext.post(`${path}/advance`, { by: '1mo' }, key);
      expectError(retry, 409, 'CLK-ERROR-230411');
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      // An advance with neither by nor to finishes the one interrupted: one month in all.
      const finish = await ext.post<ClockBody>(`${path}/advance`);
      expect(finish.status).toBe(200);
      expect(finish.body.testClock.frozenAt).toBe('2030-02-01T00:00:00.000Z');
    });
  });
}
