table agreement_debits (
  transaction_id text not null,
  agreement_id text not null,
  created_at bigint not null
);

table agreements (
  id text not null,
  merchant_id text not null,
  transaction_id text not null,
  network_txn_id text,
  profile_id text,
  amount bigint,
  max_amount bigint,
  currency text not null,
  interval_unit text,
  interval_count integer,
  min_days integer,
  start_at bigint,
  expires_at bigint,
  max_cycles integer,
  created_at bigint not null,
  activated_at bigint
);

table api_tokens (
  id text not null,
  merchant_id text not null,
  token_hash text not null,
  label text not null,
  created_at bigint not null,
  revoked_at bigint
);

table card_retry_states (
  merchant_id text not null,
  fingerprint text not null,
  last_decline_at bigint,
  decline_class text,
  retry_after bigint,
  hard_declined_at bigint,
  declined_expiry text,
  window_started_at bigint,
  reattempts integer not null,
  modified_at bigint not null,
  reattempt_in_flight text
);

table cards (
  id text not null,
  merchant_id text not null,
  fingerprint text not null,
  key_version integer not null,
  wrapped_key text not null,
  encrypted_pan text not null,
  brand text not null,
  last4 text not null,
  month text not null,
  year text not null,
  first_name text not null,
  last_name text not null,
  created_at bigint not null
);

table dashboard_sessions (
  id_hash text not null,
  merchant_id text,
  operator integer not null,
  token_hash text,
  csrf_token text not null,
  created_at bigint not null,
  expires_at bigint not null
);

table idempotency_keys (
  merchant_id text not null,
  key text not null,
  request_hash text not null,
  state text not null,
  response_status integer,
  response_body text,
  transaction_id text,
  created_at bigint not null,
  expires_at bigint not null,
  lease_until bigint not null,
  clock_shop_id text
);

table imoje_attempts (
  reference text not null,
  operation text not null,
  service_id text not null,
  sale_reference text,
  amount bigint not null,
  state text not null,
  upstream_id text,
  outcome text,
  code text,
  network_txn_id text,
  asked_at bigint not null,
  answered_at bigint
);

table inbox_messages (
  id text not null,
  merchant_id text not null,
  service_id text not null,
  received_at bigint not null,
  headers text not null,
  body_base64 text not null,
  signature text,
  verified integer not null,
  transaction_id text,
  event text
);

table kysely_migration (
  name character varying not null,
  timestamp character varying not null
);

table kysely_migration_lock (
  id character varying not null,
  is_locked integer not null
);

table merchants (
  id text not null,
  name text not null,
  created_at bigint not null
);

table notification_attempts (
  id text not null,
  notification_id text not null,
  attempted_at bigint not null,
  http_status integer,
  error text,
  duration_ms integer not null,
  url text,
  signature text,
  response_excerpt text
);

table notifications (
  id text not null,
  ordinal integer not null,
  transaction_id text not null,
  merchant_id text not null,
  service_id text not null,
  url text,
  body text not null,
  status text not null,
  attempts integer not null,
  next_attempt_at bigint not null,
  last_error text,
  created_at bigint not null,
  delivered_at bigint,
  locked_by text,
  locked_until bigint
);

table payment_links (
  id text not null,
  merchant_id text not null,
  service_id text not null,
  amount bigint not null,
  currency text not null,
  order_id text not null,
  title text not null,
  customer_first_name text not null,
  customer_last_name text not null,
  customer_email text not null,
  customer_phone text,
  customer_cid text,
  visible_method text not null,
  preselect_method_code text,
  return_url text,
  success_return_url text,
  failure_return_url text,
  notification_url text,
  valid_to bigint not null,
  status text not null,
  created_at bigint not null,
  modified_at bigint not null,
  agreement text
);

table payment_profiles (
  id text not null,
  merchant_id text not null,
  service_id text not null,
  cid text not null,
  type text not null,
  is_active integer not null,
  card_id text not null,
  fingerprint text not null,
  first_name text not null,
  last_name text not null,
  email text not null,
  first_transaction_id text not null,
  created_at bigint not null,
  modified_at bigint not null
);

table request_log (
  id text not null,
  merchant_id text not null,
  at bigint not null,
  method text not null,
  path text not null,
  status integer not null,
  duration_ms integer not null,
  request_body text,
  response_body text
);

table sandbox_ledger (
  reference text not null,
  operation text not null,
  sale_reference text,
  amount bigint not null,
  currency text not null,
  masked_pan text,
  initiator text,
  stored_credential text,
  quoted_network_txn_id text,
  three_ds text,
  captured integer not null,
  outcome text not null,
  code text not null,
  network_txn_id text,
  created_at bigint not null,
  recurring text,
  merchant_advice text
);

table schedule_attempts (
  schedule_id text not null,
  cycle integer not null,
  attempt integer not null,
  transaction_id text not null,
  created_at bigint not null
);

table schedules (
  id text not null,
  merchant_id text not null,
  service_id text not null,
  profile_id text not null,
  amount bigint not null,
  currency text not null,
  title text not null,
  interval_unit text not null,
  interval_count integer not null,
  start_at bigint not null,
  end_at bigint,
  max_cycles integer,
  status text not null,
  end_reason text,
  cycle integer not null,
  cycle_due_at bigint not null,
  attempts integer not null,
  charge_at bigint,
  notice_at bigint,
  expiry_notice_at bigint,
  blocked_card_id text,
  cycles_settled integer not null,
  last_transaction_id text,
  lease_owner text,
  lease_until bigint,
  created_at bigint not null,
  modified_at bigint not null
);

table shops (
  id text not null,
  merchant_id text not null,
  name text not null,
  service_key text not null,
  pci_enabled integer not null,
  preauth_enabled integer not null,
  notification_url text,
  created_at bigint not null,
  service_key_version integer,
  min_transaction bigint not null,
  max_transaction bigint not null,
  agreement_required integer not null,
  retry_attempts integer not null,
  retry_window_days integer not null,
  notice_days integer not null,
  test_clock_at bigint,
  test_clock_target bigint,
  test_clock_owner text,
  test_clock_lease_until bigint,
  widget_origins text
);

table transaction_events (
  id text not null,
  transaction_id text not null,
  at bigint not null,
  kind text not null,
  status text,
  code text,
  detail text
);

table transactions (
  id text not null,
  merchant_id text not null,
  service_id text not null,
  type text not null,
  status text not null,
  stage text not null,
  source text not null,
  amount bigint not null,
  currency text not null,
  order_id text not null,
  title text not null,
  payment_method_code text not null,
  notification_url text,
  success_return_url text,
  failure_return_url text,
  customer text,
  card_id text,
  profile_id text,
  registers text,
  profile_variant text,
  initiator text not null,
  status_code text,
  network_txn_id text,
  quoted_network_txn_id text,
  parent_id text,
  created_at bigint not null,
  modified_at bigint not null,
  challenge_expires_at bigint,
  acquirer_deadline bigint,
  authorized_amount bigint,
  cid text
);

table vault_canary (
  id text not null,
  sealed text not null,
  created_at bigint not null
);

table widget_orders (
  service_id text not null,
  order_id text not null,
  amount bigint not null,
  currency text not null,
  state text not null,
  transaction_id text not null,
  created_at bigint not null,
  modified_at bigint not null
);

table widget_sessions (
  id_hash text not null,
  service_id text not null,
  state text not null,
  transaction_id text,
  document text not null,
  created_at bigint not null,
  modified_at bigint not null,
  expires_at bigint not null
);

CREATE INDEX agreement_debits_agreement ON public.agreement_debits USING btree (agreement_id, created_at);

CREATE UNIQUE INDEX agreement_debits_pkey ON public.agreement_debits USING btree (transaction_id);

CREATE UNIQUE INDEX agreements_network ON public.agreements USING btree (merchant_id, network_txn_id);

CREATE UNIQUE INDEX agreements_pkey ON public.agreements USING btree (id);

CREATE UNIQUE INDEX agreements_transaction_id_key ON public.agreements USING btree (transaction_id);

CREATE UNIQUE INDEX api_tokens_pkey ON public.api_tokens USING btree (id);

CREATE UNIQUE INDEX api_tokens_token_hash_key ON public.api_tokens USING btree (token_hash);

CREATE UNIQUE INDEX card_retry_states_pk ON public.card_retry_states USING btree (merchant_id, fingerprint);

CREATE UNIQUE INDEX cards_pkey ON public.cards USING btree (id);

CREATE INDEX dashboard_sessions_expiry ON public.dashboard_sessions USING btree (expires_at);

CREATE UNIQUE INDEX dashboard_sessions_pkey ON public.dashboard_sessions USING btree (id_hash);

CREATE INDEX idempotency_keys_clock_shop ON public.idempotency_keys USING btree (clock_shop_id, expires_at);

CREATE INDEX idempotency_keys_expiry ON public.idempotency_keys USING btree (expires_at);

CREATE UNIQUE INDEX idempotency_keys_pk ON public.idempotency_keys USING btree (merchant_id, key);

CREATE UNIQUE INDEX imoje_attempts_pk ON public.imoje_attempts USING btree (reference, operation);

CREATE INDEX imoje_attempts_upstream ON public.imoje_attempts USING btree (upstream_id);

CREATE INDEX inbox_messages_merchant ON public.inbox_messages USING btree (merchant_id, received_at, id);

CREATE UNIQUE INDEX inbox_messages_pkey ON public.inbox_messages USING btree (id);

CREATE UNIQUE INDEX kysely_migration_pkey ON public.kysely_migration USING btree (name);

CREATE UNIQUE INDEX kysely_migration_lock_pkey ON public.kysely_migration_lock USING btree (id);

CREATE UNIQUE INDEX merchants_pkey ON public.merchants USING btree (id);

CREATE INDEX notification_attempts_notification ON public.notification_attempts USING btree (notification_id);

CREATE UNIQUE INDEX notification_attempts_pkey ON public.notification_attempts USING btree (id);

CREATE INDEX notifications_due ON public.notifications USING btree (status, next_attempt_at);

CREATE INDEX notifications_merchant_created ON public.notifications USING btree (merchant_id, created_at, id);

CREATE UNIQUE INDEX notifications_pkey ON public.notifications USING btree (id);

CREATE INDEX notifications_transaction ON public.notifications USING btree (transaction_id, ordinal);

CREATE INDEX payment_links_merchant ON public.payment_links USING btree (merchant_id, id);

CREATE UNIQUE INDEX payment_links_pkey ON public.payment_links USING btree (id);

CREATE UNIQUE INDEX payment_profiles_active_type ON public.payment_profiles USING btree (merchant_id, cid, type) WHERE (is_active = 1);

CREATE INDEX payment_profiles_cid ON public.payment_profiles USING btree (merchant_id, cid);

CREATE UNIQUE INDEX payment_profiles_pkey ON public.payment_profiles USING btree (id);

CREATE INDEX request_log_merchant ON public.request_log USING btree (merchant_id, at, id);

CREATE UNIQUE INDEX request_log_pkey ON public.request_log USING btree (id);

CREATE UNIQUE INDEX sandbox_ledger_pk ON public.sandbox_ledger USING btree (reference, operation);

CREATE INDEX sandbox_ledger_sale ON public.sandbox_ledger USING btree (sale_reference);

CREATE UNIQUE INDEX schedule_attempts_pk ON public.schedule_attempts USING btree (schedule_id, cycle, attempt);

CREATE INDEX schedules_charge ON public.schedules USING btree (charge_at);

CREATE INDEX schedules_expiry_notice ON public.schedules USING btree (expiry_notice_at);

CREATE INDEX schedules_merchant ON public.schedules USING btree (merchant_id, created_at);

CREATE INDEX schedules_notice ON public.schedules USING btree (notice_at);

CREATE UNIQUE INDEX schedules_pkey ON public.schedules USING btree (id);

CREATE INDEX schedules_shop_charge ON public.schedules USING btree (service_id, charge_at);

CREATE INDEX schedules_shop_expiry_notice ON public.schedules USING btree (service_id, expiry_notice_at);

CREATE INDEX schedules_shop_notice ON public.schedules USING btree (service_id, notice_at);

CREATE INDEX shops_merchant ON public.shops USING btree (merchant_id);

CREATE UNIQUE INDEX shops_pkey ON public.shops USING btree (id);

CREATE UNIQUE INDEX transaction_events_pkey ON public.transaction_events USING btree (id);

CREATE INDEX transaction_events_transaction ON public.transaction_events USING btree (transaction_id, at);

CREATE INDEX transactions_merchant_cid ON public.transactions USING btree (merchant_id, cid, created_at);

CREATE INDEX transactions_merchant_created ON public.transactions USING btree (merchant_id, created_at, id);

CREATE INDEX transactions_merchant_order ON public.transactions USING btree (merchant_id, order_id);

CREATE INDEX transactions_merchant_status ON public.transactions USING btree (merchant_id, status, created_at, id);

CREATE INDEX transactions_network ON public.transactions USING btree (merchant_id, network_txn_id);

CREATE INDEX transactions_parent ON public.transactions USING btree (parent_id);

CREATE UNIQUE INDEX transactions_pkey ON public.transactions USING btree (id);

CREATE INDEX transactions_stage ON public.transactions USING btree (stage, created_at);

CREATE UNIQUE INDEX vault_canary_pkey ON public.vault_canary USING btree (id);

CREATE UNIQUE INDEX widget_orders_pk ON public.widget_orders USING btree (service_id, order_id, amount, currency);

CREATE INDEX widget_orders_transaction ON public.widget_orders USING btree (transaction_id);

CREATE INDEX widget_sessions_expiry ON public.widget_sessions USING btree (expires_at);

CREATE UNIQUE INDEX widget_sessions_pkey ON public.widget_sessions USING btree (id_hash);

CREATE INDEX widget_sessions_transaction ON public.widget_sessions USING btree (transaction_id);
