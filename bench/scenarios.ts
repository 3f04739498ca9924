import type autocannon from 'autocannon';
import { benchUuid, frictionlessCardNumber, scatter } from './ids.js';

export interface Target {
  /** The database server's program on this machine, whose CPU time each measurement also reads. */
  databaseProgram?: 'postgres' | undefined;
  merchantId: string;
  serviceId: string;
  token: string;
  /** Profiles seeded so far: debits and reads pick among ids 0..profiles-1. */
  profiles: number;
  /**
   * Several load generators at once (`--instances`): generator `lane` of `lanes` takes every lanes-th request
   * number, so their orderIds and profiles never collide.
   */
  lane?: number;
  lanes?: number;
}

export type ScenarioName = 'floor' | 'debit' | 'register' | 'read' | 'mixed';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A new counter per run, shared by every autocannon connection, so ids never repeat within a run. */
function counter(t?: Target): () => number {
  const lanes = t?.lanes ?? 1;
  const lane = t?.lane ?? 0;
  let k = 0;
  return () => k++ * lanes + lane;
}

const runTag = Date.now().toString(36);
const expiryYear = String(new Date().getUTCFullYear() + 3);

function authHeaders(t: Target, json: boolean): Record<string, string> {
  return { authorization: `Bearer ${t.token}`, ...(json ? JSON_HEADERS : {}) };
}

function debitBody(t: Target, profileIndex: number, k: number): string {
  return JSON.stringify({
    serviceId: t.serviceId,
    paymentProfileId: benchUuid('profile', profileIndex),
    amount: 1999,
    currency: 'PLN',
    orderId: `bench-${runTag}-${k}`,
    title: 'Bench debit',
  });
}

/** Debits distinct profiles in a scattered order (every profile once before any repeats), unique orderIds. */
function debit(t: Target): autocannon.Request {
  const next = counter(t);
  const pick = scatter(t.profiles);
  return {
    method: 'POST',
    path: `/v1/merchant/${t.merchantId}/transaction/profile`,
    headers: authHeaders(t, true),
    setupRequest: (req) => {
      const k = next();
      return { ...req, body: debitBody(t, pick(k), k) };
    },
  };
}

/** A frictionless OneClick registration: a new card (so a new vault record) under a new cid every time. */
function register(t: Target): autocannon.Request {
  const next = counter();
  return {
    method: 'POST',
    path: `/v1/merchant/${t.merchantId}/transaction`,
    headers: authHeaders(t, true),
    setupRequest: (req) => {
      const k = next();
      return {
        ...req,
        body: JSON.stringify({
          type: 'sale',
          serviceId: t.serviceId,
          amount: 2500,
          currency: 'PLN',
          orderId: `reg-${runTag}-${k}`,
          title: 'Bench registration',
          paymentMethod: 'card',
          paymentMethodCode: 'oneclick',
          successReturnUrl: 'https://shop.example/ok',
          failureReturnUrl: 'https://shop.example/fail',
          customer: {
            firstName: 'Jan',
            lastName: 'Kowalski',
            email: 'jan@example.com',
            cid: `r-${runTag}-${k}`,
          },
          card: {
            number: frictionlessCardNumber(5_000_000_000_000 + k),
            month: '12',
            year: expiryYear,
            cvv: '123',
            firstName: 'Jan',
            lastName: 'Kowalski',
          },
          additionalData: {
            browser: { ip: '127.0.0.1', language: 'pl-PL', jsEnabled: true, timezoneOffset: -60 },
          },
        }),
      };
    },
  };
}

function read(t: Target): autocannon.Request {
  const next = counter();
  const pick = scatter(t.profiles);
  return {
    method: 'GET',
    path: '/',
    headers: authHeaders(t, false),
    setupRequest: (req) => ({
      ...req,
      path: `/v1/merchant/${t.merchantId}/profile/id/${benchUuid('profile', pick(next()))}`,
    }),
  };
}

/** The floor's route takes the debit's body shape. */
function floor(t: Target): autocannon.Request {
  const next = counter();
  const pick = scatter(t.profiles);
  return {
    method: 'POST',
    path: '/floor/payment',
    headers: JSON_HEADERS,
    setupRequest: (req) => {
      const k = next();
      return { ...req, body: debitBody(t, pick(k), k) };
    },
  };
}

/**
 * 80 % debits, 15 % registrations, 5 % reads: every connection walks the same 20-request cycle, so the mix is
 * exact rather than sampled.
 */
function mixed(t: Target): autocannon.Request[] {
  const d = debit(t);
  const r = register(t);
  const g = read(t);
  const cycle: autocannon.Request[] = [];
  for (let i = 0; i < 20; i++) cycle.push(i === 19 ? g : i % 6 === 5 ? r : d);
  return cycle;
}

export function requestsFor(name: ScenarioName, t: Target): autocannon.Request[] {
  switch (name) {
    case 'floor':
      return [floor(t)];
    case 'debit':
      return [debit(t)];
    case 'register':
      return [register(t)];
    case 'read':
      return [read(t)];
    case 'mixed':
      return mixed(t);
  }
}
