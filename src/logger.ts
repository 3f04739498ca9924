import { createWriteStream } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { FastifyRequest } from 'fastify';
import pretty from 'pino-pretty';
import { loggableUrl } from './domain/loggable-url.js';
import { maskCardNumbersInJson } from './domain/mask-card-numbers.js';
import { currentRequestId } from './http/request-id.js';

/** Card fields are redacted wherever they appear, even if a body ever gets logged by mistake. */
export const REDACT_PATHS = [
  'card.number',
  'card.cvv',
  '*.card.number',
  '*.card.cvv',
  '*.*.card.number',
  '*.*.card.cvv',
  'cvv',
  '*.cvv',
  'req.headers.authorization',
  'headers.authorization',
];

export type LogFormat = 'json' | 'pretty';

/**
 * Whether a logger (or a parent of it) was bound with `reqId`. Its bindings' serialised form is read rather than
 * `logger.bindings()`, which parses them anew on every line.
 */
function bindsRequestId(logger: Logger): boolean {
  const chindings = (logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  return typeof chindings === 'string' && chindings.includes(',"reqId":');
}

/**
 * Pretty lines are for a person at a terminal trying the sandbox; anything else (a pipe, a log collector,
 * production) gets JSON, which machines parse. An explicit setting wins.
 */
export function chooseLogFormat(
  setting: 'auto' | LogFormat,
  stdoutIsTty: boolean,
  mode: 'sandbox' | 'production',
): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTty && mode === 'sandbox' ? 'pretty' : 'json';
}

/**
 * pino-pretty as a stream in this thread, not a worker-thread transport: it then receives lines the masking hook
 * has already masked, and writes synchronously, so its lines and the banner come out in the order they happen.
 */
function prettyStdout(colorize: boolean): DestinationStream {
  return pretty({
    singleLine: true,
    ignore: 'pid,hostname,service',
    translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
    colorize,
    sync: true,
    destination: 1,
  });
}

export function createLogger(
  level: string,
  file: string | null,
  extra?: DestinationStream,
  stdout = true,
  format: LogFormat = 'json',
): Logger {
  const out = format === 'pretty' ? prettyStdout(process.stdout.isTTY === true) : process.stdout;
  const streams: pino.StreamEntry[] = stdout ? [{ stream: out }] : [];
  // The log may hold masked card data and payers' names: the gateway's user alone reads it, wherever it is.
  if (file) streams.push({ stream: createWriteStream(file, { flags: 'a', mode: 0o600 }) });
  if (extra) streams.push({ stream: extra });
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Fastify's request serializer, with the URL as a log may show it (a security code in a query string).
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: loggableUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      base: { service: 'kartoteka' },
      // A line written while a request's work runs names the request, whichever logger wrote it; the request's
      // own logger (Fastify's child) already binds `reqId`, and a key must not appear twice in a line.
      mixin(_line, _level, logger) {
        const reqId = currentRequestId();
        return reqId === undefined || bindsRequestId(logger) ? {} : { reqId };
      },
      // Redaction knows field names only; a card number can also arrive inside a message, an error's text or any
      // other field. Every finished line is masked, whatever it holds (its millisecond `time` is not a card).
      hooks: { streamWrite: (line) => maskCardNumbersInJson(line, ['time']) },
    },
    pino.multistream(streams.map((s) => ({ ...s, level: level as pino.Level }))),
  );
}
