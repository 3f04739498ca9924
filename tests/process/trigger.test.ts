import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { Http } from '../support/http.js';
import { freePort, runCli, spawnCli, type Spawned } from '../support/process.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

interface Triggered {
  scenario: string;
  transactions: Array<{ role: string; id: string; status: string }>;
  schedule?: { id: string; status: string; cycle: number; cyclesSettled: number };
  testClock?: { serviceId: string; frozenAt: string; reused: boolean };
  notes?: string[];
}
interface InboxMessage {
  transactionId: string | null;
  event: string | null;
  verified: boolean;
  body: string;
}
interface Notification {
  status: string;
  body: string;
  deliveryAttempts: Array<{ httpStatus: number | null }>;
}

/** What each scenario must leave behind: its transactions in order, with their final statuses. */
const EXPECTED: Record<string, Array<[string, string]>> = {
  registration: [['sale', 'settled']],
  'registration-3ds': [['sale', 'settled']],
  'challenge-failed': [['sale', 'rejected']],
  'debit-declined': [
    ['sale', 'settled'],
    ['debit', 'rejected'],
  ],
  refund: [
    ['sale', 'settled'],
    ['refund', 'settled'],
  ],
  'preauth-capture': [
    ['sale', 'authorized'],
    ['capture', 'settled'],
  ],
  'preauth-void': [
    ['sale', 'authorized'],
    ['void', 'cancelled'],
  ],
  // 4000 0000 0000 0226 declines the first two debits after its registration: the cycle and the first retry.
  'recurring-cycle-declined': [
    ['sale', 'settled'],
    ['cycle', 'rejected'],
    ['retry', 'rejected'],
    ['retry', 'settled'],
  ],
};

/** The schedule events a declined-then-recovered first cycle sends, in the order they happen. */
const RECOVERED_EVENTS = [
  'schedule.cycle.upcoming',
  'schedule.cycle.declined',
  'schedule.past_due',
  'schedule.cycle.declined',
  'schedule.cycle.settled',
  'schedule.recovered',
];

const DAY_MS = 86_400_000;

for (const db of DB_KINDS) {
  describe(`${db}: kartoteka trigger against a running gateway process`, () => {
    let dataDir: string;
    let server: Spawned;
    let env: Record<string, string>;
    let creds: { merchantId: string; serviceId: string; token: string };
    let ext: Http;
    let api: Http;
    let preauthShop: string;
    let dropDb: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      dataDir = join(mkdtempSync(join(tmpdir(), 'kartoteka-trigger-')), 'data');
      const port = await freePort();
      env = { KARTOTEKA_DATA_DIR: dataDir, KARTOTEKA_PORT: String(port), KARTOTEKA_LOG_LEVEL: 'warn' };
      if (db === 'postgres') {
        const fresh = await freshPostgresDatabase();
        env.KARTOTEKA_DATABASE_URL = fresh.url;
        dropDb = fresh.drop;
      }
      server = spawnCli(['serve'], env);
      await server.waitFor(/Health: /, 60_000);
      creds = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as typeof creds;
      const auth = { authorization: `Bearer ${creds.token}` };
      ext = new Http(`http://127.0.0.1:${port}/kartoteka/v1/merchant/${creds.merchantId}`, auth);
      api = new Http(`http://127.0.0.1:${port}/v1/merchant/${creds.merchantId}`, auth);
      const shop = await runCli(
        ['shop', 'create', '--merchant', creds.merchantId, '--pci', 'on', '--preauth', 'on', '--json'],
        env,
      );
      expect(shop.code, shop.output).toBe(0);
      preauthShop = (JSON.parse(shop.output.slice(shop.output.indexOf('{'))) as { id: string }).id;
    }, 90_000);
    afterAll(async () => {
      if (server?.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await dropDb?.();
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    });

    it('--list names every scenario', async () => {
      const listed = await runCli(['trigger', '--list', '--json'], env);
      expect(listed.code).toBe(0);
      const names = (JSON.parse(listed.output) as Array<{ scenario: string }>).map((s) => s.scenario);
      expect(names).toEqual(Object.keys(EXPECTED));
    });

    it.each(Object.keys(EXPECTED))(
      '%s: creates its transactions, each notified to the inbox with a verified signature',
      async (scenario) => {
        const args = ['trigger', scenario, '--json'];
        if (scenario.startsWith('preauth')) args.push('--service', preauthShop);
        const run = await runCli(args, env);
        expect(run.code, run.output).toBe(0);
        const out = JSON.parse(run.output) as Triggered;
        expect(out.transactions.map((t) => [t.role, t.status])).toEqual(EXPECTED[scenario]);
        for (const t of out.transactions) {
          // The gateway agrees (the trigger didn't just print what it hoped): a capture or void is the sale's
          // own next status, so the transaction now shows the last one printed for its id.
          const last = out.transactions.filter((x) => x.id === t.id).pop()!;
          const read = await api.get<{ transaction: { status: string } }>(`/transaction/${t.id}`);
          expect(read.body.transaction.status).toBe(last.status);
          // Its notification of that status went out and arrived in the inbox, verified.
          const end = Date.now() + 15_000;
          for (;;) {
            const list = await ext.get<{ notifications: Notification[] }>(
              `/notifications?transactionId=${t.id}`,
            );
            const inbox = await ext.get<{
              messages: Array<{ transactionId: string; event: string; verified: boolean }>;
            }>('/inbox?limit=100');
            const notified = list.body.notifications.some(
              (n) =>
                n.status === 'delivered' &&
                (JSON.parse(n.body) as { transaction: { status: string } }).transaction.status === t.status,
            );
            const arrived = inbox.body.messages.some(
              (m) => m.transactionId === t.id && m.event === t.status && m.verified,
            );
            if (notified && arrived) break;
            if (Date.now() > end) throw new Error(`${scenario}: ${t.role} ${t.id} ${t.status} not notified`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        if (scenario === 'recurring-cycle-declined') await expectRecovered(out);
      },
      60_000,
    );

    /** The schedule is active again, its events went out in order and arrived verified; the clock stays. */
    async function expectRecovered(out: Triggered): Promise<void> {
      const [, cycle, retry1, retry2] = out.transactions;
      expect(out.schedule).toMatchObject({ status: 'active', cycle: 2, cyclesSettled: 1 });
      expect(out.testClock).toMatchObject({ serviceId: creds.serviceId, reused: false });
      const id = out.schedule!.id;
      const read = await ext.get<{ schedule: { status: string; lastTransactionId: string } }>(
        `/schedules/${id}`,
      );
      expect(read.body.schedule).toMatchObject({ status: 'active', lastTransactionId: retry2!.id });
      const end = Date.now() + 15_000;
      for (;;) {
        const sent = await ext.get<{ notifications: Array<Notification & { ordinal: number }> }>(
          `/notifications?transactionId=${id}&limit=100`,
        );
        const inbox = await ext.get<{ messages: InboxMessage[] }>('/inbox?limit=100');
        type Event = {
          kartoteka?: { event: string; schedule: { id: string }; cycle?: { transactionId?: string } };
        };
        const events = [...sent.body.notifications]
          .sort((a, b) => a.ordinal - b.ordinal)
          .filter((n) => n.status === 'delivered')
          .map((n) => (JSON.parse(n.body) as Event).kartoteka!);
        const arrived = inbox.body.messages
          .map((m) => ({ m, e: (JSON.parse(m.body) as Event).kartoteka }))
          .filter(({ e }) => e?.schedule.id === id);
        if (events.length >= RECOVERED_EVENTS.length && arrived.length >= RECOVERED_EVENTS.length) {
          // Delivered in the order they happened, each naming the cycle's debit it reports.
          expect(events.map((e) => e.event)).toEqual(RECOVERED_EVENTS);
          expect(
            events
              .filter((e) => e.event.startsWith('schedule.cycle.') && e.cycle?.transactionId)
              .map((e) => e.cycle!.transactionId),
          ).toEqual([cycle!.id, retry1!.id, retry2!.id]);
          // And all of them in the inbox, with a verified signature; imoje-style fields don't apply to them.
          expect(arrived.map(({ e }) => e!.event).sort()).toEqual([...RECOVERED_EVENTS].sort());
          expect(arrived.every(({ m }) => m.verified && m.transactionId === null)).toBe(true);
          break;
        }
        if (Date.now() > end)
          throw new Error(`schedule ${id}: ${events.length} events delivered, ${arrived.length} arrived`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The shop's clock is left frozen where the scenario moved it, and the output says how to remove it.
      const clock = await ext.get<{ testClock: { frozenAt: string } }>(`/test-clock/${creds.serviceId}`);
      expect(clock.body.testClock.frozenAt).toBe(out.testClock!.frozenAt);
      expect(out.notes!.join('\n')).toMatch(/stays frozen at .*kartoteka clock delete/s);
    }

    it('recurring-cycle-declined again reuses the frozen clock and moves it 15 more days', async () => {
      const before = await ext.get<{ testClock: { frozenAt: string } }>(`/test-clock/${creds.serviceId}`);
      expect(before.status).toBe(200);
      const run = await runCli(['trigger', 'recurring-cycle-declined'], env);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/schedule [0-9a-f-]{36}: active/);
      expect(run.output).toMatch(/already running, reused\) stays frozen at .*kartoteka clock delete/s);
      const after = await ext.get<{ testClock: { frozenAt: string } }>(`/test-clock/${creds.serviceId}`);
      expect(Date.parse(after.body.testClock.frozenAt) - Date.parse(before.body.testClock.frozenAt)).toBe(
        15 * DAY_MS,
      );
    }, 60_000);

    it('a pre-authorisation scenario on a shop that does not pre-authorise says what to do', async () => {
      const run = await runCli(['trigger', 'preauth-capture'], env);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/does not pre-authorise.*--preauth on.*--service/s);
    });

    it('names an unknown scenario, and a gateway that is not running', async () => {
      const unknown = await runCli(['trigger', 'nonsense'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.output).toMatch(/no scenario nonsense; one of: registration/);
      const down = await runCli(['trigger', 'registration', '--gateway', 'http://127.0.0.1:9'], env);
      expect(down.code).toBe(1);
      expect(down.output).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9.*is it running/);
    });
  });
}
