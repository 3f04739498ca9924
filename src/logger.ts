import { createWriteStream } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';
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

export function createLogger(
  level: string,
  file: string | null,
  extra?: DestinationStream,
  stdout = true,
): Logger {
  const streams: pino.StreamEntry[] = stdout ? [{ stream: process.stdout }] : [];
  if (file) streams.push({ stream: createWriteStream(file, { flags: 'a' }) });
  if (extra) streams.push({ stream: extra });
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'kartoteka' },
      // A line written while a request's work runs names the request, whichever logger wrote it; the request's
      // own logger (Fastify's child) already binds `reqId`, and a key must not appear twice in a line.
      mixin(_line, _level, logger) {
        const reqId = currentRequestId();
        return reqId === undefined || 'reqId' in logger.bindings() ? {} : { reqId };
      },
      // Redaction knows field names only; a card number can also arrive inside a message, an error's text or any
      // other field. Every finished line is masked, whatever it holds (its millisecond `time` is not a card).
      hooks: { streamWrite: (line) => maskCardNumbersInJson(line, ['time']) },
    },
    pino.multistream(streams.map((s) => ({ ...s, level: level as pino.Level }))),
  );
}
