import { Transport, type RequestOptions } from './transport.js';
import type {
  CreateScheduleRequest,
  ListSchedulesQuery,
  ScheduleEventNotification,
  ScheduleListResponse,
  ScheduleResponse,
} from './types/schedule.js';

export interface KartotekaExtensionOptions {
  merchantId: string;
  token: string;
  /** The Kartoteka gateway's origin, e.g. `http://127.0.0.1:8080` (imoje itself has no such endpoints). */
  gatewayUrl: string;
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const seg = encodeURIComponent;

/**
 * Kartoteka's schedules (`/kartoteka/v1/merchant/{merchantId}/schedules`): the gateway debits a recurring
 * profile every interval, retries declines within the card schemes' rules and sends events. Failures throw the
 * same {@link ApiError} subclasses as {@link KartotekaClient}.
 */
export class SchedulesClient {
  private readonly http: Transport;

  constructor(options: KartotekaExtensionOptions) {
    if (!options.merchantId) throw new TypeError('SchedulesClient: merchantId is required');
    if (!options.token) throw new TypeError('SchedulesClient: token is required');
    if (!options.gatewayUrl) throw new TypeError('SchedulesClient: gatewayUrl is required');
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.http = new Transport({
      root: `${options.gatewayUrl.replace(/\/+$/, '')}/kartoteka/v1/merchant/${seg(options.merchantId)}`,
      token: options.token,
      fetch: options.fetch ?? fetchImpl.bind(globalThis),
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 8000,
      timeoutMs: options.timeoutMs ?? 30_000,
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
