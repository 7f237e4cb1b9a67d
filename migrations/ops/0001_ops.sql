-- Operational tables (SPEC §5.4, §7): failed deliveries and dead letters of every context.
CREATE TABLE delivery_failures (
  message_id TEXT NOT NULL,
  context TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (message_id, context)
);

CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  context TEXT NOT NULL,
  message_id TEXT NOT NULL,
  name TEXT NOT NULL,
  envelope TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  dead_lettered_at TEXT NOT NULL,
  replayed_at TEXT,
  replay_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (context, message_id)
);
CREATE INDEX dead_letters_newest ON dead_letters (dead_lettered_at DESC, id DESC);
