import SQLite from 'better-sqlite3';
import cliProgress from 'cli-progress';
import pg from 'pg';
import type { PostgresOptions, SqliteOptions } from '../src/storage/connect.js';
import { openKeyring } from '../src/vault/keyring.js';
import type { SealedCard } from '../src/vault/sealed-card.js';
import { Vault } from '../src/vault/vault.js';
import { benchUuid, frictionlessCardNumber } from './ids.js';

export interface SeedTarget {
  database: SqliteOptions | PostgresOptions;
  masterKeyFile: string;
  merchantId: string;
  serviceId: string;
}

const BATCH = 5000;
const expiryYear = String(new Date().getUTCFullYear() + 3);

type CardRow = [
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  number,
];
type ProfileRow = [
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  number,
];

/**
 * The rows a real registration would leave behind, built without HTTP: the card through the real
 * `Vault.seal` (per-record key, AES-256-GCM, HMAC fingerprint), the profile pointing at it. Half ONE_CLICK,
 * half RECURRING (so debits exercise both CIT and MIT).
 */
function rowsFor(
  vault: Vault,
  t: SeedTarget,
  i: number,
  now: number,
): { card: CardRow; profile: ProfileRow } {
  const sealed: SealedCard = vault.seal({
    id: benchUuid('card', i),
    merchantId: t.merchantId,
    number: frictionlessCardNumber(i),
    month: '12',
    year: expiryYear,
    firstName: 'Anna',
    lastName: 'Nowak',
    createdAt: now,
  });
  const card: CardRow = [
    sealed.id,
    sealed.merchantId,
    sealed.fingerprint,
    sealed.keyVersion,
    sealed.wrappedKey,
    sealed.encryptedPan,
    sealed.brand,
    sealed.last4,
    sealed.month,
    sealed.year,
    sealed.firstName,
    sealed.lastName,
    sealed.createdAt,
  ];
  const profile: ProfileRow = [
    benchUuid('profile', i),
    t.merchantId,
    t.serviceId,
    `s-${i}`,
    i % 2 === 0 ? 'ONE_CLICK' : 'RECURRING',
    1,
    sealed.id,
    sealed.fingerprint,
    'Anna',
    'Nowak',
    'anna@example.com',
    String(400_000_000_000_000 + i),
    now,
    now,
  ];
  return { card, profile };
}

const CARD_COLUMNS =
  'id, merchant_id, fingerprint, key_version, wrapped_key, encrypted_pan, brand, last4, month, year, first_name, last_name, created_at';
const PROFILE_COLUMNS =
  'id, merchant_id, service_id, cid, type, is_active, card_id, fingerprint, first_name, last_name, email, first_transaction_id, created_at, modified_at';

/** better-sqlite3 prepared statements, one transaction per batch; durability is off while seeding only. */
function seedSqlite(
  options: SqliteOptions,
  make: (i: number) => { card: CardRow; profile: ProfileRow },
  from: number,
  to: number,
  bar: cliProgress.SingleBar,
): void {
  const db = new SQLite(options.path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const card = db.prepare(`insert into cards (${CARD_COLUMNS}) values (${'?, '.repeat(12)}?)`);
    const profile = db.prepare(
      `insert into payment_profiles (${PROFILE_COLUMNS}) values (${'?, '.repeat(13)}?)`,
    );
    const batch = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) {
        const rows = make(i);
        card.run(...rows.card);
        profile.run(...rows.profile);
      }
    });
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      batch(start, end);
      bar.update(end - from);
    }
    // Flush what seeding wrote before anything is measured: on ext4 an fsync also forces out other files'
    // dirty pages, so leftover seed data would bill the gateway's first commits for the seeding.
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

const CARD_TYPES = [
  'text',
  'text',
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int8',
];
const PROFILE_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int8',
  'int8',
];

function unnestInsert(table: string, columns: string, types: string[]): string {
  const arrays = types.map((type, n) => `$${n + 1}::${type}[]`).join(', ');
  return `insert into ${table} (${columns}) select * from unnest(${arrays})`;
}

function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let c = 0; c < width; c++) out[c]!.push(row[c]);
  return out;
}

/** One multi-row INSERT … SELECT FROM unnest(arrays) per batch and table: one round trip per 5000 rows. */
async function seedPostgres(
  options: PostgresOptions,
  make: (i: number) => { card: CardRow; profile: ProfileRow },
  from: number,
  to: number,
  bar: cliProgress.SingleBar,
): Promise<void> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    const cardSql = unnestInsert('cards', CARD_COLUMNS, CARD_TYPES);
    const profileSql = unnestInsert('payment_profiles', PROFILE_COLUMNS, PROFILE_TYPES);
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      const cards: CardRow[] = [];
      const profiles: ProfileRow[] = [];
      for (let i = start; i < end; i++) {
        const rows = make(i);
        cards.push(rows.card);
        profiles.push(rows.profile);
      }
      await client.query('begin');
      await client.query(cardSql, columnsOf(cards, CARD_TYPES.length));
      await client.query(profileSql, columnsOf(profiles, PROFILE_TYPES.length));
      await client.query('commit');
      bar.update(end - from);
    }
    await client.query('analyze cards, payment_profiles');
    // Likewise write the seeded pages out now rather than in a checkpoint during the measurement.
    await client.query('checkpoint').catch(() => undefined);
  } finally {
    await client.end();
  }
}

/** Adds profiles from..to-1 (with their cards) to a migrated, bootstrapped database whose server is stopped. */
export async function seedProfiles(t: SeedTarget, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  // The database may not have met its key yet (the server has not started): make it if it is missing.
  const { keyring } = await openKeyring(t.masterKeyFile, { holdsSealedData: async () => false });
  const vault = new Vault(keyring, { getCard: async () => undefined });
  const now = Date.now();
  const make = (i: number) => rowsFor(vault, t, i, now);
  const bar = new cliProgress.SingleBar(
    {
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      format: `  seeding profiles ${from}..${to} [{bar}] {percentage}% {value}/{total} {eta_formatted}`,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(to - from, 0);
  try {
    if (t.database.kind === 'sqlite') seedSqlite(t.database, make, from, to, bar);
    else await seedPostgres(t.database, make, from, to, bar);
  } finally {
    bar.stop();
  }
  return (Date.now() - started) / 1000;
}
