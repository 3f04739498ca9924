import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../support/challenge.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const CARDS = [
  '4111111111111111',
  '4012001037141112',
  '5555555555554444',
  '4444333322221111',
  '4485201817664006',
];
const CVV = '987';

/** Non-negotiable 3: the PAN exists only encrypted, the CVV nowhere. */
describe('card data never stored, logged or returned in clear (SQLite file, WAL, logs, responses)', () => {
  let gw: TestGateway;
  const responses: string[] = [];
  beforeAll(async () => {
    // synchronous=normal keeps recent pages in the WAL, so the WAL file is really searched, not empty.
    gw = await startGateway({
      env: { KARTOTEKA_SQLITE_SYNCHRONOUS: 'normal', KARTOTEKA_LOG_LEVEL: 'trace' },
    });
    const m = gw.merchant;
    for (const number of CARDS) {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {}, { number, cvv: CVV }),
      );
      responses.push(reg.text);
      if (reg.body.action) {
        const page = await fetch(reg.body.action.url);
        responses.push(await page.text());
        await answerChallenge(reg.body.action.url, 'pass');
      }
      const read = await m.api.get(`/transaction/${reg.body.transaction.id}`);
      responses.push(read.text);
      const profile = (read.body as unknown as TransactionResponse).transaction.paymentProfile;
      if (profile) {
        responses.push((await m.api.post('/transaction/profile', debitBody(m.serviceId, profile.id))).text);
        responses.push((await m.api.get(`/profile/id/${profile.id}`)).text);
      }
      // Rejected requests echo the payload: masked.
      responses.push(
        (await m.api.post('/transaction', saleBody(m.serviceId, { amount: 0 }, { number, cvv: CVV }))).text,
      );
    }
  });
  afterAll(async () => {
    await gw?.close();
  });

  function filesOf(dir: string): string[] {
    return readdirSync(dir).map((f) => join(dir, f));
  }

  it('the data directory holds the database and its WAL, and they are not empty', () => {
    const names = readdirSync(gw.dataDir);
    expect(names).toContain('kartoteka.db');
    expect(names).toContain('kartoteka.db-wal');
    expect(readFileSync(join(gw.dataDir, 'kartoteka.db-wal')).length).toBeGreaterThan(0);
  });

  it('no card number appears in clear in any file of the data directory (database, WAL, logs)', () => {
    for (const file of filesOf(gw.dataDir)) {
      const bytes = readFileSync(file);
      for (const pan of CARDS) {
        expect(bytes.includes(Buffer.from(pan)), `${pan} in ${file}`).toBe(false);
        expect(bytes.includes(Buffer.from(pan, 'utf16le')), `${pan} (utf16) in ${file}`).toBe(false);
      }
    }
  });

  it('the sealed cards are really there: ciphertext in the cards table, masked data only', async () => {
    const rows = await gw.gateway.storage.db.selectFrom('cards').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(CARDS.length);
    for (const row of rows) {
      expect(row.encryptedPan.length).toBeGreaterThan(40);
      expect(row.last4).toMatch(/^[0-9]{4}$/);
      expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      for (const pan of CARDS) expect(JSON.stringify(row)).not.toContain(pan);
    }
  });

  it('no card number or CVV in the captured logs', () => {
    const logs = gw.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const pan of CARDS) expect(logs).not.toContain(pan);
    expect(logs).not.toContain(`"${CVV}"`);
  });

  it('no card number or CVV in any response', () => {
    const all = responses.join('\n');
    expect(responses.length).toBeGreaterThan(CARDS.length * 3);
    for (const pan of CARDS) expect(all).not.toContain(pan);
    // Ids and amounts are random digits; what must never appear is the CVV as a value or a cvv field.
    expect(all).not.toContain(`"${CVV}"`);
    expect(all).not.toMatch(/"cvv"/i);
    expect(all).toContain('****1111');
  });

  it('the CVV is nowhere in the database or WAL', () => {
    for (const file of filesOf(gw.dataDir).filter((f) => f.includes('kartoteka.db'))) {
      const text = readFileSync(file).toString('latin1');
      expect(text.includes(`"cvv":"${CVV}"`), file).toBe(false);
      expect(text.includes(`cvv`), file).toBe(false);
    }
  });
});
