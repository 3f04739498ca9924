import pg from 'pg';

export interface TemporaryDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the given server for one run, dropped afterwards (the server's own data is untouched). */
export async function createTemporaryDatabase(serverUrl: string, label: string): Promise<TemporaryDatabase> {
  const name = `kartoteka_bench_${label}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The server's durability-relevant settings, for the report. */
export async function postgresSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, string> = {};
    for (const name of [
      'server_version',
      'synchronous_commit',
      'fsync',
      'wal_sync_method',
      'shared_buffers',
    ]) {
      const r = await client.query<Record<string, string>>(`show ${name}`);
      out[name] = r.rows[0]?.[name] ?? '';
    }
    return out;
  } finally {
    await client.end();
  }
}
