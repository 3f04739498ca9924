import type { DailyVolume } from '../storage/transaction-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { DailyVolume };

const DAY = 86_400_000;

/** The last `days` UTC days of sales (today included): one grouped query. */
export async function dailyVolume(
  deps: PaymentsDeps,
  merchantId: string | null,
  days = 14,
): Promise<{ days: number[]; rows: DailyVolume[] }> {
  const today = Math.floor(deps.clock.now() / DAY);
  const first = today - days + 1;
  const rows = await deps.storage.repos.transactions.dailyVolume(merchantId, first * DAY);
  return { days: Array.from({ length: days }, (_, i) => first + i), rows };
}
