-- Search read models (SPEC §3.8): customer/store/product caches and the orders staff search.
CREATE TABLE customers_cache (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL
);

CREATE TABLE stores_cache (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL
);

CREATE TABLE products_cache (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  name TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);

-- items: the SearchOrder items as JSON; money in integer cents like the other read models.
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  items TEXT NOT NULL,
  total_cents INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
);
-- newest first, all orders / one customer / one status: keyset ranges on (created_at, order_id)
CREATE INDEX orders_newest ON orders (created_at, order_id);
CREATE INDEX orders_customer ON orders (customer_id, created_at, order_id);
CREATE INDEX orders_status ON orders (status, created_at, order_id);

-- One row per distinct (product, store) of an order, for the store and product filters. created_at is
-- the order's, copied so a store or product filter reads its own index range newest first.
CREATE TABLE order_items (
  order_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (order_id, product_id, store_id)
);
CREATE INDEX order_items_store ON order_items (store_id, created_at, order_id);
CREATE INDEX order_items_product ON order_items (product_id, created_at, order_id);

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
