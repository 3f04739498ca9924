import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy between B and A does with the next requests. `pass`: forwards and answers; `drop`: forwards,
 * lets A act and answer, and cuts B's connection instead of relaying the answer (the answer lost); `hold`:
 * forwards and keeps A's answer until `release()` (a slow upstream, or B killed meanwhile); `500`/`503`:
 * answers that itself, without forwarding; `canned`: answers `canned` itself, without forwarding (an upstream 4xx).
 */
export type ProxyMode = 'pass' | 'drop' | 'hold' | '500' | '503' | 'canned';

/** A real HTTP hop between instance B and instance A, on loopback, that can misbehave on purpose. */
export class UpstreamProxy {
  mode: ProxyMode = 'pass';
  /** Only requests matching this are treated by `mode`; the rest pass. */
  applies: (method: string, path: string) => boolean = (method, path) =>
    method === 'POST' && /\/transaction$/.test(path);
  /** How many requests reached A through the proxy while it misbehaved (their answers lost or held). */
  forwarded = 0;
  /** What mode `canned` answers. */
  canned: { status: number; body: unknown } = { status: 400, body: {} };
  /** Every request body that went through to A (parsed JSON): what A received over HTTP. */
  readonly received: Array<{ method: string; path: string; body: unknown }> = [];
  private held: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
  ) {}

  static async start(target: string): Promise<UpstreamProxy> {
    const server = http.createServer();
    const proxy = new UpstreamProxy(server, target);
    server.on('connection', (s) => {
      proxy.sockets.add(s);
      s.on('close', () => proxy.sockets.delete(s));
    });
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Lets every held answer go to B. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const mode = this.applies(req.method ?? '', req.url ?? '') ? this.mode : 'pass';
    if (mode === '500' || mode === '503') {
      res.writeHead(Number(mode), { 'content-type': 'application/json' });
      res.end('{"apiErrorResponse":{"code":"API-ERROR-100500","message":"Internal server error."}}');
      return;
    }
    if (mode === 'canned') {
      res.writeHead(this.canned.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.canned.body));
      return;
    }
    if (chunks.length > 0) {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      this.received.push({ method: req.method ?? '', path: req.url ?? '', body });
    }
    const upstream = await fetch(this.target + (req.url ?? ''), {
      method: req.method,
      headers: { authorization: String(req.headers.authorization ?? ''), 'content-type': 'application/json' },
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const text = await upstream.text();
    if (mode !== 'pass') this.forwarded++;
    const answer = () => {
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (mode === 'drop') req.socket.destroy();
    else if (mode === 'hold') this.held.push(answer);
    else answer();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
