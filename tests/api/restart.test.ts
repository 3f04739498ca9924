import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { Receiver } from '../notifications/receiver.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

describe('restart on the same data directory', () => {
  it('keeps merchants, tokens, profiles, transactions and the master key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-restart-'));
    try {
      const first = await startGateway({ dataDir });
      const m = first.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const profileId = reg.body.transaction.paymentProfile!.id;
      await first.close();
      expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

      const second = await startGateway({ dataDir });
      try {
        const api = new Http(`${second.url}/v1/merchant/${m.merchantId}`, {
          authorization: `Bearer ${m.token}`,
        });
        const read = await api.get<TransactionResponse>(`/transaction/${reg.body.transaction.id}`);
        expect(read.status).toBe(200);
        expect(read.body.transaction.paymentProfile?.id).toBe(profileId);
        // Debiting needs the vault to open the card sealed before the restart.
        const debit = await api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, profileId),
        );
        expect(debit.body.transaction.status).toBe('settled');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sends a notification the run that died was delivering at once, not when its claim would have ended', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-restart-'));
    const receiver = await Receiver.start();
    try {
      const first = await startGateway({ dataDir, shop: { notificationUrl: receiver.url() } });
      const m = first.merchant;
      const sale = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      // The worker of the first run claimed it (for ten minutes here) and died before sending it.
      const now = Date.now();
      const repo = first.gateway.storage.repos.notifications;
      const claim = { owner: 'the-run-that-died', until: now + 600_000, wallNow: now };
      expect((await repo.claimDue(now, claim, 10)).map((n) => n.transactionId)).toEqual([
        sale.body.transaction.id,
      ]);
      await first.close();
      expect(receiver.received).toHaveLength(0);

      const second = await startGateway({ dataDir });
      try {
        await second.gateway.worker.tick();
        await receiver.waitFor(1);
        const body = JSON.parse(receiver.received[0]!.body.toString()) as TransactionResponse;
        expect(body.transaction.id).toBe(sale.body.transaction.id);
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
