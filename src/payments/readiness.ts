import type { Dialect } from '../storage/connect.js';
import type { PaymentsDeps } from './deps.js';

/** Readiness for load balancers: one round trip to the database; throws when it does not answer. */
export async function databaseReady(deps: PaymentsDeps): Promise<Dialect> {
  await deps.storage.ping();
  return deps.storage.dialect;
}
