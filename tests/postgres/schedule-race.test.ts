import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { scheduleCycles, scheduleNotices } from '../../src/payments/schedule-runner.js';
import { freshPostgresDatabase, PG_URL, PG_SKIP_REASON } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const SCHEDULES = 120;

/** Two gateway instances on one PostgreSQL database run the same due cycles at once: each is charged once. */
describe.skipIf(!PG_URL)(
  `two instances racing the same due cycles (PostgreSQL)${PG_URL ? '' : `: ${PG_SKIP_REASON}`}`,
  () => {
    let a: TestGateway;
    let b: TestGateway;
    let drop: () => Promise<void>;
    const clock = new ManualClock(Date.UTC(2027, 0, 15, 10));
    beforeAll(async () => {
      const db = await freshPostgresDatabase();
      drop = db.drop;
      // Events are queued for a shop with a notification URL (nothing listens there; only the rows count).
      a = await startGateway({
        db: 'postgres',
        databaseUrl: db.url,
        clock,
        shop: { notificationUrl: 'http://127.0.0.1:9/shop' },
      });
      // The same master key (every instance must use one); its own log and process state.
      b = await startGateway({ db: 'postgres', databaseUrl: db.url, clock, dataDir: a.dataDir });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await drop?.();
    });

    it(`${SCHEDULES} schedules due at one instant, run by both instances' runners and workers: one debit each`, async () => {
      const m = a.merchant;
      const ext = new Http(`${a.url}/kartoteka/v1/merchant/${m.merchantId}`, {
        authorization: `Bearer ${m.token}`,
      });
      const due = clock.now() + 60_000;
      const ids: string[] = [];
      for (let i = 0; i < SCHEDULES; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const reg = await m.api.post<TransactionResponse>(
              '/transaction',
              saleBody(m.serviceId, { paymentMethodCode: 'recurring' }),
            );
            const s = await ext.post<{ schedule: { id: string } }>('/schedules', {
              paymentProfileId: reg.body.transaction.paymentProfile!.id,
              amount: 1234,
              currency: 'PLN',
              interval: { unit: 'month', count: 1 },
              startAt: due / 1000,
            });
            expect(s.status, s.text).toBe(200);
            ids.push(s.body.schedule.id);
          }),
        );
      }
      clock.set(due);
      const runners = [a, b].flatMap((g) => [
        scheduleCycles(g.gateway.payments, { batchSize: 16 }),
        scheduleNotices(g.gateway.payments),
      ]);
      await Promise.all([
        ...runners.map((r) => r.runDue(m.serviceId, due)),
        ...runners.map((r) => r.runDue(m.serviceId, due)),
        a.gateway.worker.tick(),
        b.gateway.worker.tick(),
      ]);
      const attempts = await a.gateway.storage.db.selectFrom('scheduleAttempts').selectAll().execute();
      expect(attempts).toHaveLength(SCHEDULES);
      const byTransaction = new Set(attempts.map((x) => x.transactionId));
      const ledger = (await a.ledger.list()).filter(
        (e) => e.operation === 'authorize' && byTransaction.has(e.reference),
      );
      expect(ledger).toHaveLength(SCHEDULES);
      expect(ledger.every((e) => e.outcome === 'approved' && e.amount === 1234)).toBe(true);
      // Nothing of these schedules is charged besides: the ledger's 1234 debits are exactly the attempts.
      expect(
        (await a.ledger.list()).filter((e) => e.amount === 1234 && e.operation === 'authorize'),
      ).toHaveLength(SCHEDULES);
      const rows = await a.gateway.storage.db
        .selectFrom('schedules')
        .select(['cycle', 'cyclesSettled'])
        .execute();
      expect(rows.every((r) => r.cycle === 2 && r.cyclesSettled === 1)).toBe(true);
      // One cycle-settled event per schedule in the outbox.
      const events = await a.gateway.storage.db
        .selectFrom('notifications')
        .select('body')
        .where('transactionId', 'in', ids)
        .execute();
      expect(events.filter((e) => e.body.includes('"schedule.cycle.settled"'))).toHaveLength(SCHEDULES);
    });
  },
);
