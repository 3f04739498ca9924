import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { DashboardClient } from './support.js';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);

/**
 * An operator's dashboard session is opened with KARTOTEKA_ADMIN_TOKEN, as a merchant's is with an API token:
 * rotating the admin token (the answer to its leak) or unsetting it must end the sessions it opened, as revoking
 * an API token ends the merchant's.
 */
describe('operator dashboard sessions follow the admin token', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-operator-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = (adminToken: string | null) =>
    startGateway({
      dataDir,
      env: { KARTOTEKA_DASHBOARD: 'on', ...(adminToken ? { KARTOTEKA_ADMIN_TOKEN: adminToken } : {}) },
    });

  async function overview(base: string, cookie: string): Promise<number> {
    const res = await fetch(`${base}/dashboard/overview`, {
      headers: { cookie: `kartoteka_dashboard=${cookie}` },
      redirect: 'manual',
    });
    await res.text();
    return res.status;
  }

  it('a session survives a restart with the same token, and ends when the token changes or is unset', async () => {
    let gw = await start(OLD);
    const operator = await DashboardClient.signIn(gw.url, OLD);
    const merchant = await DashboardClient.signIn(gw.url, gw.merchant.token);
    expect(await overview(gw.url, operator.cookie)).toBe(200);
    await gw.close();

    gw = await start(OLD);
    try {
      expect(await overview(gw.url, operator.cookie), 'same admin token: still signed in').toBe(200);
    } finally {
      await gw.close();
    }

    gw = await start(NEW);
    try {
      expect(await overview(gw.url, operator.cookie), 'rotated admin token: signed out').toBe(303);
      expect(await overview(gw.url, merchant.cookie), 'a merchant session is untouched').toBe(200);
      // Signing in with the new token works as before.
      const fresh = await DashboardClient.signIn(gw.url, NEW);
      expect(await overview(gw.url, fresh.cookie)).toBe(200);
    } finally {
      await gw.close();
    }

    gw = await start(null);
    try {
      expect(await overview(gw.url, operator.cookie), 'no admin token: no operator sessions').toBe(303);
    } finally {
      await gw.close();
    }
  });
});
