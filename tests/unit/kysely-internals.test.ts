/**
 * What src/storage/prepared.ts and src/storage/statement-cache.ts assume about Kysely beyond its documented
 * API, each checked against the installed Kysely. Kysely is pinned to an exact version (checked here too); when
 * an upgrade breaks one of these, the failure names the assumption and the file that makes it. See
 * docs/architecture.md, "Kysely internals we rely on".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, sql, SqliteDialect, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openStorage } from '../../src/storage/open.js';
import { prepared, type Arg } from '../../src/storage/prepared.js';
import type { Database } from '../../src/storage/schema.js';
import { withStatementCache } from '../../src/storage/statement-cache.js';
import type { Storage } from '../../src/storage/storage.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PREPARED = 'src/storage/prepared.ts';
const CACHE = 'src/storage/statement-cache.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function scratchFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-kysely-'));
  dirs.push(dir);
  return join(dir, 'kartoteka.db');
}

describe('the Kysely version these assumptions were checked against', () => {
  it('is pinned exactly in package.json, and is the one installed and locked', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/kysely/package.json'), 'utf8')) as {
      version: string;
    };
    const wanted = pkg.dependencies.kysely;
    expect(
      wanted,
      `package.json must pin kysely to one exact version (no ^ or ~): ${PREPARED} and ${CACHE}
      rely on its internals; upgrade it deliberately and run this file`,
    ).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed.version, 'the installed kysely is not the version package.json pins').toBe(wanted);
    expect(lock.packages['node_modules/kysely']?.version, 'package-lock.json locks another kysely').toBe(
      wanted,
    );
  });
});

/** The query shapes prepared() is used with in src/storage/, with `v(i)` where argument i goes. */
const SHAPES: Record<string, (db: Kysely<Database>, v: Arg) => Compilable<unknown>> = {
  'select … join … where … = …': (db, v) =>
    db
      .selectFrom('paymentProfiles as p')
      .innerJoin('cards as c', 'c.id', 'p.cardId')
      .selectAll('p')
      .select(['c.last4 as cardLast4'])
      .where('p.merchantId', '=', v(0))
      .where('p.id', '=', v(1)),
  'insert … values': (db, v) => db.insertInto('merchants').values({ id: v(0), name: v(1), createdAt: v(2) }),
  'insert … values with a subquery using an argument twice': (db, v) =>
    db.insertInto('merchants').values((eb) => ({
      id: v(0),
      name: v(1),
      createdAt: eb
        .selectFrom('merchants')
        .select(sql<number>`coalesce(max(created_at), 0) + 1`.as('next'))
        .where('name', '=', v(1)),
    })),
  'insert … on conflict do nothing': (db, v) =>
    db
      .insertInto('merchants')
      .values({ id: v(0), name: v(1), createdAt: v(2) })
      .onConflict((oc) => oc.column('id').doNothing()),
  'update … set … where … = …': (db, v) =>
    db
      .updateTable('merchants')
      .set({ name: v(0), createdAt: v(1) })
      .where('id', '=', v(2))
      .where('name', '=', v(3)),
};

for (const db of DB_KINDS) {
  describe(`${db}: what ${PREPARED} relies on`, () => {
    let storage: Storage;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      if (db === 'sqlite') {
        storage = await openStorage({ kind: 'sqlite', path: scratchFile(), synchronous: 'normal' });
      } else {
        const pg = await freshPostgresDatabase();
        drop = pg.drop;
        storage = await openStorage({ kind: 'postgres', url: pg.url, poolSize: 2, statementTimeoutMs: 5000 });
      }
    });
    afterAll(async () => {
      await storage?.close();
      await drop?.();
    });

    it('compile() binds every value as a parameter, verbatim, in order, and never writes it into the SQL', () => {
      for (const [shape, build] of Object.entries(SHAPES)) {
        const marks: string[] = [];
        const compiled = build(storage.db, (i) => {
          const mark = `\u0000mark:${i}:${marks.length}`;
          marks.push(mark);
          return mark;
        }).compile();
        expect(compiled.sql, `${shape}: Kysely wrote a bound value into the SQL text`).not.toContain('mark:');
        expect(
          compiled.parameters,
          `${shape}: Kysely no longer passes each value through as its own parameter, unchanged and in order; ` +
            `${PREPARED} finds the arguments among the parameters by their placeholder`,
        ).toEqual(marks);
      }
    });

    it('the compiled SQL does not depend on the values: strings, numbers and null give the same text', () => {
      for (const [shape, build] of Object.entries(SHAPES)) {
        const texts = new Set(
          [(i: number) => `s${i}`, (i: number) => 1000 + i, () => null].map(
            (value) => build(storage.db, value).compile().sql,
          ),
        );
        expect(
          [...texts],
          `${shape}: Kysely now writes different SQL for different values; ${PREPARED} compiles once with ` +
            `placeholders and reuses the SQL for every value`,
        ).toHaveLength(1);
      }
    });

    it('executeQuery() runs a kept compiled query with new parameters, on a transaction too, and results still pass through the plugins', async () => {
      const insert = prepared((k, arg) => SHAPES['insert … values']!(k, arg));
      const find = prepared<{ id: string; name: string; createdAt: number }>((k, arg) =>
        k.selectFrom('merchants').selectAll().where('id', '=', arg(0)),
      );
      const rename = prepared((k, arg) => SHAPES['update … set … where … = …']!(k, arg));

      await insert.execute(storage.db, storage.dialect, ['ki-1', 'first', 11]);
      await insert.execute(storage.db, storage.dialect, ['ki-2', 'second', 22]);
      const rows = [
        (await find.execute(storage.db, storage.dialect, ['ki-1'])).rows,
        (await find.execute(storage.db, storage.dialect, ['ki-2'])).rows,
      ];
      expect(
        rows,
        `Kysely's executeQuery() no longer runs a kept CompiledQuery with the parameters given, or no longer ` +
          `passes its result through the CamelCase plugin (created_at → createdAt); ${PREPARED} relies on both`,
      ).toEqual([
        [{ id: 'ki-1', name: 'first', createdAt: 11 }],
        [{ id: 'ki-2', name: 'second', createdAt: 22 }],
      ]);

      const renamed = await rename.execute(storage.db, storage.dialect, ['renamed', 12, 'ki-1', 'first']);
      const again = await rename.execute(storage.db, storage.dialect, ['renamed', 12, 'ki-1', 'first']);
      expect(
        [Number(renamed.numAffectedRows), Number(again.numAffectedRows)],
        `numAffectedRows of a kept compiled UPDATE; the compare-and-set writes in src/storage/ read it`,
      ).toEqual([1, 0]);

      // Compiled on the pool above; a transaction is another Kysely instance with its own connection.
      await expect(
        storage.db.transaction().execute(async (trx) => {
          await insert.execute(trx, storage.dialect, ['ki-3', 'third', 33]);
          const inside = (await find.execute(trx, storage.dialect, ['ki-3'])).rows;
          expect(
            inside,
            'a query compiled on the pool, run on a transaction, must see its writes',
          ).toHaveLength(1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(
        (await find.execute(storage.db, storage.dialect, ['ki-3'])).rows,
        `a query compiled on the pool and run on a transaction ran outside it (the rollback did not undo it)`,
      ).toEqual([]);
    });
  });
}

describe(`sqlite: what ${CACHE} relies on`, () => {
  const touched = new Set<string>();
  let raw: SQLite.Database;
  let db: Kysely<Database>;
  beforeAll(async () => {
    raw = new SQLite(scratchFile());
    // Records which members of a prepared statement Kysely uses; the database and statements are real.
    const observe = <T extends object>(target: T, onGet?: (name: string) => void): T =>
      new Proxy(target, {
        get(t, name) {
          if (typeof name === 'string') onGet?.(name);
          const value: unknown = Reflect.get(t, name, t);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
        },
      });
    const database = new Proxy(raw, {
      get(t, name) {
        if (name === 'prepare')
          return (text: string) => observe(t.prepare(text), (member) => touched.add(member));
        const value: unknown = Reflect.get(t, name, t);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
      plugins: [new CamelCasePlugin()],
    });
    await migrateToLatest(db);
  });

  it("Kysely's SQLite driver only reads `reader` and calls all/run/iterate on a statement: nothing that changes it", async () => {
    touched.clear();
    await db.insertInto('merchants').values({ id: 'sc-1', name: 'one', createdAt: 1 }).execute();
    await db.updateTable('merchants').set({ name: 'uno' }).where('id', '=', 'sc-1').execute();
    await db.selectFrom('merchants').selectAll().execute();
    for await (const row of db.selectFrom('merchants').selectAll().stream()) expect(row.id).toBeDefined();
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('merchants').where('id', '=', 'nobody').execute();
    });
    await sql`select 1`.execute(db);
    expect(
      [...touched].sort(),
      `Kysely's SQLite driver now uses other members of a prepared statement; ${CACHE} hands the same statement ` +
        `to every query with the same SQL, so anything that binds or configures it (bind, raw, pluck, expand, ` +
        `safeIntegers) would leak into the next query`,
    ).toEqual(['all', 'iterate', 'reader', 'run']);
  });

  it('a streamed select holds the single connection: another query with the same SQL waits until it ends', async () => {
    for (const id of ['st-1', 'st-2', 'st-3']) {
      await db.insertInto('merchants').values({ id, name: 'stream', createdAt: 1 }).execute();
    }
    const query = () => db.selectFrom('merchants').selectAll().where('name', '=', 'stream');
    const stream = query().stream()[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.done).toBe(false);
    let settled = false;
    // The same SQL text: the cache returns the very statement the stream is iterating.
    const other = query()
      .execute()
      .finally(() => {
        settled = true;
      });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(
      settled,
      `Kysely's SQLite driver ran a query while a stream held the connection; ${CACHE} reuses the statement ` +
        `the stream is still iterating, and relies on Kysely's connection mutex to keep them apart`,
    ).toBe(false);
    let streamed = 1;
    while (!(await stream.next()).done) streamed += 1;
    expect(streamed).toBe(3);
    expect(await other).toHaveLength(3);
  });

  it("Kysely's destroy() closes the database through the wrapper (which drops the cached statements)", async () => {
    await db.destroy();
    expect(raw.open, `Kysely's destroy() no longer calls close() on the database it was given`).toBe(false);
  });
});
