CREATE TABLE "agreement_debits" ("transaction_id" text primary key, "agreement_id" text not null, "created_at" bigint not null);

CREATE TABLE "agreements" ("id" text primary key, "merchant_id" text not null, "transaction_id" text not null unique, "network_txn_id" text, "profile_id" text, "amount" bigint, "max_amount" bigint, "currency" text not null, "interval_unit" text, "interval_count" integer, "min_days" integer, "start_at" bigint, "expires_at" bigint, "max_cycles" integer, "created_at" bigint not null, "activated_at" bigint);

CREATE TABLE "api_tokens" ("id" text primary key, "merchant_id" text not null references "merchants" ("id"), "token_hash" text not null unique, "label" text not null, "created_at" bigint not null, "revoked_at" bigint);

CREATE TABLE "card_retry_states" ("merchant_id" text not null, "fingerprint" text not null, "last_decline_at" bigint, "decline_class" text, "retry_after" bigint, "hard_declined_at" bigint, "declined_expiry" text, "window_started_at" bigint, "reattempts" integer default 0 not null, "modified_at" bigint not null, "reattempt_in_flight" text, constraint "card_retry_states_pk" primary key ("merchant_id", "fingerprint"));

CREATE TABLE "cards" ("id" text primary key, "merchant_id" text not null, "fingerprint" text not null, "key_version" integer not null, "wrapped_key" text not null, "encrypted_pan" text not null, "brand" text not null, "last4" text not null, "month" text not null, "year" text not null, "first_name" text not null, "last_name" text not null, "created_at" bigint not null);

CREATE TABLE "dashboard_sessions" ("id_hash" text primary key, "merchant_id" text, "operator" integer not null, "token_hash" text, "csrf_token" text not null, "created_at" bigint not null, "expires_at" bigint not null);

CREATE TABLE "idempotency_keys" ("merchant_id" text not null, "key" text not null, "request_hash" text not null, "state" text not null, "response_status" integer, "response_body" text, "transaction_id" text, "created_at" bigint not null, "expires_at" bigint not null, "lease_until" bigint not null, "clock_shop_id" text, constraint "idempotency_keys_pk" primary key ("merchant_id", "key"));

CREATE TABLE "imoje_attempts" ("reference" text not null, "operation" text not null, "service_id" text not null, "sale_reference" text, "amount" bigint not null, "state" text not null, "upstream_id" text, "outcome" text, "code" text, "network_txn_id" text, "asked_at" bigint not null, "answered_at" bigint, constraint "imoje_attempts_pk" primary key ("reference", "operation"));

CREATE TABLE "inbox_messages" ("id" text primary key, "merchant_id" text not null, "service_id" text not null, "received_at" bigint not null, "headers" text not null, "body_base64" text not null, "signature" text, "verified" integer not null, "transaction_id" text, "event" text);

CREATE TABLE "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);

CREATE TABLE "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);

CREATE TABLE "merchants" ("id" text primary key, "name" text not null, "created_at" bigint not null);

CREATE TABLE "notification_attempts" ("id" text primary key, "notification_id" text not null, "attempted_at" bigint not null, "http_status" integer, "error" text, "duration_ms" integer not null, "url" text, "signature" text, "response_excerpt" text);

CREATE TABLE "notifications" ("id" text primary key, "ordinal" integer not null, "transaction_id" text not null, "merchant_id" text not null, "service_id" text not null, "url" text, "body" text not null, "status" text not null, "attempts" integer not null, "next_attempt_at" bigint not null, "last_error" text, "created_at" bigint not null, "delivered_at" bigint, "locked_by" text, "locked_until" bigint);

CREATE TABLE "payment_links" ("id" text primary key, "merchant_id" text not null, "service_id" text not null, "amount" bigint not null, "currency" text not null, "order_id" text not null, "title" text not null, "customer_first_name" text not null, "customer_last_name" text not null, "customer_email" text not null, "customer_phone" text, "customer_cid" text, "visible_method" text not null, "preselect_method_code" text, "return_url" text, "success_return_url" text, "failure_return_url" text, "notification_url" text, "valid_to" bigint not null, "status" text not null, "created_at" bigint not null, "modified_at" bigint not null, "agreement" text);

CREATE TABLE "payment_profiles" ("id" text primary key, "merchant_id" text not null, "service_id" text not null, "cid" text not null, "type" text not null, "is_active" integer not null, "card_id" text not null, "fingerprint" text not null, "first_name" text not null, "last_name" text not null, "email" text not null, "first_transaction_id" text not null, "created_at" bigint not null, "modified_at" bigint not null);

CREATE TABLE "request_log" ("id" text primary key, "merchant_id" text not null, "at" bigint not null, "method" text not null, "path" text not null, "status" integer not null, "duration_ms" integer not null, "request_body" text, "response_body" text);

CREATE TABLE "sandbox_ledger" ("reference" text not null, "operation" text not null, "sale_reference" text, "amount" bigint not null, "currency" text not null, "masked_pan" text, "initiator" text, "stored_credential" text, "quoted_network_txn_id" text, "three_ds" text, "captured" integer not null, "outcome" text not null, "code" text not null, "network_txn_id" text, "created_at" bigint not null, "recurring" text, "merchant_advice" text, constraint "sandbox_ledger_pk" primary key ("reference", "operation"));

CREATE TABLE "schedule_attempts" ("schedule_id" text not null, "cycle" integer not null, "attempt" integer not null, "transaction_id" text not null, "created_at" bigint not null, constraint "schedule_attempts_pk" primary key ("schedule_id", "cycle", "attempt"));

CREATE TABLE "schedules" ("id" text primary key, "merchant_id" text not null, "service_id" text not null, "profile_id" text not null, "amount" bigint not null, "currency" text not null, "title" text not null, "interval_unit" text not null, "interval_count" integer not null, "start_at" bigint not null, "end_at" bigint, "max_cycles" integer, "status" text not null, "end_reason" text, "cycle" integer not null, "cycle_due_at" bigint not null, "attempts" integer not null, "charge_at" bigint, "notice_at" bigint, "expiry_notice_at" bigint, "blocked_card_id" text, "cycles_settled" integer not null, "last_transaction_id" text, "lease_owner" text, "lease_until" bigint, "created_at" bigint not null, "modified_at" bigint not null);

CREATE TABLE "shops" ("id" text primary key, "merchant_id" text not null references "merchants" ("id"), "name" text not null, "service_key" text not null, "pci_enabled" integer not null, "preauth_enabled" integer not null, "notification_url" text, "created_at" bigint not null, "service_key_version" integer, "min_transaction" bigint default 1 not null, "max_transaction" bigint default 999999999 not null, "agreement_required" integer default 0 not null, "retry_attempts" integer default 4 not null, "retry_window_days" integer default 14 not null, "notice_days" integer default 7 not null, "test_clock_at" bigint, "test_clock_target" bigint, "test_clock_owner" text, "test_clock_lease_until" bigint, "widget_origins" text);

CREATE TABLE "transaction_events" ("id" text primary key, "transaction_id" text not null, "at" bigint not null, "kind" text not null, "status" text, "code" text, "detail" text);

CREATE TABLE "transactions" ("id" text primary key, "merchant_id" text not null, "service_id" text not null, "type" text not null, "status" text not null, "stage" text not null, "source" text not null, "amount" bigint not null, "currency" text not null, "order_id" text not null, "title" text not null, "payment_method_code" text not null, "notification_url" text, "success_return_url" text, "failure_return_url" text, "customer" text, "card_id" text, "profile_id" text, "registers" text, "profile_variant" text, "initiator" text not null, "status_code" text, "network_txn_id" text, "quoted_network_txn_id" text, "parent_id" text, "created_at" bigint not null, "modified_at" bigint not null, "challenge_expires_at" bigint, "acquirer_deadline" bigint, "authorized_amount" bigint, "cid" text);

CREATE TABLE "vault_canary" ("id" text primary key, "sealed" text not null, "created_at" bigint not null);

CREATE TABLE "widget_orders" ("service_id" text not null, "order_id" text not null, "amount" bigint not null, "currency" text not null, "state" text not null, "transaction_id" text not null, "created_at" bigint not null, "modified_at" bigint not null, constraint "widget_orders_pk" primary key ("service_id", "order_id", "amount", "currency"));

CREATE TABLE "widget_sessions" ("id_hash" text not null primary key, "service_id" text not null, "state" text not null, "transaction_id" text, "document" text not null, "created_at" bigint not null, "modified_at" bigint not null, "expires_at" bigint not null);

CREATE INDEX "agreement_debits_agreement" on "agreement_debits" ("agreement_id", "created_at");

CREATE UNIQUE INDEX "agreements_network" on "agreements" ("merchant_id", "network_txn_id");

CREATE INDEX "dashboard_sessions_expiry" on "dashboard_sessions" ("expires_at");

CREATE INDEX "idempotency_keys_clock_shop" on "idempotency_keys" ("clock_shop_id", "expires_at");

CREATE INDEX "idempotency_keys_expiry" on "idempotency_keys" ("expires_at");

CREATE INDEX "imoje_attempts_upstream" on "imoje_attempts" ("upstream_id");

CREATE INDEX "inbox_messages_merchant" on "inbox_messages" ("merchant_id", "received_at", "id");

CREATE INDEX "notification_attempts_notification" on "notification_attempts" ("notification_id");

CREATE INDEX "notifications_due" on "notifications" ("status", "next_attempt_at");

CREATE INDEX "notifications_merchant_created" on "notifications" ("merchant_id", "created_at", "id");

CREATE INDEX "notifications_transaction" on "notifications" ("transaction_id", "ordinal");

CREATE INDEX "payment_links_merchant" on "payment_links" ("merchant_id", "id");

CREATE UNIQUE INDEX payment_profiles_active_type on payment_profiles (merchant_id, cid, type) where is_active = 1;

CREATE INDEX "payment_profiles_cid" on "payment_profiles" ("merchant_id", "cid");

CREATE INDEX "request_log_merchant" on "request_log" ("merchant_id", "at", "id");

CREATE INDEX "sandbox_ledger_sale" on "sandbox_ledger" ("sale_reference");

CREATE INDEX "schedules_charge" on "schedules" ("charge_at");

CREATE INDEX "schedules_expiry_notice" on "schedules" ("expiry_notice_at");

CREATE INDEX "schedules_merchant" on "schedules" ("merchant_id", "created_at");

CREATE INDEX "schedules_notice" on "schedules" ("notice_at");

CREATE INDEX "schedules_shop_charge" on "schedules" ("service_id", "charge_at");

CREATE INDEX "schedules_shop_expiry_notice" on "schedules" ("service_id", "expiry_notice_at");

CREATE INDEX "schedules_shop_notice" on "schedules" ("service_id", "notice_at");

CREATE INDEX "shops_merchant" on "shops" ("merchant_id");

CREATE INDEX "transaction_events_transaction" on "transaction_events" ("transaction_id", "at");

CREATE INDEX "transactions_merchant_cid" on "transactions" ("merchant_id", "cid", "created_at");

CREATE INDEX "transactions_merchant_created" on "transactions" ("merchant_id", "created_at", "id");

CREATE INDEX "transactions_merchant_order" on "transactions" ("merchant_id", "order_id");

CREATE INDEX "transactions_merchant_status" on "transactions" ("merchant_id", "status", "created_at", "id");

CREATE INDEX "transactions_network" on "transactions" ("merchant_id", "network_txn_id");

CREATE INDEX "transactions_parent" on "transactions" ("parent_id");

CREATE INDEX "transactions_stage" on "transactions" ("stage", "created_at");

CREATE INDEX "widget_orders_transaction" on "widget_orders" ("transaction_id");

CREATE INDEX "widget_sessions_expiry" on "widget_sessions" ("expires_at");

CREATE INDEX "widget_sessions_transaction" on "widget_sessions" ("transaction_id");
