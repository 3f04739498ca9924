/** What the test clock view needs (payments' `TestClockState`). */
export interface TestClockSource {
  serviceId: string;
  frozenAt: number;
  advancingTo: number | null;
  advancing: boolean;
}

export interface TestClockView {
  serviceId: string;
  frozenAt: string;
  advancingTo: string | null;
  advancing: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Kartoteka's extension shape (not imoje's): times as ISO 8601 UTC. */
export function testClockView(c: TestClockSource): TestClockView {
  return {
    serviceId: c.serviceId,
    frozenAt: iso(c.frozenAt),
    advancingTo: c.advancingTo === null ? null : iso(c.advancingTo),
    advancing: c.advancing,
  };
}

export function advanceView(r: { from: number; to: number; steps: number; handled: Record<string, number> }) {
  return { from: iso(r.from), to: iso(r.to), steps: r.steps, handled: r.handled };
}
