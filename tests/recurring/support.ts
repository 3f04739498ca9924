import { expect } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { scheduleCycles, scheduleNotices } from '../../src/payments/schedule-runner.js';
import type { DbKind } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody, type CardOverrides } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { Receiver } from '../notifications/receiver.js';

export const DAY = 86_400_000;

export interface ScheduleJson {
  id: string;
  status: string;
  endReason: string | null;
  cycle: number;
  attempts: number;
  cyclesSettled: number;
  nextChargeAt: number | null;
  cycleDueAt: number;
  paymentProfileId: string;
}

export interface KartotekaEvent {
  event: string;
  id: string;
  created: number;
  schedule: ScheduleJson;
  cycle?: {
    number: number;
    attempt?: number;
    transactionId?: string;
    status?: string;
    declineClass?: string;
  };
}

/** A gateway on a hand-moved clock, a shop whose notifications go to a local receiver, and the runners. */
export interface RecurringRig {
  gw: TestGateway;
  clock: ManualClock;
  receiver: Receiver;
  merchant: TestMerchant;
  /** Authenticated client rooted at /kartoteka/v1/merchant/{merchantId}. */
  ext: Http;
  register(card: CardOverrides): Promise<string>;
  createSchedule(body: Record<string, unknown>): Promise<ScheduleJson>;
  getSchedule(id: string): Promise<ScheduleJson>;
  /** Moves the clock through every due moment up to `until`, in time order, running the shop's due work. */
  advanceTo(until: number): Promise<void>;
  /** Delivers every queued notification and returns the Kartoteka events received so far, in arrival order. */
  deliveredEvents(): Promise<KartotekaEvent[]>;
  /** The sandbox ledger's authorisations of the given transactions. */
  ledgerFor(
    transactionIds: Set<string>,
  ): Promise<Array<{ reference: string; outcome: string; createdAt: number }>>;
  close(): Promise<void>;
}

export async function recurringRig(db: DbKind, start: number): Promise<RecurringRig> {
  const clock = new ManualClock(start);
  const receiver = await Receiver.start();
  const gw = await startGateway({ db, clock, shop: { notificationUrl: receiver.url() } });
  const merchant = gw.merchant;
  const ext = new Http(`${gw.url}/kartoteka/v1/merchant/${merchant.merchantId}`, {
    authorization: `Bearer ${merchant.token}`,
  });
  const cycles = scheduleCycles(gw.gateway.payments);
  const notices = scheduleNotices(gw.gateway.payments);
  const rig: RecurringRig = {
    gw,
    clock,
    receiver,
    merchant,
    ext,
    async register(card) {
      const res = await merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(merchant.serviceId, { paymentMethodCode: 'recurring' }, card),
      );
      expect(res.body.transaction.status, res.text).toBe('settled');
      return res.body.transaction.paymentProfile!.id;
    },
    async createSchedule(body) {
      const res = await ext.post<{ schedule: ScheduleJson }>('/schedules', body);
      expect(res.status, res.text).toBe(200);
      return res.body.schedule;
    },
    async getSchedule(id) {
      const res = await ext.get<{ schedule: ScheduleJson }>(`/schedules/${id}`);
      expect(res.status, res.text).toBe(200);
      return res.body.schedule;
    },
    async advanceTo(until) {
      for (let i = 0; i < 10_000; i++) {
        const dues = [
          await cycles.nextDueAt(merchant.serviceId),
          await notices.nextDueAt(merchant.serviceId),
        ];
        const next = Math.min(...dues.filter((d): d is number => d !== null));
        if (!Number.isFinite(next) || next > until) break;
        if (next > clock.now()) clock.set(next);
        await notices.runDue(merchant.serviceId, clock.now());
        await cycles.runDue(merchant.serviceId, clock.now());
      }
      if (until > clock.now()) clock.set(until);
    },
    async deliveredEvents() {
      for (let i = 0; i < 1000 && (await gw.gateway.worker.tick()); i++);
      return receiver.received
        .map((r) => JSON.parse(r.body.toString('utf8')) as { kartoteka?: KartotekaEvent })
        .filter((b) => b.kartoteka)
        .map((b) => b.kartoteka!);
    },
    async ledgerFor(ids) {
      return (await gw.ledger.list())
        .filter((e) => e.operation === 'authorize' && ids.has(e.reference))
        .map((e) => ({ reference: e.reference, outcome: e.outcome, createdAt: e.createdAt }));
    },
    async close() {
      await gw.close();
      await receiver.close();
    },
  };
  return rig;
}

/** The transactions a schedule's attempts created, from the gateway's own rows. */
export async function attemptTransactions(rig: RecurringRig, scheduleId: string): Promise<Set<string>> {
  const rows = await rig.gw.gateway.storage.repos.schedules.listAttempts(scheduleId);
  return new Set(rows.map((r) => r.transactionId));
}
