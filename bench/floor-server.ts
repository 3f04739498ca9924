/**
 * The floor: the least a payment endpoint can cost on this machine with the gateway's own framework and
 * database settings. One route, the debit body's TypeBox schema, one INSERT, one JSON answer. It reads the
 * same KARTOTEKA_* settings as the gateway (database, SQLite synchronous mode, log level) so that the two
 * differ only in what the gateway does on top, and it group-commits on SQLite as the gateway does. Run as its own
 * process by bench/run.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { DebitProfileBody } from '../src/http/schemas/transaction.js';
import { createLogger } from '../src/logger.js';

type Insert = (
  row: readonly [string, string, string, number, string, string, string, number],
) => Promise<void>;

const CREATE = `create table if not exists floor_payments (
  id text primary key, service_id text not null, profile_id text not null, amount bigint not null,
  currency text not null, order_id text not null, title text not null, created_at bigint not null)`;
const INSERT = `insert into floor_payments
  (id, service_id, profile_id, amount, currency, order_id, title, created_at)`;

async function openDatabase(
  config: ReturnType<typeof loadConfig>,
): Promise<{ insert: Insert; close(): Promise<void> }> {
  const options = config.database;
  if (options.kind === 'sqlite') {
    mkdirSync(dirname(options.path), { recursive: true });
    // The same pragmas as src/storage/connect.ts.
    const db = new SQLite(options.path.replace(/kartoteka\.db$/, 'floor.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.exec(CREATE);
    const statement = db.prepare(`${INSERT} values (?, ?, ?, ?, ?, ?, ?, ?)`);
    // Group commit, as the gateway does on SQLite (src/storage/group-commit.ts): the inserts that arrive while
    // the event loop turns are written in one BEGIN IMMEDIATE … COMMIT, so under FULL they share one fsync, and
    // nobody is answered before that COMMIT has returned. A floor paying one fsync per request would not be
    // the least a durable endpoint can cost: the physical limit is one fsync per batch.
    const insertBatch = db.transaction((rows: Array<Parameters<Insert>[0]>) => {
      for (const row of rows) statement.run(...row);
    });
    let queue: Array<{ row: Parameters<Insert>[0]; done: (error?: unknown) => void }> = [];
    const flush = () => {
      const batch = queue;
      queue = [];
      try {
        insertBatch.immediate(batch.map((b) => b.row));
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error);
      }
    };
    return {
      insert: (row) =>
        new Promise<void>((resolve, reject) => {
          queue.push({ row, done: (error) => (error === undefined ? resolve() : reject(error as Error)) });
          if (queue.length === 1) setImmediate(flush);
        }),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
  });
  await pool.query(CREATE);
  return {
    insert: async (row) => {
      await pool.query(`${INSERT} values ($1, $2, $3, $4, $5, $6, $7, $8)`, [...row]);
    },
    close: () => pool.end(),
  };
}

const config = loadConfig();
const database = await openDatabase(config);
const app = Fastify({
  loggerInstance: createLogger(config.logLevel, null) as FastifyBaseLogger,
  bodyLimit: config.bodyLimitBytes,
  ajv: {
    customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false, useDefaults: false },
  },
}).withTypeProvider<TypeBoxTypeProvider>();

app.post('/floor/payment', { schema: { body: DebitProfileBody } }, async (request, reply) => {
  const b = request.body;
  const id = randomUUID();
  const now = Date.now();
  await database.insert([
    id,
    b.serviceId,
    b.paymentProfileId,
    b.amount,
    b.currency,
    b.orderId,
    b.title ?? '',
    now,
  ]);
  return reply
    .code(200)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ transaction: { id, status: 'settled', amount: b.amount, orderId: b.orderId } }));
});
app.get('/health/ready', async () => ({ status: 'ok' }));

await app.listen({ host: config.host, port: config.port });
const stop = () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
