import { gatewayExtensionRoot, merchantTransport, transportOf, type MerchantOptions } from './extension.js';
import type { RequestOptions, Transport } from './transport.js';
import type {
  CreateScheduleRequest,
  ListSchedulesQuery,
  ScheduleEventNotification,
  ScheduleListResponse,
  ScheduleResponse,
} from './types/schedule.js';

export interface KartotekaExtensionOptions extends MerchantOptions {
  /** The Kartoteka gateway's origin, e.g. `http://127.0.0.1:8080` (imoje itself has no such endpoints). */
  gatewayUrl: string;
}

const seg = encodeURIComponent;

/**
 * Kartoteka's schedules (`/kartoteka/v1/merchant/{merchantId}/schedules`): the gateway debits a recurring
 * profile every interval, retries declines within the card schemes' rules and sends events. Failures throw the
 * same {@link ApiError} subclasses as {@link KartotekaClient}.
 */
export class SchedulesClient {
  private readonly http: Transport;

  /** Standalone with its own options; `client.schedules` is the same, built from a {@link KartotekaClient}'s. */
  constructor(options: KartotekaExtensionOptions | Transport) {
    this.http = transportOf(options, (o) => {
      if (!o.gatewayUrl) throw new TypeError('SchedulesClient: gatewayUrl is required');
      return merchantTransport('SchedulesClient', gatewayExtensionRoot(o.gatewayUrl), o);
    });
  }

  create(body: CreateScheduleRequest, options?: RequestOptions): Promise<ScheduleResponse> {
    return this.http.request('POST', '/schedules', body, options);
  }

  list(query: ListSchedulesQuery = {}, options?: RequestOptions): Promise<ScheduleListResponse> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.http.request('GET', `/schedules${qs ? `?${qs}` : ''}`, undefined, options);
  }

  get(scheduleId: string, options?: RequestOptions): Promise<ScheduleResponse> {
    return this.http.request('GET', `/schedules/${seg(scheduleId)}`, undefined, options);
  }

  pause(scheduleId: string, options?: RequestOptions): Promise<ScheduleResponse> {
    return this.http.request('POST', `/schedules/${seg(scheduleId)}/pause`, {}, options);
  }

  resume(scheduleId: string, options?: RequestOptions): Promise<ScheduleResponse> {
    return this.http.request('POST', `/schedules/${seg(scheduleId)}/resume`, {}, options);
  }

  cancel(scheduleId: string, options?: RequestOptions): Promise<ScheduleResponse> {
    return this.http.request('POST', `/schedules/${seg(scheduleId)}/cancel`, {}, options);
  }
}

/** Whether a (verified) notification body is a Kartoteka schedule event rather than an imoje notification. */
export function isScheduleEvent(body: unknown): body is ScheduleEventNotification {
  return (
    typeof body === 'object' &&
    body !== null &&
    'kartoteka' in body &&
    typeof (body as { kartoteka: { event?: unknown } }).kartoteka?.event === 'string'
  );
}
