import http from 'node:http';
import https from 'node:https';
import type { Secret } from '../../domain/secret.js';
import { AcquirerUnreachableError } from '../acquirer.js';

export interface UpstreamResponse {
  status: number;
  body: unknown;
}

/**
 * The request never reached upstream (refused, unreachable, connect timeout): upstream did nothing with it.
 * Any other failure after the request may have left is an unknown outcome.
 */
export class UpstreamUnreachableError extends AcquirerUnreachableError {
  constructor(cause: unknown) {
    super('imoje upstream unreachable: the request was not sent', { cause });
    this.name = 'UpstreamUnreachableError';
  }
}

/** The request was sent, and no usable answer came back: upstream may or may not have acted. */
export class UpstreamNoAnswerError extends Error {
  constructor(why: string, cause?: unknown) {
    super(`imoje upstream gave no answer: ${why}`, { cause });
    this.name = 'UpstreamNoAnswerError';
  }
}

export interface UpstreamClientOptions {
  apiUrl: string;
  merchantId: string;
  token: Secret<string>;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * imoje's REST API over keep-alive connections. Telling "never sent" from "sent, no answer" is the point of
 * using node:http directly: only a request whose connection never opened is known not to have been acted on.
 * Errors carry no request body (the card number is in it).
 */
export class UpstreamClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(private readonly options: UpstreamClientOptions) {
    this.base = new URL(`${options.apiUrl}/v1/merchant/${options.merchantId}`);
    const agentOptions = { keepAlive: true, maxSockets: 32 };
    this.agent =
      this.base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  get(path: string): Promise<UpstreamResponse> {
    return this.send('GET', path, undefined);
  }

  post(path: string, body: unknown): Promise<UpstreamResponse> {
    return this.send('POST', path, JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, payload: string | undefined): Promise<UpstreamResponse> {
    const url = new URL(this.base.pathname + path, this.base);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let connected = false;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
        req.destroy();
      };
      const req = transport.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.options.token.reveal()}`,
            accept: 'application/json',
            ...(payload !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(new UpstreamNoAnswerError('the answer broke off', err)));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(overall);
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      const overall = setTimeout(
        () =>
          fail(
            connected
              ? new UpstreamNoAnswerError(`no answer within ${this.options.requestTimeoutMs} ms`)
              : new UpstreamUnreachableError(new Error('connect timeout')),
          ),
        this.options.requestTimeoutMs,
      );
      const connectTimer = setTimeout(() => {
        if (!connected) fail(new UpstreamUnreachableError(new Error('connect timeout')));
      }, this.options.connectTimeoutMs);
      req.on('socket', (socket) => {
        // A kept-alive socket is already connected: the request may be written at once.
        const markConnected = () => {
          connected = true;
          clearTimeout(connectTimer);
        };
        if (!socket.connecting) markConnected();
        else socket.once(this.base.protocol === 'https:' ? 'secureConnect' : 'connect', markConnected);
      });
      req.on('error', (err) => {
        clearTimeout(overall);
        clearTimeout(connectTimer);
        fail(
          connected
            ? new UpstreamNoAnswerError('the connection failed', err)
            : new UpstreamUnreachableError(err),
        );
      });
      req.on('close', () => {
        clearTimeout(overall);
        clearTimeout(connectTimer);
      });
      req.end(payload);
    });
  }
}
