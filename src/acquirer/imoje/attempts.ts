import type { Kysely } from 'kysely';
import type { AcquirerOperation, AcquirerResult } from '../acquirer.js';
import type { Database } from '../../storage/schema.js';

type Row = Database['imojeAttempts'];

export interface Attempt {
  reference: string;
  operation: AcquirerOperation;
  serviceId: string;
  saleReference: string | null;
  amount: number;
  state: 'asking' | 'answered';
  upstreamId: string | null;
  result: AcquirerResult | undefined;
  askedAt: number;
}

function toAttempt(row: Row): Attempt {
  return {
    reference: row.reference,
    operation: row.operation as AcquirerOperation,
    serviceId: row.serviceId,
    saleReference: row.saleReference,
    amount: Number(row.amount),
    state: row.state as Attempt['state'],
    upstreamId: row.upstreamId,
    result:
      row.outcome && row.code
        ? {
            outcome: row.outcome as AcquirerResult['outcome'],
            code: row.code,
            networkTxnId: row.networkTxnId ?? undefined,
          }
        : undefined,
    askedAt: Number(row.askedAt),
  };
}

/**
 * What the imoje connector asked upstream, on the gateway's database. `begin` commits before the request
 * leaves, so after any crash a reference either has no row (never sent) or has one (sent, or maybe sent).
 */
export class AttemptBook {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records that we are about to ask; false when the reference was asked before (then it is never re-sent). */
  async begin(a: Omit<Attempt, 'state' | 'upstreamId' | 'result'>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('imojeAttempts')
      .values({
        reference: a.reference,
        operation: a.operation,
        serviceId: a.serviceId,
        saleReference: a.saleReference,
        amount: a.amount,
        state: 'asking',
        upstreamId: null,
        outcome: null,
        code: null,
        networkTxnId: null,
        askedAt: a.askedAt,
        answeredAt: null,
      })
      .onConflict((oc) => oc.columns(['reference', 'operation']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** An answer known not to need upstream (e.g. a request refused before sending): recorded as final. */
  async answerWithoutAsking(
    a: Omit<Attempt, 'state' | 'upstreamId' | 'result'>,
    result: AcquirerResult,
  ): Promise<Attempt> {
    await this.begin(a);
    await this.answer(a.reference, a.operation, null, result, a.askedAt);
    return (await this.find(a.reference, a.operation))!;
  }

  /** Upstream's transaction id, as soon as it is known (the outcome may still be pending upstream). */
  async identify(reference: string, operation: AcquirerOperation, upstreamId: string): Promise<void> {
    await this.db
      .updateTable('imojeAttempts')
      .set({ upstreamId })
      .where('reference', '=', reference)
      .where('operation', '=', operation)
      .where('upstreamId', 'is', null)
      .execute();
  }

  /** The final outcome; the first one recorded stands. Returns whichever is stored. */
  async answer(
    reference: string,
    operation: AcquirerOperation,
    upstreamId: string | null,
    result: AcquirerResult,
    now: number,
  ): Promise<AcquirerResult> {
    await this.db
      .updateTable('imojeAttempts')
      .set({
        state: 'answered',
        ...(upstreamId ? { upstreamId } : {}),
        outcome: result.outcome,
        code: result.code,
        networkTxnId: result.networkTxnId ?? null,
        answeredAt: now,
      })
      .where('reference', '=', reference)
      .where('operation', '=', operation)
      .where('state', '=', 'asking')
      .execute();
    return (await this.find(reference, operation))?.result ?? result;
  }

  /** The request provably never reached upstream: forget it, so that "no row" keeps meaning "never sent". */
  async forget(reference: string, operation: AcquirerOperation): Promise<void> {
    await this.db
      .deleteFrom('imojeAttempts')
      .where('reference', '=', reference)
      .where('operation', '=', operation)
      .where('state', '=', 'asking')
      .where('upstreamId', 'is', null)
      .execute();
  }

  async find(reference: string, operation: AcquirerOperation): Promise<Attempt | undefined> {
    const row = await this.db
      .selectFrom('imojeAttempts')
      .selectAll()
      .where('reference', '=', reference)
      .where('operation', '=', operation)
      .executeTakeFirst();
    return row && toAttempt(row);
  }

  /** Refunds of a sale still waiting for an answer whose upstream id never came back. */
  async unidentifiedRefunds(saleReference: string, amount: number): Promise<Attempt[]> {
    const rows = await this.db
      .selectFrom('imojeAttempts')
      .selectAll()
      .where('saleReference', '=', saleReference)
      .where('operation', '=', 'refund')
      .where('state', '=', 'asking')
      .where('upstreamId', 'is', null)
      .where('amount', '=', amount)
      .execute();
    return rows.map(toAttempt);
  }

  async findByUpstreamId(upstreamId: string, operation: AcquirerOperation): Promise<Attempt | undefined> {
    const row = await this.db
      .selectFrom('imojeAttempts')
      .selectAll()
      .where('upstreamId', '=', upstreamId)
      .where('operation', '=', operation)
      .executeTakeFirst();
    return row && toAttempt(row);
  }
}
