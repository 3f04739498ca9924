import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { Http } from '../support/http.js';
import { freePort, runCli, spawnCli } from '../support/process.js';
import { saleBody } from '../support/payloads.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe('admin CLI: merchants, shops, tokens', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-cli-'));
  const env = { KARTOTEKA_DATA_DIR: dataDir, KARTOTEKA_LOG_LEVEL: 'warn' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('kartoteka migrate applies the numbered migrations once', async () => {
    const first = await runCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/Success: 0001_initial/);
    const again = await runCli(['migrate'], env);
    expect(again.output).toContain('schema is up to date');
  });

  it('creates and lists them; secrets are shown once and tokens stored hashed; the token works', async () => {
    const merchant = await runCli(['merchant', 'create', '--name', 'Acme', '--json'], env);
    expect(merchant.code).toBe(0);
    const { id: merchantId } = JSON.parse(merchant.output) as { id: string };
    expect(merchantId).toMatch(/^[a-z0-9]{20}$/);

    const shop = await runCli(
      [
        'shop',
        'create',
        '--merchant',
        merchantId,
        '--name',
        'Acme shop',
        '--pci',
        'on',
        '--preauth',
        'on',
        '--notification-url',
        'https://acme.example/n',
        '--json',
      ],
      env,
    );
    expect(shop.code).toBe(0);
    const created = JSON.parse(shop.output) as {
      id: string;
      serviceKey: string;
      pciEnabled: boolean;
      preauthEnabled: boolean;
      notificationUrl: string;
    };
    expect(created).toMatchObject({
      pciEnabled: true,
      preauthEnabled: true,
      notificationUrl: 'https://acme.example/n',
    });
    expect(created.serviceKey).toMatch(/^[A-Za-z0-9]{32}$/);

    const token = await runCli(['token', 'create', '--merchant', merchantId, '--label', 'ci', '--json'], env);
    const { token: secret, id: tokenId } = JSON.parse(token.output) as { token: string; id: string };
    expect(secret.length).toBeGreaterThanOrEqual(40);

    const shops = await runCli(['shop', 'list', '--merchant', merchantId, '--json'], env);
    expect(shops.output).toContain(created.id);
    expect(shops.output).not.toContain(created.serviceKey);
    const tokens = await runCli(['token', 'list', '--json'], env);
    expect(tokens.output).toContain(tokenId);
    expect(tokens.output).not.toContain(secret);
    const merchants = await runCli(['merchant', 'list', '--json'], env);
    expect((JSON.parse(merchants.output) as Array<{ id: string }>).map((m) => m.id)).toContain(merchantId);

    // Only the token's hash is stored.
    for (const f of readdirSync(dataDir).filter((n) => n.startsWith('kartoteka.db'))) {
      expect(readFileSync(join(dataDir, f)).includes(Buffer.from(secret))).toBe(false);
    }

    const off = await runCli(
      ['shop', 'update', '--merchant', merchantId, '--shop', created.id, '--preauth', 'off', '--json'],
      env,
    );
    expect(JSON.parse(off.output)).toMatchObject({ preauthEnabled: false });

    const port = await freePort();
    const server = spawnCli(['serve'], { ...env, KARTOTEKA_PORT: String(port), KARTOTEKA_BOOTSTRAP: 'off' });
    try {
      await server.waitFor(/listening on/);
      const api = new Http(`http://127.0.0.1:${port}/v1/merchant/${merchantId}`, {
        authorization: `Bearer ${secret}`,
      });
      const res = await api.post<{ transaction: { status: string } }>('/transaction', saleBody(created.id));
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('settled');
      const revoke = await runCli(['token', 'revoke', tokenId], env);
      expect(revoke.code).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);

  it('shop recurring sets the dunning policy and the pre-billing notice; bad values are refused', async () => {
    const json = async (args: string[]) => {
      const res = await runCli([...args, '--json'], env);
      expect(res.code, res.output).toBe(0);
      return JSON.parse(res.output) as Record<string, unknown>;
    };
    const merchantId = (await json(['merchant', 'create', '--name', 'Recurring'])).id as string;
    const created = await json(['shop', 'create', '--merchant', merchantId, '--pci', 'on']);
    expect(created).toMatchObject({ retryAttempts: 4, retryWindowDays: 14, noticeDays: 7 });
    const recurring = ['shop', 'recurring', '--merchant', merchantId, '--shop', created.id as string];
    expect(await json([...recurring, '--retries', '2', '--notice-days', '3'])).toMatchObject({
      retryAttempts: 2,
      retryWindowDays: 14,
      noticeDays: 3,
    });
    const tooMany = await runCli([...recurring, '--retries', '9'], env);
    expect(tooMany.code).toBe(1);
    expect(tooMany.output).toContain('retry attempts must be an integer from 0 to 8');
    const zeroWindow = await runCli([...recurring, '--retry-days', '0'], env);
    expect(zeroWindow.code).toBe(1);
    expect(zeroWindow.output).toContain('retry window must be an integer from 1 to 30 days');
  }, 60_000);

  it("shop widget-origins lists the origins allowed to open the shop's widget, checked; --any lifts it", async () => {
    const json = async (args: string[]) => {
      const res = await runCli([...args, '--json'], env);
      expect(res.code, res.output).toBe(0);
      return JSON.parse(res.output) as Record<string, unknown>;
    };
    const merchantId = (await json(['merchant', 'create', '--name', 'Origins'])).id as string;
    const shopId = (await json(['shop', 'create', '--merchant', merchantId, '--pci', 'off'])).id as string;
    const origins = ['shop', 'widget-origins', '--merchant', merchantId, '--shop', shopId];
    expect(
      await json([...origins, '--allow', 'https://shop.example', 'https://www.shop.example:8443']),
    ).toMatchObject({ widgetOrigins: ['https://shop.example', 'https://www.shop.example:8443'] });
    const path = await runCli([...origins, '--allow', 'https://shop.example/checkout'], env);
    expect(path.code).toBe(1);
    expect(path.output).toContain('"https://shop.example/checkout" is not an origin');
    const neither = await runCli(origins, env);
    expect(neither.code).toBe(1);
    expect(neither.output).toContain('give either --allow <origins...> or --any');
    expect(await json([...origins, '--any'])).toMatchObject({ widgetOrigins: null });
  }, 60_000);

  it('shop limits sets the amount limits GET /service shows and every payment must meet', async () => {
    const json = async (args: string[]) => {
      const res = await runCli([...args, '--json'], env);
      expect(res.code, res.output).toBe(0);
      return JSON.parse(res.output) as Record<string, unknown>;
    };
    const merchantId = (await json(['merchant', 'create', '--name', 'Limits'])).id as string;
    const shopId = (await json(['shop', 'create', '--merchant', merchantId, '--pci', 'on'])).id as string;
    const secret = (await json(['token', 'create', '--merchant', merchantId])).token as string;
    const limits = ['shop', 'limits', '--merchant', merchantId, '--shop', shopId];
    expect(await json([...limits, '--min', '100', '--max', '500000'])).toMatchObject({
      minTransaction: 100,
      maxTransaction: 500_000,
    });
    // An omitted bound keeps its value.
    expect(await json([...limits, '--max', '400000'])).toMatchObject({
      minTransaction: 100,
      maxTransaction: 400_000,
    });
    const inverted = await runCli([...limits, '--min', '500000'], env);
    expect(inverted.code).toBe(1);
    expect(inverted.output).toContain('min (500000) is above max (400000)');
    const fraction = await runCli([...limits, '--min', '1.5'], env);
    expect(fraction.code).toBe(1);
    expect(fraction.output).toContain('expected an amount in minor units');
    const zero = await runCli([...limits, '--min', '0'], env);
    expect(zero.code).toBe(1);
    expect(zero.output).toContain('min must be an integer from 1');
    const listed = await runCli(['shop', 'list', '--merchant', merchantId, '--json'], env);
    expect(JSON.parse(listed.output)).toEqual([
      expect.objectContaining({ id: shopId, minTransaction: 100, maxTransaction: 400_000 }),
    ]);

    const port = await freePort();
    const server = spawnCli(['serve'], { ...env, KARTOTEKA_PORT: String(port), KARTOTEKA_BOOTSTRAP: 'off' });
    try {
      await server.waitFor(/listening on/);
      const api = new Http(`http://127.0.0.1:${port}/v1/merchant/${merchantId}`, {
        authorization: `Bearer ${secret}`,
      });
      const service = await api.get<{
        service: { paymentMethods: Array<{ transactionLimits: unknown }> };
      }>(`/service/${shopId}`);
      expect(service.status).toBe(200);
      expect(service.body.service.paymentMethods[0]!.transactionLimits).toEqual({
        minTransaction: { type: 'number', value: 100 },
        maxTransaction: { type: 'number', value: 400_000 },
      });
      const low = await api.post<{ apiErrorResponse: { code: string } }>(
        '/transaction',
        saleBody(shopId, { amount: 99 }),
      );
      expect(low.status).toBe(400);
      expect(low.body.apiErrorResponse.code).toBe('TRX-ERROR-180400');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000); // nine CLI processes and a server, one after another

  it('shop update --agreement-required makes recurring registrations declare an agreement (issue 15)', async () => {
    const json = async (args: string[]) => {
      const res = await runCli([...args, '--json'], env);
      expect(res.code, res.output).toBe(0);
      return JSON.parse(res.output) as Record<string, unknown>;
    };
    const merchantId = (await json(['merchant', 'create', '--name', 'Agreements'])).id as string;
    const shopId = (await json(['shop', 'create', '--merchant', merchantId])).id as string;
    const update = ['shop', 'update', '--merchant', merchantId, '--shop', shopId];
    expect(await json([...update, '--agreement-required', 'on'])).toMatchObject({ agreementRequired: true });
    // Another setting leaves it as it is.
    expect(await json([...update, '--name', 'Renamed'])).toMatchObject({ agreementRequired: true });
    expect(await json([...update, '--agreement-required', 'off'])).toMatchObject({
      agreementRequired: false,
    });
  }, 60_000);

  it('lists are aligned tables with ISO-8601 times (console.table showed an index column and Unix ms)', async () => {
    const merchant = await runCli(['merchant', 'create', '--name', 'Table test', '--json'], env);
    const { id: merchantId, createdAt } = JSON.parse(merchant.output) as { id: string; createdAt: number };
    expect(typeof createdAt).toBe('number'); // --json keeps what scripts parse
    await runCli(['shop', 'create', '--merchant', merchantId, '--name', 'Table shop'], env);
    await runCli(['token', 'create', '--merchant', merchantId, '--label', 'table'], env);
    for (const list of [
      ['merchant', 'list'],
      ['shop', 'list', '--merchant', merchantId],
      ['token', 'list', '--merchant', merchantId],
    ]) {
      const res = await runCli(list, env);
      expect(res.code, res.output).toBe(0);
      const lines = res.output.trimEnd().split('\n');
      // A header, a rule and the rows, every line exactly as wide as the first: the columns line up.
      expect(lines.length, res.output).toBeGreaterThanOrEqual(5);
      for (const line of lines)
        expect([list.join(' '), line.length]).toEqual([list.join(' '), lines[0]!.length]);
      expect(lines[1]).toMatch(/│ id +│/);
      expect(res.output).toContain(merchantId);
      expect(res.output).toMatch(/│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z │/);
      expect(res.output).not.toContain(String(createdAt));
      expect(res.output).not.toContain('(index)');
    }
    const none = await runCli(['shop', 'list', '--merchant', 'nobody00000000000000'], env);
    expect(none.output).toBe('no shops\n');
  }, 60_000);

  it('bad input gets a clear message and a non-zero exit', async () => {
    const res = await runCli(['shop', 'create', '--merchant', 'nope0000000000000000'], env);
    expect(res.code).toBe(1);
    expect(res.output).toContain('no merchant nope0000000000000000');
    const bad = await runCli(['serve'], { ...env, KARTOTEKA_PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('KARTOTEKA_PORT must be a whole number');
  });

  it('serve refuses to start with a short admin token, and says why', async () => {
    // A free port and a kill in `finally`: should validation ever regress, the server that starts is not left behind.
    const server = spawnCli(['serve'], {
      ...env,
      KARTOTEKA_PORT: String(await freePort()),
      KARTOTEKA_ADMIN_TOKEN: 'admin-secret-short',
    });
    try {
      await server.waitFor(/configuration error|listening on/);
      expect(server.output()).toContain('KARTOTEKA_ADMIN_TOKEN must be at least 32 characters, got 18');
      expect(await server.exited).toBe(1);
      expect(server.output()).not.toContain('admin-secret-short');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
