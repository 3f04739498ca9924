import type { Command } from 'commander';
import { gatewayTarget, TARGET_OPTIONS } from './gateway-target.js';
import { formatTable } from './table.js';
import { GatewayClient, SCENARIOS } from './trigger-scenarios.js';

/**
 * `kartoteka trigger <scenario>`: creates a whole payment scenario against the running gateway through its
 * public API (sandbox test cards, the simulated 3-D Secure page answered by its form), so a shop can watch
 * its webhook handling react; `--list` names them.
 */
export function triggerCommand(program: Command): void {
  const cmd = program
    .command('trigger')
    .argument('[scenario]', 'what to create (see --list)')
    .description('create a payment scenario against the running gateway, to test webhook handling')
    .option('--list', 'list the scenarios')
    .option('--service <serviceId>', 'the shop to pay at (default: the sandbox shop)')
    .option('--json', 'print JSON');
  for (const [flag, description] of TARGET_OPTIONS) cmd.option(flag, description);
  cmd.action(
    async (
      name: string | undefined,
      opts: {
        list?: boolean;
        json?: boolean;
        service?: string;
        gateway?: string;
        merchant?: string;
        token?: string;
      },
    ) => {
      if (opts.list || !name) {
        const rows = SCENARIOS.map((s) => ({ scenario: s.name, creates: s.description }));
        if (opts.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        process.stdout.write(formatTable(rows, 'no scenarios'));
        if (!opts.list) process.stdout.write('usage: kartoteka trigger <scenario>\n');
        return;
      }
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) {
        throw new Error(`no scenario ${name}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      }
      const target = gatewayTarget(opts);
      const ran = await scenario.run(new GatewayClient(target));
      const { transactions: created, notes = [], ...rest } = Array.isArray(ran) ? { transactions: ran } : ran;
      if (opts.json) {
        return void process.stdout.write(
          JSON.stringify(
            { scenario: name, transactions: created, ...rest, ...(notes.length ? { notes } : {}) },
            null,
            2,
          ) + '\n',
        );
      }
      process.stdout.write(
        `${name}: created on merchant ${target.merchantId} at ${target.url}\n` +
          formatTable(
            created.map((c) => ({ transaction: c.role, id: c.id, status: c.status })),
            'nothing created',
          ) +
          `Their notifications: ${target.url}/kartoteka/v1/merchant/${target.merchantId}/notifications` +
          `?transactionId=<id> (or watch them arrive with \`kartoteka listen\`)\n` +
          notes.map((n) => n + '\n').join(''),
      );
    },
  );
}
