import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  /** The raw bytes, exactly as they arrived. */
  body: Buffer;
  headers: IncomingHttpHeaders;
  method: string;
  path: string;
  /** What this receiver answered (null: it never answered). */
  answered: number | null;
}

export interface Answer {
  status: number;
  /** Wait this long before answering (a slow shop). */
  delayMs?: number;
  headers?: Record<string, string>;
}

/** A shop's notification endpoint on 127.0.0.1, recording every request it gets. */
export class Receiver {
  readonly received: Received[] = [];
  /** Decides the answer to the n-th request (0-based). */
  answer: (n: number, path: string) => Answer = () => ({ status: 200 });
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: http.Server) {}

  static async start(port = 0): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    server.on('connection', (s) => {
      receiver.sockets.add(s);
      s.on('close', () => receiver.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const record: Received = {
          body: Buffer.concat(chunks),
          headers: req.headers,
          method: req.method ?? '',
          path: req.url ?? '',
          answered: null,
        };
        const n = receiver.received.length;
        receiver.received.push(record);
        const a = receiver.answer(n, record.path);
        const send = () => {
          if (res.destroyed) return;
          record.answered = a.status;
          res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
          res.end(a.status < 300 ? '{"status":"ok"}' : '{"status":"error"}');
        };
        if (a.delayMs) setTimeout(send, a.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/notify'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests answered 2xx, i.e. notifications the shop acknowledged. */
  acknowledged(): Received[] {
    return this.received.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300);
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > until) {
        throw new Error(`receiver got ${this.received.length} requests, expected ${count}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The header a shop expects, rebuilt here from the raw bytes received and the shop's key, independently of the
 * gateway's signer: sha256(body bytes + serviceKey), lowercase hex, keys in the documented order.
 */
export function expectedSignatureHeader(
  body: Buffer,
  merchantId: string,
  serviceId: string,
  serviceKey: string,
): string {
  const hex = createHash('sha256')
    .update(Buffer.concat([body, Buffer.from(serviceKey, 'utf8')]))
    .digest('hex');
  return `merchantid=${merchantId};serviceid=${serviceId};signature=${hex};alg=sha256`;
}
