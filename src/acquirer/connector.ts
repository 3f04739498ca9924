import type { Kysely } from 'kysely';
import type { Logger } from '../domain/log-port.js';
import type { Secret } from '../domain/secret.js';
import type { Dialect } from '../storage/connect.js';
import type { Database } from '../storage/schema.js';
import type { Acquirer } from './acquirer.js';

/**
 * How a connector reads its own configuration section. `src/config/` implements it over the environment (and
 * the config file), so every value is validated the same way and a bad one refuses the start with a
 * `ConfigError` naming the variable. Names are the connector's own, `KARTOTEKA_<NAME>_…`.
 */
export interface SettingsReader {
  /** A whole number from `min` to `max`; `fallback` when unset. */
  int(name: string, fallback: number, min: number, max: number): number;
  /** Free text; `fallback` when unset. */
  text(name: string, fallback: string | null): string | null;
  /** An absolute http(s) URL without a trailing slash; `fallback` when unset. */
  url(name: string, fallback: string | null): string | null;
  /** A credential: wrapped at once, so that it never reaches a log, an error or a config dump in clear. */
  secret(name: string): Secret<string> | null;
  /** Refuses the start: the setting is present but wrong (or missing when the connector needs it). */
  fail(name: string, why: string): never;
}

/** A connector's configuration section: which settings it has, and how it reads and validates them. */
export interface ConnectorConfigSection<C> {
  /** The value of `KARTOTEKA_ACQUIRER` that picks this connector. */
  readonly name: string;
  /** Every variable of the section, with its one-line description (docs/configuration.md lists the same). */
  readonly settings: Readonly<Record<string, string>>;
  read(settings: SettingsReader): C;
}

/** The database handle a connector that keeps books of its own (the sandbox's ledger) writes to. */
export interface ConnectorDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite with `synchronous=FULL`: the connector may commit lazily behind the gateway's next commit. */
  fullSync: boolean;
}

/** What the composition root hands every connector; a connector takes only what it needs. */
export interface ConnectorDeps {
  database: ConnectorDatabase;
  now: () => Date;
  log: Logger;
  /** The gateway's public base URL: where a connector tells its processor to send the payer and notifications. */
  publicUrl: () => string;
}

/**
 * One acquirer connector, like a Kysely dialect: a folder `src/acquirer/<name>/` with `config.ts` (this
 * section), `codes.ts` (the processor's codes → outcomes), `connector.ts` (the `Acquirer`) and `index.ts`
 * (this definition), and one line in `registry.ts`. `create` loads the connector itself only when it is the
 * one chosen, so `src/config/` can read every section through the registry without loading any connector.
 * The composition root wraps what `create` returns in `GuardedAcquirer`; a connector only translates.
 */
export interface ConnectorDefinition<C> extends ConnectorConfigSection<C> {
  create(deps: ConnectorDeps, config: C): Promise<Acquirer>;
}

/** A connector's section as the configuration holds it: whose it is, and the values it read. */
export interface ConnectorConfig {
  readonly name: string;
  readonly settings: unknown;
}
