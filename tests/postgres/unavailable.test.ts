import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

/**
 * Every way PostgreSQL can be unavailable that can be staged on a real server, under a running gateway: each is
 * a 503 with Retry-After and the imoje envelope (never a 500), readiness says so, the worker shrugs it off, and
 * service resumes by itself once the database is back. The gateway connects as its own non-superuser role,
 * because superusers are exempt from connection limits. 57P03 (starting up) cannot be staged this way.
 */
describe.skipIf(!PG_URL)('PostgreSQL refusing the gateway', () => {
  const suffix = randomBytes(5).toString('hex');
  const role = `kt_role_${suffix}`;
  const dbName = `kt_test_unavail_${suffix}`;
  let admin: pg.Client;
  let gw: TestGateway;
  let settledId: string;

  const sql = (text: string, values?: unknown[]) => admin.query(text, values);

  /** Closes every connection the gateway holds, so its next query has to open a new one. */
  async function kick(database = dbName): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = await sql(
        'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      if ((r.rows[0] as { n: number }).n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`connections to ${database} kept coming back`);
  }

  /** The API, readiness and the worker while the database is unavailable, for the SQLSTATE `code`. */
  async function expectOutage(code: string): Promise<void> {
    const from = gw.logs.length;
    const m = gw.merchant;
    const answers = [
      await m.api.post('/transaction', saleBody(m.serviceId)),
      await m.api.get(`/transaction/${settledId}`),
      await gw.http.get('/health/ready'),
    ];
    for (const res of answers) {
      expectError(res, 503, 'API-ERROR-100503');
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect((await gw.http.get('/health/live')).status).toBe(200);
    await gw.gateway.worker.tick();
    const logged = gw.logs.slice(from);
    // The 503s really came from this SQLSTATE, not from some earlier broken connection.
    expect(logged.join('\n')).toContain(`"code":"${code}"`);
    expect(logged.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    expect(
      logged.some((l) => l.includes('"task":"notifications"') && l.includes('database unavailable')),
    ).toBe(true);
  }

  async function expectServing(): Promise<void> {
    const m = gw.merchant;
    let sale = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
    for (let i = 0; i < 20 && sale.status === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      sale = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
    }
    expect(sale.status, sale.text).toBe(200);
    expect(sale.body.transaction.status).toBe('settled');
    expect((await gw.http.get('/health/ready')).status).toBe(200);
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await sql(`create role ${role} login password 'kt-pass'`);
    await sql(`create database ${dbName} owner ${role}`);
    const url = new URL(PG_URL);
    url.username = role;
    url.password = 'kt-pass';
    url.pathname = `/${dbName}`;
    gw = await startGateway({
      db: 'postgres',
      databaseUrl: url.toString(),
      env: { KARTOTEKA_PG_STATEMENT_TIMEOUT_MS: '1500', KARTOTEKA_LOG_LEVEL: 'warn' },
    });
    const m = gw.merchant;
    const sale = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
    settledId = sale.body.transaction.id;
  });

  afterAll(async () => {
    await gw?.close().catch(() => undefined);
    if (admin) {
      await sql(`alter database ${dbName}_away rename to ${dbName}`).catch(() => undefined);
      await sql(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
      await sql(`drop role if exists ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('a database that refuses connections (ALLOW_CONNECTIONS false, 55000) is a 503 with Retry-After, not a 500', async () => {
    await sql(`alter database ${dbName} allow_connections false`);
    try {
      await kick();
      await expectOutage('55000');
    } finally {
      await sql(`alter database ${dbName} allow_connections true`);
    }
    await expectServing();
  });

  it('a database at its connection limit (53300 too many connections) is a 503 with Retry-After, not a 500', async () => {
    await sql(`alter database ${dbName} connection limit 0`);
    try {
      await kick();
      await expectOutage('53300');
    } finally {
      await sql(`alter database ${dbName} connection limit -1`);
    }
    await expectServing();
  });

  it('a database renamed away under the running gateway (3D000) is a 503 with Retry-After, not a 500', async () => {
    let renamed = false;
    for (let i = 0; i < 20 && !renamed; i++) {
      await kick();
      // Renaming needs the database free of sessions; a reconnect may slip in between, then try again.
      renamed = await sql(`alter database ${dbName} rename to ${dbName}_away`).then(
        () => true,
        () => false,
      );
    }
    expect(renamed).toBe(true);
    try {
      await expectOutage('3D000');
    } finally {
      await kick(`${dbName}_away`);
      await sql(`alter database ${dbName}_away rename to ${dbName}`);
    }
    await expectServing();
  });

  describe('a statement that cannot finish', () => {
    let locker: pg.Client;
    beforeAll(async () => {
      const url = new URL(PG_URL);
      url.pathname = `/${dbName}`;
      locker = new pg.Client({ connectionString: url.toString() });
      await locker.connect();
    });
    afterAll(async () => {
      await locker?.end();
    });

    /** Holds the transactions table locked from another session while `during` runs. */
    async function withTableLocked(during: () => Promise<void>): Promise<void> {
      await locker.query('begin');
      await locker.query('lock table transactions in access exclusive mode');
      try {
        await during();
      } finally {
        await locker.query('rollback');
      }
    }

    it('a statement that waits past the statement timeout (57014) is a 503 with Retry-After, and nothing is half-done', async () => {
      const m = gw.merchant;
      const from = gw.logs.length;
      await withTableLocked(async () => {
        const sale = await m.api.post('/transaction', saleBody(m.serviceId, { orderId: 'timed-out' }));
        expectError(sale, 503, 'API-ERROR-100503');
        expect(sale.headers.get('retry-after')).toBe('1');
        const read = await m.api.get(`/transaction/${settledId}`);
        expectError(read, 503, 'API-ERROR-100503');
      });
      expect(gw.logs.slice(from).join('\n')).toContain('"code":"57014"');
      const stored = await gw.gateway.storage.db
        .selectFrom('transactions')
        .select('id')
        .where('orderId', '=', 'timed-out')
        .execute();
      expect(stored).toEqual([]);
      await expectServing();
    });

    it('a backend terminated in the middle of a request (57P01 admin shutdown) is a 503 with Retry-After', async () => {
      const m = gw.merchant;
      const from = gw.logs.length;
      await withTableLocked(async () => {
        const pending = m.api.get(`/transaction/${settledId}`);
        let terminated = 0;
        for (let i = 0; i < 100 && terminated === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const r = await sql(
            `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
              where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
            [dbName],
          );
          terminated = (r.rows[0] as { n: number }).n;
        }
        expect(terminated).toBeGreaterThan(0);
        const res = await pending;
        expectError(res, 503, 'API-ERROR-100503');
        expect(res.headers.get('retry-after')).toBe('1');
      });
      expect(gw.logs.slice(from).join('\n')).toContain('"code":"57P01"');
      await expectServing();
    });
  });
});
