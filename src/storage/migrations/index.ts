import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_vault_canary.js';
import * as m0003 from './0003_widget_orders.js';
import * as m0004 from './0004_sealed_service_keys.js';
import * as m0005 from './0005_acquirer_deadline.js';
import * as m0006 from './0006_shop_limits.js';
import * as m0007 from './0007_authorized_amount.js';
import * as m0008 from './0008_payment_links.js';
import * as m0009 from './0009_imoje_attempts.js';
import * as m0010 from './0010_agreements.js';
import * as m0011 from './0011_schedules.js';
import * as m0012 from './0012_test_clocks.js';
import * as m0013 from './0013_widget_sessions.js';
import * as m0014 from './0014_webhook_inbox.js';
import * as m0015 from './0015_dashboard.js';
import * as m0016 from './0016_schedule_notice_indexes.js';
import * as m0017 from './0017_reattempt_in_flight.js';
import * as m0018 from './0018_widget_origins.js';

/** Every migration, in order. Numbered and append-only: the same list runs on SQLite and PostgreSQL. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_vault_canary': m0002,
  '0003_widget_orders': m0003,
  '0004_sealed_service_keys': m0004,
  '0005_acquirer_deadline': m0005,
  '0006_shop_limits': m0006,
  '0007_authorized_amount': m0007,
  '0008_payment_links': m0008,
  '0009_imoje_attempts': m0009,
  '0010_agreements': m0010,
  '0011_schedules': m0011,
  '0012_test_clocks': m0012,
  '0013_widget_sessions': m0013,
  '0014_webhook_inbox': m0014,
  '0015_dashboard': m0015,
  '0016_schedule_notice_indexes': m0016,
  '0017_reattempt_in_flight': m0017,
  '0018_widget_origins': m0018,
};
