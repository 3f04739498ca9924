import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { WIDGET_SESSION_TTL_MS } from '../../src/payments/widget-sessions.js';
import { WidgetSessions } from '../../src/widget/sessions.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  chargesFor,
  openSession,
  page,
  payWithNewCard,
  signedOrder,
  withSignatureOf,
} from './http-widget.js';

const PLAIN = '4111111111111111';
const THREE_DS = '4012001037141112';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function sessionRows(gw: TestGateway) {
  return gw.gateway.storage.db.selectFrom('widgetSessions').selectAll().execute();
}

/** Issue 17, "Also" item 1: widget (and paywall) sessions are rows, not one process's memory. */
describe.each(DB_KINDS)('widget sessions in the database (%s)', (db) => {
  it('an opening survives a gateway restart: the restarted gateway shows its form and takes its payment', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-session-restart-'));
    const pg = db === 'postgres' ? await freshPostgresDatabase() : undefined;
    const options = { db, dataDir, ...(pg ? { databaseUrl: pg.url } : {}) };
    let gw: TestGateway | undefined;
    try {
      gw = await startGateway(options);
      const m = gw.merchant;
      const signed = signedOrder(m);
      const session = await openSession(gw.url, withSignatureOf(m, signed));
      await gw.close();
      gw = await startGateway(options);
      const form = await page(`${gw.url}/widget/session/${session}`);
      expect(form.status).toBe(200);
      expect(form.html).toContain('id="kw-number"');
      const paid = await payWithNewCard(gw.url, session, PLAIN);
      expect(paid.status).toBe(303);
      expect(paid.location).toBe(`${gw.url}/widget/session/${session}/result`);
      const result = await page(paid.location!);
      expect(result.status).toBe(200);
      expect(result.html).toContain('kartoteka:success');
      const { transactions, charged } = await chargesFor(gw.gateway.storage, signed.orderId!);
      expect(transactions).toHaveLength(1);
      expect(transactions[0]).toMatchObject({ status: 'settled', source: 'web' });
      expect(charged).toHaveLength(1);
    } finally {
      await gw?.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('on one gateway', () => {
    let gw: TestGateway;
    const clock = new ManualClock();
    beforeAll(async () => {
      gw = await startGateway({ db, clock });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('stores the id only hashed, and neither the card number nor the CVV, also after a card payment', async () => {
      const m = gw.merchant;
      const signed = signedOrder(m);
      const session = await openSession(gw.url, withSignatureOf(m, signed));
      const paid = await payWithNewCard(gw.url, session, THREE_DS);
      expect(paid.status).toBe(303);
      const row = (await sessionRows(gw)).find((r) => r.idHash === sha256(session));
      expect(row).toMatchObject({ serviceId: m.serviceId, state: 'challenge' });
      expect(row!.transactionId).toMatch(/^[0-9a-f-]{36}$/);
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(session);
      expect(stored).not.toContain(THREE_DS);
      expect(stored).not.toContain(THREE_DS.slice(0, 12));
      expect(stored).not.toMatch(/cvv|"number"/i);
      // The document is the whole session (attributes and all), so fields added later persist unchanged.
      expect(JSON.parse(row!.document)).toMatchObject({
        attrs: { orderId: signed.orderId, customerId: signed.customerId, amount: 1999 },
        parentOrigin: null,
      });
    });

    it('of two writers that read the same state, exactly one moves it on; a stale copy moves nothing', async () => {
      const sessions = new WidgetSessions(gw.gateway.payments);
      const id = await openSession(gw.url, withSignatureOf(gw.merchant, signedOrder(gw.merchant)));
      const [a, b, stale] = [await sessions.get(id), await sessions.get(id), await sessions.get(id)];
      const won = await Promise.all([
        sessions.update(a!, (s) => {
          s.state = 'paying';
        }),
        sessions.update(b!, (s) => {
          s.state = 'cancelled';
        }),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = won[0] ? 'paying' : 'cancelled';
      expect((await sessions.get(id))!.state).toBe(winner);
      expect(
        await sessions.update(stale!, (s) => {
          s.state = 'done';
          s.transactionId = 'not-its-transaction';
        }),
      ).toBe(false);
      expect(await sessions.get(id)).toMatchObject({ state: winner, transactionId: null });
    });

    it('the worker deletes expired openings; one that paid keeps its result page for another TTL', async () => {
      const m = gw.merchant;
      const idle = await openSession(gw.url, withSignatureOf(m, signedOrder(m)));
      const paidOrder = signedOrder(m);
      const paid = await openSession(gw.url, withSignatureOf(m, paidOrder));
      expect((await payWithNewCard(gw.url, paid, PLAIN)).status).toBe(303);
      const hashes = async () => new Set((await sessionRows(gw)).map((r) => r.idHash));

      clock.advance(WIDGET_SESSION_TTL_MS + 1000);
      expect((await page(`${gw.url}/widget/session/${idle}`)).status).toBe(404);
      await gw.gateway.worker.tick();
      expect(await hashes()).not.toContain(sha256(idle));
      expect(await hashes()).toContain(sha256(paid));
      const result = await page(`${gw.url}/widget/session/${paid}/result`);
      expect(result.status).toBe(200);
      expect(result.html).toContain('kartoteka:success');

      clock.advance(WIDGET_SESSION_TTL_MS);
      await gw.gateway.worker.tick();
      expect(await hashes()).not.toContain(sha256(paid));
      expect((await page(`${gw.url}/widget/session/${paid}/result`)).status).toBe(404);
    });
  });
});
