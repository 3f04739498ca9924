import { gatewayExtensionRoot, merchantTransport, transportOf } from './extension.js';
import { Transport, type RequestOptions } from './transport.js';
import type {
  AdvanceTestClockRequest,
  AdvanceTestClockResponse,
  TestClockResponse,
} from './types/test-clock.js';
import type { KartotekaExtensionOptions } from './schedules.js';

export interface TestClocksOptions extends KartotekaExtensionOptions {
  /** Per attempt of an advance, which answers only when everything due in between has run. Default 10 min. */
  advanceTimeoutMs?: number;
}

const seg = encodeURIComponent;

/**
 * A service's test clock (sandbox only): freeze its time, advance it — running everything due in between,
 * in time order — read it, and return it to real time. Kartoteka's extension, under
 * `/kartoteka/v1/merchant/{merchantId}/test-clock/{serviceId}`. Production gateways answer 403
 * (`PermissionError`, code `CLK-ERROR-230403`).
 */
export class TestClocksClient {
  private readonly http: Transport;
  private readonly advanceTimeoutMs: number;

  /**
   * Standalone with its own options; `client.testClocks` is the same, built from a {@link KartotekaClient}'s
   * (its advances wait up to the default 10 min; pass `timeoutMs` per call to change that).
   */
  constructor(options: TestClocksOptions | Transport) {
    this.http = transportOf(options, (o) => {
      if (!o.gatewayUrl) throw new TypeError('TestClocksClient: gatewayUrl is required');
      return merchantTransport('TestClocksClient', gatewayExtensionRoot(o.gatewayUrl), o);
    });
    this.advanceTimeoutMs = (options instanceof Transport ? undefined : options.advanceTimeoutMs) ?? 600_000;
  }

  /** `GET …/test-clock/{serviceId}`; `NotFoundError` (`CLK-ERROR-230404`) when the service has none. */
  get(serviceId: string, options?: RequestOptions): Promise<TestClockResponse> {
    return this.http.request('GET', `/test-clock/${seg(serviceId)}`, undefined, options);
  }

  /** `POST …/test-clock/{serviceId}`: starts the clock frozen at `frozenAt` (ISO 8601; default now). */
  freeze(serviceId: string, frozenAt?: string, options?: RequestOptions): Promise<TestClockResponse> {
    return this.http.request('POST', `/test-clock/${seg(serviceId)}`, frozenAt ? { frozenAt } : {}, options);
  }

  /**
   * `POST …/test-clock/{serviceId}/advance`: `{ by: '1mo' }` or `{ to: '2028-01-01' }`; resolves when
   * everything due in between has run. Retried attempts carry the same Idempotency-Key, so a lost answer
   * never advances twice. Without a request, finishes an interrupted advance. `ConflictError`
   * (`CLK-ERROR-230410`) while another advance of the service runs.
   */
  advance(
    serviceId: string,
    request?: AdvanceTestClockRequest,
    options: RequestOptions = {},
  ): Promise<AdvanceTestClockResponse> {
    return this.http.request('POST', `/test-clock/${seg(serviceId)}/advance`, request ?? {}, {
      timeoutMs: this.advanceTimeoutMs,
      ...options,
    });
  }

  /** `DELETE …/test-clock/{serviceId}`: the service returns to real time. */
  delete(serviceId: string, options?: RequestOptions): Promise<{ testClock: null }> {
    return this.http.request('DELETE', `/test-clock/${seg(serviceId)}`, undefined, options);
  }
}
