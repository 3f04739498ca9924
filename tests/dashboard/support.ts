import { expect } from 'vitest';
import type { TestGateway, TestMerchant } from '../support/gateway.js';
import { answerChallenge } from '../support/challenge.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';

/** The test cards these tests pay with: none may ever appear in clear on a page. */
export const CHALLENGE_PAN = '4012001037141112';
export const PLAIN_PAN = '4111111111111111';
export const TEST_PANS = [CHALLENGE_PAN, PLAIN_PAN];

function cookieOf(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const [k, v] = pair!.split('=');
    if (k === name) return v;
  }
  return undefined;
}

export function hiddenCsrf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  expect(m, 'the page has a CSRF field').not.toBeNull();
  return m![1]!;
}

/** A browser-less dashboard client: the sign-in form as a browser submits it, then pages with the cookie. */
export class DashboardClient {
  private constructor(
    readonly base: string,
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  /** Submits the sign-in form; the answer when it did not sign in. */
  static async trySignIn(base: string, token: string): Promise<DashboardClient | Response> {
    const page = await fetch(`${base}/dashboard/sign-in`);
    const pre = cookieOf(page, 'kartoteka_sign_in')!;
    const csrf = hiddenCsrf(await page.text());
    const res = await fetch(`${base}/dashboard/sign-in`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `kartoteka_sign_in=${pre}`,
        origin: base,
      },
      body: new URLSearchParams({ csrf, token }).toString(),
      redirect: 'manual',
    });
    const session = cookieOf(res, 'kartoteka_dashboard');
    if (res.status !== 303 || !session) return res;
    const overview = await fetch(`${base}/dashboard/overview`, {
      headers: { cookie: `kartoteka_dashboard=${session}` },
    });
    expect(overview.status).toBe(200);
    return new DashboardClient(base, session, hiddenCsrf(await overview.text()));
  }

  static async signIn(base: string, token: string): Promise<DashboardClient> {
    const c = await DashboardClient.trySignIn(base, token);
    if (c instanceof Response) throw new Error(`sign-in refused: ${c.status}`);
    return c;
  }

  async get(path: string): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(this.base + path, {
      headers: { cookie: `kartoteka_dashboard=${this.cookie}` },
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(this.base + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `kartoteka_dashboard=${this.cookie}`,
        origin: this.base,
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  }
}

export interface Scenario {
  cid: string;
  registrationId: string;
  profileId: string;
  debitId: string;
}

/** A OneClick registration through a 3-D Secure challenge (passed), then a debit of the profile it created. */
export async function registerWithChallengeAndDebit(m: TestMerchant): Promise<Scenario> {
  const cid = uniqueCid();
  const reg = await m.api.post<{ transaction: { id: string }; action: { url: string } }>(
    '/transaction',
    saleBody(
      m.serviceId,
      { customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid } },
      { number: CHALLENGE_PAN },
    ),
  );
  expect(reg.status).toBe(200);
  const answered = await answerChallenge(reg.body.action.url, 'pass');
  expect(answered.status).toBeLessThan(400);
  const read = await m.api.get<{ transaction: { status: string; paymentProfile: { id: string } } }>(
    `/transaction/${reg.body.transaction.id}`,
  );
  expect(read.body.transaction.status).toBe('settled');
  const profileId = read.body.transaction.paymentProfile.id;
  const debit = await m.api.post<{ transaction: { id: string; status: string } }>(
    '/transaction/profile',
    debitBody(m.serviceId, profileId),
  );
  expect(debit.body.transaction.status).toBe('settled');
  return { cid, registrationId: reg.body.transaction.id, profileId, debitId: debit.body.transaction.id };
}

export async function drainNotifications(gw: TestGateway): Promise<void> {
  for (let i = 0; i < 20; i++) if (!(await gw.gateway.worker.tick())) return;
}
