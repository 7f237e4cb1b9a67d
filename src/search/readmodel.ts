import { type CustomerSnapshot, customerStream } from "../customers/contract";
import type { Env } from "../env";
import { cacheTable } from "../kernel/cache-table";
import type { Cause } from "../kernel/envelope";
import { fromCents, toCents } from "../kernel/money";
import { fillFromOwner, type Mirror } from "../kernel/projection";
import { type OrderSnapshot, orderStream, orderTotal } from "../ordering/contract";
import { type ProductSnapshot, productStream, type StoreSnapshot, storeStream } from "../stores/contract";
import { type SearchOrder, type SearchOrderItem, type SearchStatus, searchStatus } from "./contract";
import { type Cursor, encodeSearchCursor, type OrderQuery, searchSql } from "./query";

/** SEARCH_DB: customer/store/product caches and the orders search (SPEC §3.8). */

// ---- caches --------------------------------------------------------------------------------------

const customersTable = cacheTable("customers_cache", ["name"]);
const storesTable = cacheTable("stores_cache", ["name"]);
const productsTable = cacheTable("products_cache", ["store_id", "name", "removed"]);

export const insertCustomer = (db: D1Database, id: string, name: string, version: number) => customersTable.insert(db, id, { name }, version);

export const insertStore = (db: D1Database, id: string, name: string, version: number) => storesTable.insert(db, id, { name }, version);

export const renameStore = (db: D1Database, id: string, name: string, version: number) => storesTable.update(db, id, version, { name });

export const insertProduct = (db: D1Database, id: string, p: { storeId: string; name: string }, version: number) =>
  productsTable.insert(db, id, { store_id: p.storeId, name: p.name, removed: 0 }, version);

export const updateProduct = (db: D1Database, id: string, version: number, change: { name: string } | { removed: true }) =>
  productsTable.update(db, id, version, "name" in change ? { name: change.name } : { removed: 1 });

export const customersCache: Mirror<Env, CustomerSnapshot> = {
  db: (env) => env.SEARCH_DB,
  table: customersTable.table,
  stream: customerStream,
  upsert: (db, { state, version }) => customersTable.upsert(db, state.id, { name: state.name }, version),
};

export const storesCache: Mirror<Env, StoreSnapshot> = {
  db: (env) => env.SEARCH_DB,
  table: storesTable.table,
  stream: storeStream,
  upsert: (db, { state, version }) => storesTable.upsert(db, state.id, { name: state.name }, version),
};

export const productsCache: Mirror<Env, ProductSnapshot> = {
  db: (env) => env.SEARCH_DB,
  table: productsTable.table,
  stream: productStream,
  upsert: (db, { state: p, version }) => productsTable.upsert(db, p.id, { store_id: p.storeId, name: p.name, removed: p.removed ? 1 : 0 }, version),
};

// ---- names: cache, then the owner (SPEC §2.7); "" when unknown -------------------------------------

const nameCaches = { customers: customersCache, products: productsCache, stores: storesCache } as const;
type NameCache = keyof typeof nameCaches;
const nameCacheKinds = Object.keys(nameCaches) as NameCache[];
type Names = Record<NameCache, Map<string, string>>;

/** The names of the ids in all three caches in one query (tombstones included). */
async function cachedNames(db: D1Database, ids: Record<NameCache, readonly string[]>): Promise<Names> {
  const { results } = await db
    .prepare(
      nameCacheKinds
        .map((kind, i) => `SELECT '${kind}' AS kind, id, name FROM ${nameCaches[kind].table} WHERE id IN (SELECT value FROM json_each(?${i + 1}))`)
        .join(" UNION ALL "),
    )
    .bind(...nameCacheKinds.map((kind) => JSON.stringify(ids[kind])))
    .all<{ kind: NameCache; id: string; name: string }>();
  const names: Names = { customers: new Map(), products: new Map(), stores: new Map() };
  for (const r of results) names[r.kind].set(r.id, r.name);
  return names;
}

/** Names of the ids, from the caches or else the owners' snapshots, which fill the caches. */
async function namesOf(env: Env, wanted: Record<NameCache, readonly string[]>, origin: Cause): Promise<Names> {
  const ids = Object.fromEntries(nameCacheKinds.map((kind) => [kind, [...new Set(wanted[kind].filter((id) => id !== ""))]])) as Record<
    NameCache,
    string[]
  >;
  const names = await cachedNames(env.SEARCH_DB, ids);
  await Promise.all(
    nameCacheKinds.flatMap((kind) =>
      ids[kind]
        .filter((id) => !names[kind].has(id))
        .map(async (id) => {
          const mirror: Mirror<Env, { name: string }> = nameCaches[kind] as Mirror<Env, never>;
          const found = await fillFromOwner(env, mirror, id, origin, { failure: "internal error" });
          if (found) names[kind].set(id, found.name);
        }),
    ),
  );
  return names;
}

// ---- orders --------------------------------------------------------------------------------------

/** An order as search knows it before names are added: from `ordersapi.OrderCreated` or the Order's snapshot. */
export interface OrderFacts {
  orderId: string;
  customerId: string;
  items: readonly { productId: string; storeId: string; price: number; quantity: number }[];
  status: SearchStatus;
  createdAt: string;
  updatedAt: string;
}

/** The order with its customer, product and store names (SPEC §3.8), and total = Σ price × quantity. */
export async function withNames(env: Env, o: OrderFacts, origin: Cause): Promise<SearchOrder> {
  const { customers, products, stores } = await namesOf(
    env,
    { customers: [o.customerId], products: o.items.map((i) => i.productId), stores: o.items.map((i) => i.storeId) },
    origin,
  );
  const items: SearchOrderItem[] = o.items.map((i) => ({
    productId: i.productId,
    storeId: i.storeId,
    productName: products.get(i.productId) ?? "",
    storeName: stores.get(i.storeId) ?? "",
    price: i.price,
    quantity: i.quantity,
  }));
  return {
    orderId: o.orderId,
    customerId: o.customerId,
    customerName: customers.get(o.customerId) ?? "",
    items,
    total: orderTotal(items),
    status: o.status,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

/**
 * The statements that write an order row and its filter rows: `insert` only when the row is absent
 * (OrderCreated), `upsert` only when newer (a snapshot). Items never change after creation.
 */
export function orderStatements(db: D1Database, o: SearchOrder, version: number, mode: "insert" | "upsert"): D1PreparedStatement[] {
  const conflict =
    mode === "insert"
      ? "DO NOTHING"
      : `DO UPDATE SET customer_id = excluded.customer_id, customer_name = excluded.customer_name, items = excluded.items,
           total_cents = excluded.total_cents, status = excluded.status, created_at = excluded.created_at,
           updated_at = excluded.updated_at, version = excluded.version
         WHERE excluded.version > orders.version`;
  return [
    db
      .prepare(
        `INSERT INTO orders (order_id, customer_id, customer_name, items, total_cents, status, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) ${conflict}`,
      )
      .bind(o.orderId, o.customerId, o.customerName, JSON.stringify(o.items), toCents(o.total), o.status, o.createdAt, o.updatedAt, version),
    db
      .prepare(
        `INSERT OR IGNORE INTO order_items (order_id, product_id, store_id, created_at)
         SELECT ?1, json_extract(value, '$.productId'), json_extract(value, '$.storeId'), ?2 FROM json_each(?3)`,
      )
      .bind(o.orderId, o.createdAt, JSON.stringify(o.items.map((i) => ({ productId: i.productId, storeId: i.storeId })))),
  ];
}

export const updateOrderStatus = (db: D1Database, id: string, version: number, status: SearchStatus, at: string) =>
  db
    .prepare("UPDATE orders SET status = ?, updated_at = ?, version = ? WHERE order_id = ? AND version = ?")
    .bind(status, at, version, id, version - 1);

/** The orders row mirrors the Order stream; gap repair and the rebuild build it from the snapshot like OrderCreated. */
export const ordersMirror: Mirror<Env, OrderSnapshot> = {
  db: (env) => env.SEARCH_DB,
  table: "orders",
  key: "order_id",
  stream: orderStream,
  rebuild: async (env, { state, version, createdAt, updatedAt }, origin) => {
    const order = await withNames(
      env,
      { orderId: state.id, customerId: state.customerId, items: state.items, status: searchStatus(state.status), createdAt, updatedAt },
      origin,
    );
    return orderStatements(env.SEARCH_DB, order, version, "upsert");
  },
};

// ---- queries -------------------------------------------------------------------------------------

interface OrderRow {
  order_id: string;
  customer_id: string;
  customer_name: string;
  items: string;
  total_cents: number;
  status: string;
  created_at: string;
  updated_at: string;
}

const view = (r: OrderRow): SearchOrder => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  items: JSON.parse(r.items) as SearchOrderItem[],
  total: fromCents(r.total_cents),
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function findOrder(db: D1Database, id: string): Promise<SearchOrder | null> {
  const row = await db
    .prepare(
      "SELECT order_id, customer_id, customer_name, items, total_cents, status, created_at, updated_at FROM orders WHERE order_id = ?",
    )
    .bind(id)
    .first<OrderRow>();
  return row && view(row);
}

/** One page, newest first by (createdAt, orderId), with the cursor of the next page or "". */
export async function searchOrders(db: D1Database, q: OrderQuery, cursor: Cursor | null, limit: number) {
  const { sql, params } = searchSql(q, cursor, limit + 1);
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<OrderRow>();
  const page = results.slice(0, limit);
  const last = page.at(-1);
  return {
    orders: page.map(view),
    next: results.length > limit && last ? encodeSearchCursor([last.created_at, last.order_id]) : "",
  };
}
