-- Depot read models (SPEC §3.5): store/product caches and the shopping-list board.
CREATE TABLE stores_cache (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  version INTEGER NOT NULL
);

CREATE TABLE products_cache (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  name TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);

CREATE TABLE shopping_lists (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  assigned_bot_id TEXT NOT NULL,
  stops TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX shopping_lists_board ON shopping_lists (status, created_at, id);

CREATE TABLE inbox (
  message_id TEXT NOT NULL,
  handler TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (message_id, handler)
);

CREATE TABLE streams (
  aggregate_name TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (aggregate_name, id)
);
