import { createWriteStream } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';

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
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'kartoteka' } },
    pino.multistream(streams.map((s) => ({ ...s, level: level as pino.Level }))),
  );
}
