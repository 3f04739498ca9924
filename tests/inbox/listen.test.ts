import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { spawnCli, type Spawned } from '../support/process.js';
import { Receiver } from '../notifications/receiver.js';

interface InboxMessage {
  transactionId: string | null;
  bodyBase64: string;
  signature: string | null;
  headers: Record<string, string>;
}

describe('kartoteka listen relays the inbox to a local app', () => {
  let gw: TestGateway;
  let receiver: Receiver;
  let listen: Spawned;
  let api: Http;
  let ext: Http;

  beforeAll(async () => {
    gw = await startGateway({ worker: true, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
    const s = gw.gateway.sandbox!;
    api = new Http(`${gw.url}/v1/merchant/${s.merchantId}`, { authorization: `Bearer ${s.token}` });
    ext = new Http(`${gw.url}/kartoteka/v1/merchant/${s.merchantId}`, { authorization: `Bearer ${s.token}` });
    receiver = await Receiver.start();
    // The credentials come from the data directory, as after `npm start`; only the URL is given.
    listen = spawnCli(
      ['listen', '--forward-to', receiver.url('/hook'), '--gateway', gw.url],
      { KARTOTEKA_DATA_DIR: gw.dataDir, KARTOTEKA_LOG_LEVEL: 'silent' },
      false,
    );
    await listen.waitFor(/Ready: relaying the webhook inbox/, 30_000);
  }, 60_000);
  afterAll(async () => {
    listen?.child.kill('SIGTERM');
    await listen?.exited;
    await receiver?.close();
    await gw?.close();
  });

  async function pay(): Promise<string> {
    const res = await api.post<{ transaction: { id: string } }>(
      '/transaction',
      saleBody(gw.gateway.sandbox!.serviceId),
    );
    expect(res.status).toBe(200);
    return res.body.transaction.id;
  }

  async function inboxed(tx: string): Promise<InboxMessage> {
    const end = Date.now() + 10_000;
    for (;;) {
      const page = await ext.get<{ messages: InboxMessage[] }>('/inbox?limit=100');
      const m = page.body.messages.find((x) => x.transactionId === tx);
      if (m) return m;
      if (Date.now() > end) throw new Error(`${tx} never reached the inbox`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('relays one notification byte for byte, with the signature header it arrived with', async () => {
    const tx = await pay();
    const m = await inboxed(tx);
    await receiver.waitFor(1, 10_000);
    const got = receiver.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hook');
    expect(got.body.equals(Buffer.from(m.bodyBase64, 'base64'))).toBe(true);
    expect(got.headers['x-imoje-signature']).toBe(m.signature);
    expect(got.headers['x-imoje-signature']).toMatch(/^merchantid=.*;signature=[0-9a-f]{64};alg=sha256$/);
    expect(got.headers['content-type']).toBe(m.headers['content-type']);
    expect(got.headers['user-agent']).toBe('imoje');
    await listen.waitFor(new RegExp(`settled +${tx} +→ http://127\\.0\\.0\\.1:\\d+/hook +200 OK`));
  });

  it('prints the error when the local app is down, and goes on relaying', async () => {
    receiver.answer = () => ({ status: 500 });
    const failing = await pay();
    await listen.waitFor(new RegExp(`${failing} .*500 Internal Server Error`));
    const port = receiver.port;
    await receiver.close();
    const down = await pay();
    await listen.waitFor(new RegExp(`${down} .*✗ ECONNREFUSED`));
    receiver = await Receiver.start(port);
    const back = await pay();
    await receiver.waitFor(1, 10_000);
    expect(JSON.parse(receiver.received[0]!.body.toString('utf8')).transaction.id).toBe(back);
    await listen.waitFor(new RegExp(`${back} .*200 OK`));
  });
});

describe('kartoteka listen refuses what cannot work', () => {
  it('exits with the reason on a wrong token', async () => {
    const gw = await startGateway({ env: { KARTOTEKA_BOOTSTRAP: 'on' } });
    try {
      const p = spawnCli(
        ['listen', '--forward-to', 'http://127.0.0.1:9/hook', '--gateway', gw.url, '--token', 'nope'],
        { KARTOTEKA_DATA_DIR: gw.dataDir, KARTOTEKA_LOG_LEVEL: 'silent' },
        false,
      );
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(/token was refused/);
    } finally {
      await gw.close();
    }
  }, 30_000);
});
