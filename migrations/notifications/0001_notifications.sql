-- Notifications read model (SPEC §3.7): the customer cache fed by customersapi.* events (filled by the
-- read-through fallback on a miss), and the notification log, which no rebuild empties.
CREATE TABLE customers_cache (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sms_number TEXT NOT NULL,
  version INTEGER NOT NULL
);

-- id = the id of the message that triggered it. delivery: recorded | pending | sent | failed.
-- Times are RFC 3339 UTC with milliseconds; next_attempt_at and sent_at are '' when not set.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  sms_number TEXT NOT NULL,
  message TEXT NOT NULL,
  delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  next_attempt_at TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  sent_at TEXT NOT NULL DEFAULT ''
);
-- A customer's notifications newest first by (created_at, id): the keyset order of GET /api/notifications.
CREATE INDEX notifications_by_customer ON notifications (customer_id, created_at, id);
-- The cron sweep: pending rows that are due, oldest due first.
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE delivery = 'pending';

CREATE TABLE inbox (
  message_id TEXT NOT NULL,
  handler TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (message_id, handler)
);
-- Inbox rows older than 14 days are pruned during consumer runs (SPEC §2.8).
CREATE INDEX inbox_received ON inbox (received_at);

CREATE TABLE streams (
  aggregate_name TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (aggregate_name, id)
);
