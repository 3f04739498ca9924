/** TransactionSearch (Kartoteka's list/search extension) against the real gateway. */
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../tests/support/gateway.js';
import { AuthenticationError, TransactionSearch, ValidationError } from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

const gw = await startGateway();
const client = clientFor(gw, gw.merchant);
const search = new TransactionSearch({
  baseUrl: `${gw.url}/v1/merchant`,
  merchantId: gw.merchant.merchantId,
  token: gw.merchant.token,
  retryBaseDelayMs: 10,
});

afterAll(async () => {
  await gw.close();
});

describe('TransactionSearch', () => {
  it('lists, filters, follows the cursor and reads a timeline', async () => {
    const made: string[] = [];
    for (const amount of [700, 800, 900]) {
      const sale = await client.createTransaction(
        saleRequest(gw.merchant.serviceId, { amount, paymentMethodCode: 'ecom3ds' }),
      );
      made.push(sale.transaction.id);
    }
    const page = await search.list({ limit: 2 });
    expect(page.transactions.map((t) => t.transaction.id)).toEqual([made[2], made[1]]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.transactions[0]!.card).toEqual({ brand: expect.any(String), maskedNumber: '****1111' });

    const seen: string[] = [];
    for await (const t of search.all({ limit: 1, createdFrom: new Date(Date.now() - 60_000) }))
      seen.push(t.transaction.id);
    expect(seen).toEqual([...made].reverse());

    const cheap = await search.list({ amountMax: 750 });
    expect(cheap.transactions.map((t) => t.transaction.id)).toEqual([made[0]]);

    const tl = await search.timeline(made[0]!);
    expect(tl.timeline.map((e) => e.kind)).toEqual(['created', 'status']);
    expect(tl.timeline[1]).toMatchObject({ status: 'settled', code: 'CODE_000' });
  });

  it('client.transactionSearch: the same list from the one KartotekaClient, extensionBaseUrl honoured', async () => {
    const sale = await client.createTransaction(
      saleRequest(gw.merchant.serviceId, { amount: 1234, paymentMethodCode: 'ecom3ds' }),
    );
    const page = await client.transactionSearch.list({ limit: 1 });
    expect(page.transactions.map((t) => t.transaction.id)).toEqual([sale.transaction.id]);
    expect(page).toEqual(await search.list({ limit: 1 }));
    const tl = await client.transactionSearch.timeline(sale.transaction.id);
    expect(tl.timeline.map((e) => e.kind)).toEqual(['created', 'status']);
    // imoje's base points nowhere here: only the override can reach the extension.
    const split = clientFor(gw, gw.merchant, {
      baseUrl: 'http://127.0.0.1:9/v1/merchant',
      extensionBaseUrl: `${gw.url}/kartoteka/v1/merchant/`,
      maxRetries: 0,
    });
    expect((await split.transactionSearch.list({ limit: 1 })).transactions[0]!.transaction.id).toBe(
      sale.transaction.id,
    );
  });

  it('throws the SDK errors for bad input and a bad token', async () => {
    await expect(search.list({ limit: 500 })).rejects.toBeInstanceOf(ValidationError);
    const stranger = new TransactionSearch({
      baseUrl: gw.url,
      merchantId: gw.merchant.merchantId,
      token: 'nope',
      maxRetries: 0,
    });
    await expect(stranger.list()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
