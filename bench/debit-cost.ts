/**
 * What one profile debit costs the server, measured in-process and one request at a time (no load generator,
 * no sockets: Fastify's `inject`), so the figure moves less than throughput does on a shared machine:
 * wall time and main-thread CPU time per debit. Run it under `strace -f -c -e trace=fsync,fdatasync` to count
 * the syncs (subtract a run with DEBITS=0).
 *
 *   npx tsx bench/debit-cost.ts                       # SQLite, synchronous=full
 *   KARTOTEKA_SQLITE_SYNCHRONOUS=normal npx tsx bench/debit-cost.ts
 *   KARTOTEKA_DATABASE_URL=postgres://… npx tsx bench/debit-cost.ts   # a fresh database is created on that
 *                                                                     # server for the run and dropped after
 *   DEBITS=5000 PROFILES=100 …
 *   CONCURRENCY=10 …                                  # that many debits in flight at once (default 1)
 *   node --import ./bench/count-statements.mjs --import tsx bench/debit-cost.ts   # also db calls per debit
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createGateway } from '../src/gateway.js';
import { createTemporaryDatabase } from './pg-database.js';

const debits = Number(process.env.DEBITS ?? 3000);
const profiles = Number(process.env.PROFILES ?? 50);
const concurrency = Math.max(1, Number(process.env.CONCURRENCY ?? 1));
const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-debit-cost-'));
const serverUrl = process.env.KARTOTEKA_DATABASE_URL;
const pg = serverUrl ? await createTemporaryDatabase(serverUrl, 'cost') : null;
const config = loadConfig(
  {},
  {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('KARTOTEKA_'))),
    KARTOTEKA_DATA_DIR: dataDir,
    ...(pg ? { KARTOTEKA_DATABASE_URL: pg.url } : {}),
    KARTOTEKA_PORT: '0',
    KARTOTEKA_LOG_LEVEL: process.env.KARTOTEKA_LOG_LEVEL ?? 'info',
    KARTOTEKA_LOG_FILE: join(dataDir, 'kartoteka.log'),
    KARTOTEKA_BOOTSTRAP: 'off',
    KARTOTEKA_WORKER: 'off',
  },
);
const gateway = await createGateway(config, { quiet: true });
try {
  const merchant = await gateway.accounts.createMerchant('Bench');
  const shop = await gateway.accounts.createShop(merchant.id, {
    name: 'Bench shop',
    pciEnabled: true,
    preauthEnabled: false,
    notificationUrl: null,
  });
  const { token } = await gateway.accounts.createToken(merchant.id);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const base = `/v1/merchant/${merchant.id}`;
  const year = String(new Date().getUTCFullYear() + 3);
  const ids: string[] = [];
  for (let i = 0; i < profiles; i++) {
    const res = await gateway.app.inject({
      method: 'POST',
      url: `${base}/transaction`,
      headers,
      payload: {
        type: 'sale',
        serviceId: shop.id,
        amount: 100,
        currency: 'PLN',
        orderId: `reg-${i}`,
        title: 'Registration',
        paymentMethod: 'card',
        paymentMethodCode: i % 2 ? 'recurring' : 'oneclick',
        successReturnUrl: 'https://shop.example/ok',
        failureReturnUrl: 'https://shop.example/fail',
        customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: `cid-${i}` },
        card: { number: '4111111111111111', month: '12', year, cvv: '123', firstName: 'Jan', lastName: 'K' },
      },
    });
    const id = (res.json() as { transaction?: { paymentProfile?: { id: string } } }).transaction
      ?.paymentProfile?.id;
    if (!id) throw new Error(`registration ${i} failed: ${res.statusCode} ${res.body}`);
    ids.push(id);
  }
  const debit = (i: number) =>
    gateway.app.inject({
      method: 'POST',
      url: `${base}/transaction/profile`,
      headers,
      payload: {
        serviceId: shop.id,
        paymentProfileId: ids[i % ids.length],
        amount: 1500,
        currency: 'PLN',
        orderId: `debit-${i}`,
        title: 'Debit',
      },
    });
  for (let i = 0; i < Math.min(200, debits); i++) await debit(-1 - i); // warm-up
  const counts = (globalThis as { kartotekaBenchStatementCounts?: { pg: number; sqlite: number } })
    .kartotekaBenchStatementCounts;
  const callsBefore = counts ? counts.pg + counts.sqlite : 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < debits; i = next++) {
      const res = await debit(i);
      if (res.statusCode !== 200) throw new Error(`debit ${i}: ${res.statusCode} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallUs = Number(process.hrtime.bigint() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const db =
    config.database.kind === 'sqlite' ? `sqlite synchronous=${config.database.synchronous}` : 'postgres';
  console.log(
    `${db}: ${debits} debits, ${concurrency} at a time: ${(wallUs / debits).toFixed(0)} µs wall, ` +
      `${(used.user / debits).toFixed(0)} µs user + ${(used.system / debits).toFixed(0)} µs system CPU per debit` +
      (counts
        ? `, ${((counts.pg + counts.sqlite - callsBefore) / debits).toFixed(2)} db calls per debit`
        : ''),
  );
} finally {
  await gateway.close();
  await pg?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
