import { randomBytes } from 'node:crypto';
import type { GatewayTarget } from './gateway-target.js';

/** One transaction a scenario created, for the printout. */
export interface Created {
  role: string;
  id: string;
  status: string;
}

/** What a scenario left besides transactions (a schedule, a test clock), for the printout. */
export interface Outcome {
  transactions: Created[];
  schedule?: { id: string; status: string; cycle: number; cyclesSettled: number };
  testClock?: { serviceId: string; frozenAt: string; reused: boolean };
  /** Lines printed after the table: what was left behind and how to undo it. */
  notes?: string[];
}

export interface Scenario {
  name: string;
  description: string;
  run(client: GatewayClient): Promise<Created[] | Outcome>;
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

  /** imoje's merchant API: `/v1/merchant/{merchantId}{path}`. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.answer<T>(method, `/v1/merchant/${this.target.merchantId}${path}`, body);
  }

  /** Kartoteka's extension: `/kartoteka/v1/merchant/{merchantId}{path}`; `null` when it answers 404. */
  async ext<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | null> {
    const full = `/kartoteka/v1/merchant/${this.target.merchantId}${path}`;
    const res = await this.send(method, full, body);
    if (res.status === 404) return null;
    return this.parsed<T>(method, full, res);
  }

  private async answer<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.parsed<T>(method, path, await this.send(method, path, body));
  }

  private parsed<T>(method: string, path: string, res: { status: number; text: string }): T {
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${method} ${path} answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    }
    return JSON.parse(res.text) as T;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    const url = `${this.target.url}${path}`;
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
    return { status: res.status, text: await res.text() };
  }

  /** A card sale registering a OneClick profile, as in the README's walk-through. */
  sale(
    number: string,
    what: string,
    amount = 1999,
    code: 'oneclick' | 'recurring' = 'oneclick',
    /** The card's expiry year: a few years after now, or after a test clock's time. */
    year = new Date().getUTCFullYear() + 3,
  ): Promise<TransactionAnswer> {
    const cid = `trigger-${this.run}`;
    return this.call<TransactionAnswer>('POST', '/transaction', {
      type: 'sale',
      serviceId: this.serviceId,
      amount,
      currency: 'PLN',
      orderId: this.orderId(what),
      title: `kartoteka trigger ${what}`,
      paymentMethod: 'card',
      paymentMethodCode: code,
      successReturnUrl: 'https://shop.example/ok',
      failureReturnUrl: 'https://shop.example/fail',
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid },
      card: {
        number,
        month: '12',
        year: String(year),
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

interface ClockAnswer {
  testClock: { serviceId: string; frozenAt: string; advancing: boolean };
}
interface ScheduleAnswer {
  schedule: { id: string; status: string; cycle: number; cyclesSettled: number; startAt: number };
}
interface TransactionPage {
  transactions: Array<{ transaction: { id: string; status: string } }>;
}

/** The dunning policy's default spacing is 3.5 days over 14: two declines and the settled retry fit in this. */
const RECURRING_ADVANCE = '15d';

/**
 * A monthly schedule on a card that declines its first two debits (`CODE_05`, soft) then approves, on the
 * shop's test clock (reused if it has one, else frozen now): the clock is advanced so the first cycle is
 * declined, retried per the shop's dunning policy, and recovered. The clock is left frozen (said so in the
 * output) so the shop's time doesn't jump back under the schedule.
 */
async function recurringCycleDeclined(c: GatewayClient): Promise<Outcome> {
  const clockPath = `/test-clock/${c.serviceId}`;
  const existing = await c.ext<ClockAnswer>('GET', clockPath);
  const clock = existing ?? (await c.ext<ClockAnswer>('POST', clockPath, {}));
  if (!clock) throw new Error(`the shop ${c.serviceId} has no test clock and could not start one`);

  const year = new Date(clock.testClock.frozenAt).getUTCFullYear() + 3;
  const sale = await c.sale('4000000000000226', 'recurring-cycle-declined', 4900, 'recurring', year);
  const registration = expectStatus(created('sale', sale), 'settled');
  const profileId = sale.transaction.paymentProfile?.id;
  if (!profileId) throw new Error(`registration ${registration.id} created no profile`);

  // The first cycle a day after the clock's time, so the advance (not the worker, at once) charges it.
  const startAt = Math.floor(Date.parse(clock.testClock.frozenAt) / 1000) + 86_400;
  const created1 = await c.ext<ScheduleAnswer>('POST', '/schedules', {
    paymentProfileId: profileId,
    amount: 4900,
    currency: 'PLN',
    title: 'kartoteka trigger recurring-cycle-declined',
    interval: { unit: 'month', count: 1 },
    startAt,
  });
  if (!created1) throw new Error('POST /schedules answered 404');
  const scheduleId = created1.schedule.id;

  const advanced = await c.ext<ClockAnswer>('POST', `${clockPath}/advance`, { by: RECURRING_ADVANCE });
  const schedule = (await c.ext<ScheduleAnswer>('GET', `/schedules/${scheduleId}`))?.schedule;
  if (!advanced || !schedule) throw new Error(`schedule ${scheduleId} not found after the advance`);

  const page = await c.ext<TransactionPage>(
    'GET',
    `/transactions?orderId=${encodeURIComponent(`${scheduleId}/1`)}&limit=100`,
  );
  // Newest first: the cycle's first debit is the last one listed.
  const attempts = (page?.transactions ?? []).map((t) => t.transaction).reverse();
  const debits = attempts.map((t, i) => ({ role: i === 0 ? 'cycle' : 'retry', id: t.id, status: t.status }));
  if (debits.length === 0)
    throw new Error(`schedule ${scheduleId} charged nothing within ${RECURRING_ADVANCE}`);
  const frozenAt = advanced.testClock.frozenAt;
  return {
    transactions: [registration, ...debits],
    schedule: {
      id: schedule.id,
      status: schedule.status,
      cycle: schedule.cycle,
      cyclesSettled: schedule.cyclesSettled,
    },
    testClock: { serviceId: c.serviceId, frozenAt, reused: existing !== null },
    notes: [
      `schedule ${schedule.id}: ${schedule.status} (cycle ${schedule.cycle}, ${schedule.cyclesSettled} settled); ` +
        `its schedule.* events: notifications?transactionId=${schedule.id}`,
      `The shop's test clock (${existing ? 'already running, reused' : 'started now'}) stays frozen at ` +
        `${frozenAt}: advance it with \`kartoteka clock advance <duration>\`, return the shop to real time ` +
        `with \`kartoteka clock delete --service ${c.serviceId}\`.`,
    ],
  };
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
  {
    name: 'recurring-cycle-declined',
    description:
      "a RECURRING registration (4000 0000 0000 0226) and a monthly schedule on the shop's test clock, " +
      'advanced 15 days: the cycle rejected, retried rejected, retried settled; the schedule active again',
    run: recurringCycleDeclined,
  },
];
