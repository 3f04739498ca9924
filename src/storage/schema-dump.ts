import { sql } from 'kysely';
import type { Storage } from './storage.js';

/**
 * A stable text rendering of the live schema, committed per database under docs/schema/ and compared in a
 * test, so a migration that changes the schema without the dump (or the other way round) is caught.
 */
export async function dumpSchema(storage: Storage): Promise<string> {
  if (storage.dialect === 'sqlite') {
    const rows = await sql<{ type: string; name: string; sql: string | null }>`
      select type, name, sql from sqlite_master
      where name not like 'sqlite_%' and sql is not null
      order by case type when 'table' then 0 else 1 end, name`.execute(storage.db.withoutPlugins());
    return rows.rows.map((r) => `${r.sql};`).join('\n\n') + '\n';
  }
  const columns = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(
    storage.db.withoutPlugins(),
  );
  const indexes = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where schemaname = current_schema() order by tablename, indexname`.execute(
    storage.db.withoutPlugins(),
  );
  const tables = new Map<string, string[]>();
  for (const c of columns.rows) {
    const list = tables.get(c.table_name) ?? [];
    list.push(`  ${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`);
    tables.set(c.table_name, list);
  }
  const parts = [...tables].map(([name, cols]) => `table ${name} (\n${cols.join(',\n')}\n);`);
  return [...parts, ...indexes.rows.map((i) => `${i.indexdef};`)].join('\n\n') + '\n';
}
