import type { FastifyBaseLogger, FastifyReply } from 'fastify';

/** Ends every open stream when the server closes (an open stream is never idle, so it would hold close()). */
export class OpenStreams {
  private readonly ends = new Set<() => void>();
  add(end: () => void): () => void {
    this.ends.add(end);
    return () => this.ends.delete(end);
  }
  endAll(): void {
    for (const end of [...this.ends]) end();
  }
}

export interface EventStreamOptions {
  streams: OpenStreams;
  /** Calls `wake` when there may be something to send; returns the unsubscribe. */
  subscribe(wake: () => void): () => void;
  /** Writes whatever is new; runs once at a time (a wake during a run runs it again after). */
  pump(write: (chunk: string) => void): Promise<void>;
  /** Also runs `pump` this often, for what no wake announces. */
  pollMs: number;
  /** A comment line this often, so proxies and clients see a live connection. */
  heartbeatMs: number;
}

/** Answers with a text/event-stream (server-sent events) until the client leaves or the server closes. */
export function serveEventStream(reply: FastifyReply, log: FastifyBaseLogger, o: EventStreamOptions): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    // The connection ends with the stream: a closing server ends every stream, and then has no keep-alive
    // socket of it left to wait for.
    connection: 'close',
  });
  res.write('retry: 1000\n: kartoteka event stream\n\n');
  let running = false;
  let again = false;
  let closed = false;
  const write = (chunk: string) => {
    if (!closed) res.write(chunk);
  };
  const run = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    o.pump(write)
      .catch((err: unknown) => log.warn({ err }, 'event stream read failed; retrying'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const unsubscribe = o.subscribe(run);
  const poll = setInterval(run, o.pollMs);
  const heartbeat = setInterval(() => write(': ping\n\n'), o.heartbeatMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    unsubscribe();
    forget();
    res.end();
  };
  const forget = o.streams.add(close);
  res.on('close', close);
  run();
}
