/**
 * Issue 13 item 1: the dependency rule was only drawn (docs/architecture.md), and http/ and widget/ read
 * repositories directly, widget/ imported http/, storage/ imported acquirer/. The rule now lives in
 * eslint.config.js; these scratch files, linted through ESLint's own API with the project's config, show that a
 * wrong import is an error and a right one is not, and that src/ as it stands keeps the rule.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

const LAYER_RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);

/** The dependency-rule problems ESLint reports for `code` as if it were the file at `filePath`. */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const use = (names: string) => `\nexport const used = [${names}];\n`;

describe('the dependency rule (eslint.config.js) refuses an import that points the wrong way', () => {
  const wrong: Array<[string, string, string]> = [
    [
      'storage/ → acquirer/',
      'src/storage/scratch.ts',
      "import type { AcquirerOperation } from '../acquirer/acquirer.js';\nexport type Op = AcquirerOperation;\n",
    ],
    [
      'widget/ → http/',
      'src/widget/scratch.ts',
      "import { paymentView } from '../http/payment-view.js';" + use('paymentView'),
    ],
    [
      'http/ → storage/ (a type, too)',
      'src/http/scratch.ts',
      "import type { Storage } from '../storage/storage.js';\nexport type S = Storage;\n",
    ],
    [
      'http/routes/ → storage/, two levels up',
      'src/http/routes/scratch.ts',
      "import { isDatabaseUnavailable } from '../../storage/unavailable.js';" + use('isDatabaseUnavailable'),
    ],
    [
      'http/ → notifications/',
      'src/http/routes/scratch.ts',
      "import { enqueueNotification } from '../../notifications/outbox.js';" + use('enqueueNotification'),
    ],
    [
      'domain/ → payments/',
      'src/domain/scratch.ts',
      "import { refundTransaction } from '../payments/refund.js';" + use('refundTransaction'),
    ],
    [
      'payments/ → http/',
      'src/payments/scratch.ts',
      "import { respond } from '../http/respond.js';" + use('respond'),
    ],
    [
      'worker/ → http/',
      'src/worker/scratch.ts',
      "import { buildHttpApp } from '../http/app.js';" + use('buildHttpApp'),
    ],
    [
      'notifications/ → payments/',
      'src/notifications/scratch.ts',
      "import { finalize } from '../payments/finalize.js';" + use('finalize'),
    ],
    [
      'acquirer/ → storage/, outside the sandbox ledger store',
      'src/acquirer/sandbox/scratch.ts',
      "import { prepared } from '../../storage/prepared.js';" + use('prepared'),
    ],
    [
      'config/ → storage/ code (only its option types may be imported)',
      'src/config/scratch.ts',
      "import { openStorage } from '../storage/open.js';" + use('openStorage'),
    ],
    [
      'payments/ → the composition root',
      'src/payments/scratch.ts',
      "import { createGateway } from '../gateway.js';" + use('createGateway'),
    ],
    [
      'widget/ reading repositories off PaymentsDeps',
      'src/widget/scratch.ts',
      "import type { PaymentsDeps } from '../payments/deps.js';\n" +
        'export const shop = (p: PaymentsDeps) => p.storage.repos.merchants.getShopById("x");\n',
    ],
    [
      'http/ destructuring storage off PaymentsDeps',
      'src/http/scratch.ts',
      "import type { PaymentsDeps } from '../payments/deps.js';\n" +
        'export const ping = ({ storage }: PaymentsDeps) => storage.ping();\n',
    ],
  ];

  for (const [name, filePath, code] of wrong) {
    it(`${name} is an error`, async () => {
      const found = await violations(filePath, code);
      expect(found.length, `no dependency-rule error for ${filePath}:\n${code}`).toBeGreaterThan(0);
      expect(found.join('\n')).toContain('Dependency rule (eslint.config.js)');
    });
  }
});

describe('the dependency rule lets the right imports through', () => {
  const right: Array<[string, string, string]> = [
    [
      'http/ → payments/, wire/, domain/',
      'src/http/routes/scratch.ts',
      "import { canRefund } from '../../payments/can-refund.js';\n" +
        "import { envelope } from '../../wire/error-envelope.js';\n" +
        "import { DomainError } from '../../domain/domain-error.js';" +
        use('canRefund, envelope, DomainError'),
    ],
    [
      'http/ → admin/ (operators’ use cases)',
      'src/http/routes/scratch.ts',
      "import type { NotificationDesk } from '../../admin/notifications.js';\nexport type D = NotificationDesk;\n",
    ],
    [
      'widget/ → payments/, html/',
      'src/widget/scratch.ts',
      "import { shopById } from '../payments/shops.js';\nimport { escapeHtml } from '../html/escape-html.js';" +
        use('shopById, escapeHtml'),
    ],
    [
      'payments/ → storage/, acquirer/, notifications/',
      'src/payments/scratch.ts',
      "import type { Repos } from '../storage/storage.js';\n" +
        "import type { Acquirer } from '../acquirer/acquirer.js';\n" +
        "import { enqueueNotification } from '../notifications/outbox.js';\n" +
        'export type X = Repos | Acquirer;' +
        use('enqueueNotification'),
    ],
    [
      'the sandbox ledger store → storage/',
      'src/acquirer/sandbox/sandbox-ledger-store.ts',
      "import { prepared } from '../../storage/prepared.js';" + use('prepared'),
    ],
    [
      'config/ → a storage option type',
      'src/config/scratch.ts',
      "import type { SqliteOptions } from '../storage/connect.js';\nexport type O = SqliteOptions;\n",
    ],
    [
      'the composition root → anything',
      'src/gateway.ts',
      "import { buildHttpApp } from './http/app.js';\nimport { openStorage } from './storage/open.js';" +
        use('buildHttpApp, openStorage'),
    ],
    [
      'cli/ → anything',
      'src/cli/scratch.ts',
      "import { adminRoutes } from '../http/routes/admin.js';" + use('adminRoutes'),
    ],
  ];

  for (const [name, filePath, code] of right) {
    it(`${name} is allowed`, async () => {
      expect(await violations(filePath, code)).toEqual([]);
    });
  }

  it('src/ as it stands keeps the rule', { timeout: 120_000 }, async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const found = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId))
        .map((m) => `${r.filePath.slice(ROOT.length)}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  });
});
