import type { Kysely, Selectable } from 'kysely';
import type { AgreementTerms } from '../domain/agreement.js';
import type { Currency } from '../domain/money.js';
import type { PaymentLink, PaymentLinkStatus } from '../domain/payment-link.js';
import type { Database, PaymentLinksTable } from './schema.js';

function fromRow({ agreement, ...r }: Selectable<PaymentLinksTable>): PaymentLink {
  return {
    ...r,
    agreement: agreement === null ? null : (JSON.parse(agreement) as AgreementTerms),
    amount: Number(r.amount),
    currency: r.currency as Currency,
    visibleMethod: r.visibleMethod === '' ? [] : r.visibleMethod.split(','),
    validTo: Number(r.validTo),
    status: r.status as PaymentLinkStatus,
    createdAt: Number(r.createdAt),
    modifiedAt: Number(r.modifiedAt),
  };
}

export class PaymentLinkRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(link: PaymentLink): Promise<void> {
    await this.db
      .insertInto('paymentLinks')
      .values({
        ...link,
        visibleMethod: link.visibleMethod.join(','),
        agreement: link.agreement ? JSON.stringify(link.agreement) : null,
      })
      .execute();
  }

  /** A link is looked up by its id alone on the paywall: the id is unguessable and is what the payer holds. */
  async get(id: string): Promise<PaymentLink | undefined> {
    const row = await this.db.selectFrom('paymentLinks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async getOwned(merchantId: string, id: string): Promise<PaymentLink | undefined> {
    const row = await this.db
      .selectFrom('paymentLinks')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** `active` → `cancelled`; false when it was not active. */
  async cancel(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('paymentLinks')
      .set({ status: 'cancelled', modifiedAt: now })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
