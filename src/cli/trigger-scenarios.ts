import { randomBytes } from 'node:crypto';
import type { GatewayTarget } from './gateway-target.js';

/** One transaction a scenario created, for the printout. */
export interface Created {
  role: string;
  id: string;
  status: string;
}

export interface Scenario {
  name: string;
  description: string;
  run(client: GatewayClient): Promise<Created[]>;
}

interface TransactionAnswer {
  transaction: { id: string; status: string; paymentProfile?: { id: string } | null };
  action?: { url: string } | null;
}

/** The merchant API of the running gateway, over HTTP, as a shop calls it. */
export class GatewayClient {
  private readonly run = randomBytes(4).toString('hex');
  private count = 0;

  constructor(readonly target: GatewayTarget) {}

  get serviceId(): string {
    if (!this.target.serviceId) {
      throw new Error('no shop to pay at: pass --service <serviceId> (the sandbox shop is the default)');
    }
    return this.target.serviceId;
  }

  /** Unique per call, so a scenario run twice never collides with its earlier orders. */
  orderId(what: string): string {
    return `trigger-${what}-${this.run}-${++this.count}`;
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.target.url}/v1/merchant/${this.target.merchantId}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.target.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `cannot reach the gateway at ${this.target.url} (${code ?? (err as Error).message}): is it running?`,
      );
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /** A card sale registering a OneClick profile, as in the README's walk-through. */
  sale(number: string, what: string, amount = 1999): Promise<TransactionAnswer> {
    const cid = `trigger-${this.run}`;
    return this.call<TransactionAnswer>('POST', '/transaction', {
      type: 'sale',
      serviceId: this.serviceId,
      amount,
      currency: 'PLN',
      orderId: this.orderId(what),
      title: `kartoteka trigger ${what}`,
      paymentMethod: 'card',
      paymentMethodCode: 'oneclick',
      successReturnUrl: 'https://shop.example/ok',
      failureReturnUrl: 'https://shop.example/fail',
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid },
      card: {
        number,
        month: '12',
        year: String(new Date().getUTCFullYear() + 3),
        cvv: '123',
        firstName: 'Jan',
        lastName: 'Kowalski',
      },
    });
  }

  /** Answers the simulated 3-D Secure page as the payer's browser would: its form, posted. */
  async answerChallenge(actionUrl: string, result: 'pass' | 'fail'): Promise<void> {
    const page = await fetch(actionUrl);
    const html = await page.text();
    const form = /<form method="post" action="([^"]+)"/.exec(html);
    if (!page.ok || !form || !html.includes(`name="result" value="${result}"`)) {
      throw new Error(`the 3-D Secure page at ${actionUrl} has no ${result} form (HTTP ${page.status})`);
    }
    const answer = await fetch(new URL(form[1]!, actionUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `result=${result}`,
      redirect: 'manual',
    });
    if (answer.status >= 400) throw new Error(`the 3-D Secure form answered HTTP ${answer.status}`);
  }

  async status(id: string): Promise<string> {
    return (await this.call<TransactionAnswer>('GET', `/transaction/${id}`)).transaction.status;
  }
}

const created = (role: string, a: TransactionAnswer): Created => ({
  role,
  id: a.transaction.id,
  status: a.transaction.status,
});

function expectStatus(c: Created, status: string, hint = ''): Created {
  if (c.status !== status) throw new Error(`${c.role} ${c.id} ended ${c.status}, not ${status}${hint}`);
  return c;
}

async function challenged(client: GatewayClient, result: 'pass' | 'fail', what: string): Promise<Created> {
  const sale = await client.sale('4012001037141112', what);
  if (!sale.action?.url) throw new Error(`sale ${sale.transaction.id} asked for no 3-D Secure challenge`);
  await client.answerChallenge(sale.action.url, result);
  return { role: 'sale', id: sale.transaction.id, status: await client.status(sale.transaction.id) };
}

const NOT_PREAUTH =
  ': this shop does not pre-authorise. Create one with `kartoteka shop create --merchant <merchantId> --pci on ' +
  '--preauth on` (a shop of the sandbox merchant without a URL notifies the inbox too) and pass --service <its id>';

async function authorized(client: GatewayClient, what: string): Promise<Created> {
  return expectStatus(
    created('sale', await client.sale('4111111111111111', what)),
    'authorized',
    NOT_PREAUTH,
  );
}

/** Every scenario, in the order `--list` shows them. Cards from the README's sandbox test-card table. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'registration',
    description:
      'a OneClick registration without a challenge (4111 1111 1111 1111): settled, profile created',
    run: async (c) => [
      expectStatus(created('sale', await c.sale('4111111111111111', 'registration')), 'settled'),
    ],
  },
  {
    name: 'registration-3ds',
    description: 'a registration with a 3-D Secure challenge (4012 0010 3714 1112), passed: settled',
    run: async (c) => [expectStatus(await challenged(c, 'pass', 'registration-3ds'), 'settled')],
  },
  {
    name: 'challenge-failed',
    description: 'a registration whose 3-D Secure challenge fails (4012 0010 3714 1112): rejected',
    run: async (c) => [expectStatus(await challenged(c, 'fail', 'challenge-failed'), 'rejected')],
  },
  {
    name: 'debit-declined',
    description: 'a registration (4485 2018 1766 4006, settled), then a debit of its profile: rejected',
    run: async (c) => {
      const sale = await c.sale('4485201817664006', 'debit-declined');
      const registration = expectStatus(created('sale', sale), 'settled');
      const profileId = sale.transaction.paymentProfile?.id;
      if (!profileId) throw new Error(`registration ${registration.id} created no profile`);
      const debit = await c.call<TransactionAnswer>('POST', '/transaction/profile', {
        serviceId: c.serviceId,
        paymentProfileId: profileId,
        amount: 4900,
        currency: 'PLN',
        orderId: c.orderId('debit'),
        title: 'kartoteka trigger debit-declined',
      });
      return [registration, expectStatus(created('debit', debit), 'rejected')];
    },
  },
  {
    name: 'refund',
    description: 'a settled sale (4111 1111 1111 1111), then a full refund',
    run: async (c) => {
      const sale = expectStatus(created('sale', await c.sale('4111111111111111', 'refund')), 'settled');
      const refund = await c.call<TransactionAnswer>('POST', `/transaction/${sale.id}/refund`, {
        type: 'refund',
        serviceId: c.serviceId,
        amount: 1999,
      });
      return [sale, expectStatus(created('refund', refund), 'settled')];
    },
  },
  {
    name: 'preauth-capture',
    description: 'a pre-authorised sale (authorized), then its capture: settled (needs a --preauth on shop)',
    run: async (c) => {
      const sale = await authorized(c, 'preauth-capture');
      const captured = await c.call<TransactionAnswer>('POST', `/transaction/${sale.id}/capture`, {});
      return [sale, expectStatus(created('capture', captured), 'settled')];
    },
  },
  {
    name: 'preauth-void',
    description: 'a pre-authorised sale (authorized), then its void: cancelled (needs a --preauth on shop)',
    run: async (c) => {
      const sale = await authorized(c, 'preauth-void');
      const voided = await c.call<TransactionAnswer>('POST', `/transaction/${sale.id}/void`, {});
      return [sale, expectStatus(created('void', voided), 'cancelled')];
    },
  },
];
