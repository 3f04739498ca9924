import type { RequestOptions, Transport } from './transport.js';
import type { AgreementResponse } from './types/agreement.js';

const seg = encodeURIComponent;

/**
 * Kartoteka's recurring agreements (an extension under `/kartoteka/v1/merchant/{merchantId}`, not part of
 * imoje's API): read the agreement a recurring profile's debits are held to. Declare one with `agreement` on
 * `createTransaction` (a `recurring` registration) or `registerWithoutProfile`.
 */
export class Agreements {
  constructor(private readonly http: Transport) {}

  /** `GET /kartoteka/v1/merchant/{merchantId}/profiles/{id}/agreement`, with its usage; 404 when none. */
  getForProfile(paymentProfileId: string, options?: RequestOptions): Promise<AgreementResponse> {
    return this.http.request('GET', `/profiles/${seg(paymentProfileId)}/agreement`, undefined, options);
  }

  /**
   * `GET /kartoteka/v1/merchant/{merchantId}/transactions/{id}/agreement`: the agreement a registration or
   * `FIRST` payment declared (for profile-less chains), with its usage; 404 when none.
   */
  getForTransaction(transactionId: string, options?: RequestOptions): Promise<AgreementResponse> {
    return this.http.request('GET', `/transactions/${seg(transactionId)}/agreement`, undefined, options);
  }
}
