-- Stores read models (SPEC §3.1): the mall and the catalog, fed by stores.* domain events.
CREATE TABLE stores (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  participating INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX stores_oldest ON stores (created_at, id);
CREATE INDEX stores_participating ON stores (participating, created_at, id);

-- price_cents: money is kept in integer cents (SPEC §2.2) so price += delta is exact.
CREATE TABLE products (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  sku TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX products_by_store ON products (store_id, created_at, id);

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
