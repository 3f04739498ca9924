import type { Command } from 'commander';
import { Accounts } from '../admin/accounts.js';
import { openMasterKey } from '../admin/master-keys.js';
import { loadConfig } from '../config/config.js';
import { systemClock } from '../domain/clock.js';
import { pendingMigrations, migrateToLatest } from '../storage/migrate.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/storage.js';
import { formatRecord, formatTable } from './table.js';

async function withStorage<T>(work: (storage: Storage, accounts: Accounts) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const storage = await openStorage(config.database);
  try {
    // Shops' serviceKeys are sealed with the master key, so the admin CLI opens it like the gateway does.
    await openMasterKey(storage, config.masterKeyFile, systemClock.now());
    return await work(storage, new Accounts(storage, systemClock));
  } finally {
    await storage.close();
  }
}

/** `--json` keeps times as Unix milliseconds (what scripts already parse); people get ISO-8601 tables. */
function print(value: object, json: boolean, empty = 'none'): void {
  if (json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  else if (Array.isArray(value)) process.stdout.write(formatTable(value as Record<string, unknown>[], empty));
  else process.stdout.write(formatRecord(value as Record<string, unknown>));
}

const minorUnits = (value: string): number => {
  if (!/^[0-9]{1,9}$/.test(value))
    throw new Error(`expected an amount in minor units (grosze), got ${value}`);
  return Number(value);
};

const wholeNumber = (value: string): number => {
  if (!/^[0-9]{1,3}$/.test(value)) throw new Error(`expected a whole number, got ${value}`);
  return Number(value);
};

const onOff = (value: string): boolean => {
  if (!/^(on|off)$/.test(value)) throw new Error(`expected on or off, got ${value}`);
  return value === 'on';
};

/** Admin CLI: merchants, shops and tokens. Secrets are printed once; tokens are stored hashed. */
export function adminCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (start-up does this too)')
    .action(async () => {
      const config = loadConfig();
      const storage = await openStorage(config.database, false);
      try {
        const pending = await pendingMigrations(storage.db);
        const results = await migrateToLatest(storage.db);
        process.stdout.write(
          pending.length === 0
            ? 'schema is up to date\n'
            : results.map((r) => `${r.status}: ${r.migrationName}`).join('\n') + '\n',
        );
      } finally {
        await storage.close();
      }
    });

  const merchant = program.command('merchant').description('manage merchants');
  merchant
    .command('create')
    .requiredOption('--name <name>', 'merchant name')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }) =>
      withStorage(async (_s, accounts) => print(await accounts.createMerchant(opts.name), !!opts.json)),
    );
  merchant
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) =>
      withStorage(async (storage) =>
        print(await storage.repos.merchants.listMerchants(), !!opts.json, 'no merchants'),
      ),
    );

  const shop = program.command('shop').description('manage shops (services)');
  shop
    .command('create')
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .option('--name <name>', 'shop name', 'Shop')
    .option('--pci <on|off>', 'shop may send card data (PCI DSS)', onOff, false)
    .option('--preauth <on|off>', 'pre-authorisation: paid card payments stop at authorized', onOff, false)
    .option('--notification-url <url>', 'where notifications go')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        merchant: string;
        name: string;
        pci: boolean;
        preauth: boolean;
        notificationUrl?: string;
        json?: boolean;
      }) =>
        withStorage(async (_s, accounts) => {
          const created = await accounts.createShop(opts.merchant, {
            name: opts.name,
            pciEnabled: opts.pci,
            preauthEnabled: opts.preauth,
            notificationUrl: opts.notificationUrl ?? null,
          });
          print(
            { ...created, note: 'serviceKey is the shop secret for signatures; keep it safe' },
            !!opts.json,
          );
        }),
    );
  shop
    .command('update')
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .requiredOption('--shop <serviceId>', 'shop id')
    .option('--name <name>', 'shop name')
    .option('--pci <on|off>', 'PCI DSS', onOff)
    .option('--preauth <on|off>', 'pre-authorisation', onOff)
    .option('--notification-url <url>', 'where notifications go ("" to clear)')
    .option('--agreement-required <on|off>', 'recurring registrations must declare an agreement', onOff)
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        merchant: string;
        shop: string;
        name?: string;
        pci?: boolean;
        preauth?: boolean;
        notificationUrl?: string;
        agreementRequired?: boolean;
        json?: boolean;
      }) =>
        withStorage(async (_s, accounts) => {
          const updated = await accounts.updateShop(opts.merchant, opts.shop, {
            name: opts.name,
            pciEnabled: opts.pci,
            preauthEnabled: opts.preauth,
            agreementRequired: opts.agreementRequired,
            notificationUrl: opts.notificationUrl === undefined ? undefined : opts.notificationUrl || null,
          });
          const { serviceKey: _hidden, ...shown } = updated;
          print(shown, !!opts.json);
        }),
    );
  shop
    .command('limits')
    .description('set the amount limits every payment of the shop must meet (minor units, inclusive)')
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .requiredOption('--shop <serviceId>', 'shop id')
    .option('--min <amount>', 'smallest amount accepted, e.g. 100 = 1.00 PLN', minorUnits)
    .option('--max <amount>', 'largest amount accepted, e.g. 500000 = 5000.00 PLN', minorUnits)
    .option('--json', 'print JSON')
    .action(async (opts: { merchant: string; shop: string; min?: number; max?: number; json?: boolean }) =>
      withStorage(async (_s, accounts) => {
        const updated = await accounts.setLimits(opts.merchant, opts.shop, {
          minTransaction: opts.min,
          maxTransaction: opts.max,
        });
        const { serviceKey: _hidden, ...shown } = updated;
        print(shown, !!opts.json);
      }),
    );
  shop
    .command('recurring')
    .description(
      "set the shop's dunning policy for scheduled cycles and the pre-billing notice (docs/recurring.md)",
    )
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .requiredOption('--shop <serviceId>', 'shop id')
    .option('--retries <n>', 'retries of a declined cycle, 0–8 (default 4)', wholeNumber)
    .option('--retry-days <n>', 'the retries are spread over this many days, 1–30 (default 14)', wholeNumber)
    .option(
      '--notice-days <n>',
      'days before each cycle the payer is notified, 0–30 (default 7)',
      wholeNumber,
    )
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        merchant: string;
        shop: string;
        retries?: number;
        retryDays?: number;
        noticeDays?: number;
        json?: boolean;
      }) =>
        withStorage(async (_s, accounts) => {
          const updated = await accounts.setRecurring(opts.merchant, opts.shop, {
            retryAttempts: opts.retries,
            retryWindowDays: opts.retryDays,
            noticeDays: opts.noticeDays,
          });
          const { serviceKey: _hidden, ...shown } = updated;
          print(shown, !!opts.json);
        }),
    );
  shop
    .command('widget-origins')
    .description("the origins whose pages may open and frame the shop's widget (default: any)")
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .requiredOption('--shop <serviceId>', 'shop id')
    .option(
      '--allow <origins...>',
      "the shop pages' origins, e.g. https://shop.example https://www.shop.example",
    )
    .option('--any', 'let any page open the widget again')
    .option('--json', 'print JSON')
    .action(
      async (opts: { merchant: string; shop: string; allow?: string[]; any?: boolean; json?: boolean }) => {
        if (!opts.any === !opts.allow) throw new Error('give either --allow <origins...> or --any');
        await withStorage(async (_s, accounts) => {
          const updated = await accounts.setWidgetOrigins(opts.merchant, opts.shop, opts.allow ?? []);
          const { serviceKey: _hidden, ...shown } = updated;
          print(shown, !!opts.json);
        });
      },
    );
  shop
    .command('list')
    .option('--merchant <merchantId>', 'only this merchant')
    .option('--json', 'print JSON')
    .action(async (opts: { merchant?: string; json?: boolean }) =>
      withStorage(async (storage) => {
        const shops = await storage.repos.merchants.listShops(opts.merchant);
        print(
          shops.map(({ serviceKey: _hidden, ...s }) => s),
          !!opts.json,
          'no shops',
        );
      }),
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .requiredOption('--merchant <merchantId>', 'merchant id')
    .option('--label <label>', 'what the token is for', 'default')
    .option('--json', 'print JSON')
    .action(async (opts: { merchant: string; label: string; json?: boolean }) =>
      withStorage(async (_s, accounts) => {
        const created = await accounts.createToken(opts.merchant, opts.label);
        print({ ...created, note: 'shown once; only its hash is stored' }, !!opts.json);
      }),
    );
  token
    .command('list')
    .option('--merchant <merchantId>', 'only this merchant')
    .option('--json', 'print JSON')
    .action(async (opts: { merchant?: string; json?: boolean }) =>
      withStorage(async (storage) =>
        print(await storage.repos.merchants.listTokens(opts.merchant), !!opts.json, 'no tokens'),
      ),
    );
  token
    .command('revoke')
    .argument('<tokenId>', 'token id (from token list)')
    .action(async (id: string) =>
      withStorage(async (_s, accounts) => {
        if (!(await accounts.revokeToken(id))) throw new Error(`no active token ${id}`);
        process.stdout.write(`revoked ${id}\n`);
      }),
    );
}
