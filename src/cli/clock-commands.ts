import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SandboxCredentials } from '../admin/accounts.js';
import { loadConfig } from '../config/config.js';
import { formatRecord, formatTable } from './table.js';

interface Target {
  url: string;
  merchantId: string;
  serviceId: string;
  token: string;
}

interface ClockOptions {
  gateway?: string;
  merchant?: string;
  service?: string;
  token?: string;
  json?: boolean;
}

/**
 * Where the running gateway is and whose clock to move: the options, else this data directory's sandbox
 * credentials (what `npm start` printed) and the configured address.
 */
function target(opts: ClockOptions): Target {
  const config = loadConfig();
  const file = resolve(config.dataDir, 'sandbox-credentials.json');
  const sandbox = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxCredentials>)
    : {};
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = (opts.gateway ?? config.publicUrl ?? `http://${host}:${config.port}`).replace(/\/+$/, '');
  const merchantId = opts.merchant ?? sandbox.merchantId;
  const serviceId = opts.service ?? sandbox.serviceId;
  const token = opts.token ?? sandbox.token;
  if (!merchantId || !serviceId || !token) {
    throw new Error(
      `no sandbox credentials in ${file}: pass --merchant, --service and --token (the merchant's API token)`,
    );
  }
  return { url, merchantId, serviceId, token };
}

interface ClockView {
  serviceId: string;
  frozenAt: string;
  advancingTo: string | null;
  advancing: boolean;
}

async function call(
  t: Target,
  method: string,
  path: string,
  body?: object,
): Promise<Record<string, unknown>> {
  const url = `${t.url}/kartoteka/v1/merchant/${encodeURIComponent(t.merchantId)}/test-clock/${encodeURIComponent(t.serviceId)}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${t.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new Error(
      `no gateway answering at ${t.url} (${(err as Error).message}); start it, or pass --gateway`,
    );
  }
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below with the status
  }
  if (!res.ok) {
    const e = parsed.apiErrorResponse as
      { code?: string; message?: string; errors?: Array<{ property: string; message: string }> } | undefined;
    const details = (e?.errors ?? []).map((x) => `${x.property}: ${x.message}`).join('; ');
    throw new Error(
      e
        ? `${e.code}: ${e.message}${details ? ` (${details})` : ''}`
        : `HTTP ${res.status}: ${text.slice(0, 200)}`,
    );
  }
  return parsed;
}

function clockLines(c: ClockView): string {
  return formatRecord({
    service: c.serviceId,
    frozenAt: c.frozenAt,
    ...(c.advancingTo ? { advancingTo: c.advancingTo, advancing: c.advancing } : {}),
  });
}

const out = (text: string): void => {
  process.stdout.write(text);
};

function connection(cmd: Command): Command {
  return cmd
    .option(
      '--gateway <url>',
      "the running gateway's base URL (default: the sandbox's, from KARTOTEKA_* settings)",
    )
    .option('--merchant <merchantId>', 'default: the sandbox merchant of this data directory')
    .option('--service <serviceId>', 'default: the sandbox shop')
    .option('--token <token>', "the merchant's API token (default: the sandbox token)")
    .option('--json', 'the API answer as JSON');
}

/** `kartoteka clock show|freeze|advance|delete`: a shop's test clock, on a running sandbox gateway. */
export function clockCommands(program: Command): void {
  const clock = program
    .command('clock')
    .description("a shop's test clock on a running sandbox gateway (docs/recurring.md)");

  connection(clock.command('show').description('show the frozen time')).action(async (opts: ClockOptions) => {
    const answer = await call(target(opts), 'GET', '');
    out(opts.json ? JSON.stringify(answer, null, 2) + '\n' : clockLines(answer.testClock as ClockView));
  });

  connection(
    clock
      .command('freeze')
      .description('start a test clock, frozen at --at (default now)')
      .option('--at <date>', 'ISO 8601 date or date-time (2027-01-01, 2027-01-01T09:00:00Z)'),
  ).action(async (opts: ClockOptions & { at?: string }) => {
    const answer = await call(target(opts), 'POST', '', opts.at ? { frozenAt: opts.at } : {});
    out(opts.json ? JSON.stringify(answer, null, 2) + '\n' : clockLines(answer.testClock as ClockView));
  });

  connection(
    clock
      .command('advance')
      .description(
        'advance by a duration (1mo, 7d, 1y, 36h, P1M …) or --to a date, running everything due in between; ' +
          'without either, finish an interrupted advance',
      )
      .argument('[duration]', 'how far: 1mo, 2w, 7d, 36h, 90min, 30s, 1y2mo, or ISO 8601 (P1M)')
      .option('--to <date>', 'ISO 8601 date or date-time to advance to'),
  ).action(async (duration: string | undefined, opts: ClockOptions & { to?: string }) => {
    if (duration && opts.to) throw new Error('give either a duration or --to, not both');
    const body = duration ? { by: duration } : opts.to ? { to: opts.to } : {};
    const answer = await call(target(opts), 'POST', '/advance', body);
    if (opts.json) return out(JSON.stringify(answer, null, 2) + '\n');
    const report = answer.advance as {
      from: string;
      to: string;
      steps: number;
      handled: Record<string, number>;
    };
    out(
      clockLines(answer.testClock as ClockView) +
        `advanced from ${report.from} to ${report.to} in ${report.steps} steps\n` +
        formatTable(
          Object.entries(report.handled).map(([work, handled]) => ({ work, handled })),
          'nothing was due',
        ),
    );
  });

  connection(
    clock.command('delete').description('delete the test clock: the shop returns to real time'),
  ).action(async (opts: ClockOptions) => {
    const answer = await call(target(opts), 'DELETE', '');
    out(
      opts.json ? JSON.stringify(answer, null, 2) + '\n' : 'test clock deleted: the shop runs on real time\n',
    );
  });
}
