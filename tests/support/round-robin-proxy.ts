import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy passed on: which instance (index into the targets) answered it, and with what. */
export interface Routed {
  instance: number;
  method: string;
  path: string;
  status: number;
}

/**
 * A loopback HTTP proxy in front of several gateway instances, as a load balancer without sticky routing:
 * every request a session acts on (`stateful`) goes to the next instance in turn, whatever connection it came
 * on, so two consecutive steps of one payment never reach the same process. Other requests (the script, the
 * form's assets) take turns on their own counter. The Host header is passed through unchanged.
 */
export class RoundRobinProxy {
  readonly routed: Routed[] = [];
  targets: string[] = [];
  origin = '';
  private server: Server | undefined;
  private turn = { stateful: 0, other: 0 };

  constructor(private readonly stateful: (path: string) => boolean) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The requests a session acted on, in the order they arrived. */
  statefulRequests(): Routed[] {
    return this.routed.filter((r) => this.stateful(r.path.split('?')[0]!));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const kind = this.stateful(path.split('?')[0]!) ? 'stateful' : 'other';
    const instance = this.turn[kind]++ % this.targets.length;
    const target = new URL(this.targets[instance]!);
    const entry: Routed = { instance, method: req.method ?? 'GET', path, status: 0 };
    this.routed.push(entry);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers: req.headers,
        agent: false,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
