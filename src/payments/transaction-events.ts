import { newId } from '../domain/ids.js';
import type { TransactionEventRow } from '../storage/event-repo.js';

/** A 3-D Secure step of the timeline: asked for (`challenge`), or answered (`passed`/`failed`). */
export function challengeEvent(
  transactionId: string,
  at: number,
  kind: 'challenge' | 'challenge-answered',
  detail: 'passed' | 'failed' | null,
): TransactionEventRow {
  return { id: newId(), transactionId, at, kind, status: null, code: null, detail };
}
