import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { gatewayTarget, TARGET_OPTIONS, type GatewayTarget } from './gateway-target.js';
import { EventStreamParser } from './sse.js';

/** What the inbox stream sends per message (the inbox API's message). */
interface StreamedMessage {
  id: string;
  receivedAt: string;
  headers: Record<string, string>;
  bodyBase64: string;
  verified: boolean;
  transactionId: string | null;
  event: string | null;
}

type Relayed = { status: number; ms: number } | { error: string; ms: number };

/** Never forwarded: set by the connection to the local app itself. */
const OWN_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect']);

/** Posts the exact bytes with the headers they arrived with (X-Imoje-Signature among them). */
function relay(forwardTo: URL, message: StreamedMessage, timeoutMs: number): Promise<Relayed> {
  const body = Buffer.from(message.bodyBase64, 'base64');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!OWN_HEADERS.has(name)) headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const send = forwardTo.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    const req = send(forwardTo, { method: 'POST', headers, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: ms() }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, ms: ms() }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ error: err.code ? `${err.code} ${err.message}` : err.message, ms: ms() }),
    );
    req.end(body);
  });
}

/** One readable line per relay: when, what, to where, and what the local app said. */
function relayLine(message: StreamedMessage, forwardTo: URL, result: Relayed): string {
  const what = `${(message.event ?? 'notification').padEnd(10)} ${message.transactionId ?? '-'}`;
  const signature = message.verified ? '' : '  (signature NOT verified)';
  const answer =
    'status' in result
      ? `${result.status} ${http.STATUS_CODES[result.status] ?? ''}`.trim()
      : `✗ ${result.error}`;
  return `${new Date().toISOString()}  ${what}  → ${forwardTo.href}  ${answer} (${result.ms} ms)${signature}\n`;
}

/** Reads the stream until it ends; resolves with the id of the last message relayed. */
async function follow(
  target: GatewayTarget,
  forwardTo: URL,
  lastId: string | null,
  onOpen: () => void,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string | null> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.token}`,
    accept: 'text/event-stream',
  };
  if (lastId) headers['last-event-id'] = lastId;
  const res = await fetch(`${target.url}/kartoteka/v1/merchant/${target.merchantId}/inbox/stream`, {
    headers,
    signal,
  });
  if (res.status === 401 || res.status === 404) {
    const why =
      res.status === 401
        ? 'the token was refused for this merchant (401)'
        : 'the gateway has no webhook inbox (404: production mode, or not Kartoteka)';
    throw Object.assign(new Error(why), { fatal: true });
  }
  if (!res.ok || !res.body) throw new Error(`the stream answered HTTP ${res.status}`);
  onOpen();
  const parser = new EventStreamParser();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const e of parser.push(chunk)) {
      if (e.event !== 'notification') continue;
      const message = JSON.parse(e.data) as StreamedMessage;
      const result = await relay(forwardTo, message, timeoutMs);
      process.stdout.write(relayLine(message, forwardTo, result));
      lastId = e.id ?? message.id;
    }
  }
  return lastId;
}

/** `kartoteka listen --forward-to URL`: the sandbox's inbox, live, relayed to a local app (like `stripe listen`). */
export function listenCommand(program: Command): void {
  const cmd = program
    .command('listen')
    .description(
      "relay every notification arriving in the running sandbox's webhook inbox to a local URL, byte for byte " +
        'with its headers (X-Imoje-Signature), one line per relay; Ctrl-C stops',
    )
    .requiredOption('--forward-to <url>', 'where to POST each notification, e.g. http://localhost:3000/hook')
    .option('--timeout <ms>', 'how long the local app may take to answer', '10000');
  for (const [flag, description] of TARGET_OPTIONS) cmd.option(flag, description);
  cmd.action(
    async (opts: {
      forwardTo: string;
      timeout: string;
      gateway?: string;
      merchant?: string;
      token?: string;
    }) => {
      let forwardTo: URL;
      try {
        forwardTo = new URL(opts.forwardTo);
      } catch {
        throw new Error(`--forward-to must be an absolute http(s) URL, got ${opts.forwardTo}`);
      }
      if (forwardTo.protocol !== 'http:' && forwardTo.protocol !== 'https:') {
        throw new Error(`--forward-to must be http or https, got ${forwardTo.protocol}`);
      }
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
        throw new Error('--timeout must be a positive integer');
      const target = gatewayTarget(opts);
      const abort = new AbortController();
      const stop = () => {
        abort.abort();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let lastId: string | null = null;
      let announced = false;
      let delay = 500;
      for (;;) {
        try {
          lastId = await follow(
            target,
            forwardTo,
            lastId,
            () => {
              delay = 500;
              process.stdout.write(
                announced
                  ? `${new Date().toISOString()}  reconnected to ${target.url}\n`
                  : `Ready: relaying the webhook inbox of merchant ${target.merchantId} at ${target.url} ` +
                      `to ${forwardTo.href} (Ctrl-C to stop)\n`,
              );
              announced = true;
            },
            abort.signal,
            timeoutMs,
          );
          process.stdout.write(`${new Date().toISOString()}  the gateway closed the stream; reconnecting\n`);
        } catch (err) {
          if ((err as { fatal?: boolean }).fatal) throw err;
          const cause = (err as { cause?: { code?: string } }).cause?.code;
          process.stdout.write(
            `${new Date().toISOString()}  cannot reach ${target.url} (${cause ?? (err as Error).message}); ` +
              `retrying in ${delay} ms\n`,
          );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    },
  );
}
