-- Baskets read models (SPEC §3.2): store and product caches fed by storesapi.* events,
-- filled by the read-through fallback on a miss.
CREATE TABLE stores_cache (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL
);

-- price_cents: integer cents, so price += delta stays exact (SPEC §2.2).
CREATE TABLE products_cache (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  name TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);

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
