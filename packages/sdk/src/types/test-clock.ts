/** A service's test clock (Kartoteka's extension, sandbox only). Times are ISO 8601 UTC. */
export interface TestClock {
  serviceId: string;
  /** The service's frozen time: its payments, expiries and notification retries carry it. */
  frozenAt: string;
  /** Where an advance running (or one interrupted, not yet finished) is going. */
  advancingTo: string | null;
  /** Whether an advance holds the clock right now. */
  advancing: boolean;
}

export interface TestClockResponse {
  testClock: TestClock;
}

/** What an advance did: where it went, how many moments it stopped at, and what it handled of each kind. */
export interface AdvanceReport {
  from: string;
  to: string;
  steps: number;
  /** Per kind of due work: `challenge-expiry`, `notifications`, `idempotency-expiry`, … */
  handled: Record<string, number>;
}

export interface AdvanceTestClockResponse extends TestClockResponse {
  advance: AdvanceReport;
}

/** `by`: a duration (`1mo`, `7d`, `1y2mo`, `36h`, `P1M` …); `to`: an ISO 8601 date or date-time. */
export type AdvanceTestClockRequest = { by: string; to?: never } | { to: string; by?: never };
