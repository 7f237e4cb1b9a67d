import type { Env } from "../env";
import { cacheTable } from "../kernel/cache-table";
import type { Cause } from "../kernel/envelope";
import { decodeCursor, encodeCursor } from "../kernel/paging";
import { fillFromOwner, type Mirror } from "../kernel/projection";
import { type ProductSnapshot, productStream, type StoreSnapshot, storeStream } from "../stores/contract";
import { type ShoppingListSnapshot, shoppingListStream } from "./contract";
import {
  buildStops,
  type KnownProduct,
  type KnownStore,
  productNotFoundForList,
  type RequestedItem,
  type StopsLookup,
  storeNotFoundForList,
} from "./domain";

/** DEPOT_DB: store/product caches and the shopping-list board (SPEC §3.5). */

// ---- caches --------------------------------------------------------------------------------------

const storesTable = cacheTable("stores_cache", ["name", "location"]);
const productsTable = cacheTable("products_cache", ["store_id", "name", "removed"]);

export const insertStore = (db: D1Database, id: string, s: { name: string; location: string }, version: number) =>
  storesTable.insert(db, id, { name: s.name, location: s.location }, version);

export const renameStore = (db: D1Database, id: string, name: string, version: number) => storesTable.update(db, id, version, { name });

export const insertProduct = (db: D1Database, id: string, p: { storeId: string; name: string }, version: number) =>
  productsTable.insert(db, id, { store_id: p.storeId, name: p.name, removed: 0 }, version);

export const updateProduct = (db: D1Database, id: string, version: number, change: { name: string } | { removed: true }) =>
  productsTable.update(db, id, version, "name" in change ? { name: change.name } : { removed: 1 });

export const storesCache: Mirror<Env, StoreSnapshot> = {
  db: (env) => env.DEPOT_DB,
  table: storesTable.table,
  stream: storeStream,
  upsert: (db, { state, version }) => storesTable.upsert(db, state.id, { name: state.name, location: state.location }, version),
};

export const productsCache: Mirror<Env, ProductSnapshot> = {
  db: (env) => env.DEPOT_DB,
  table: productsTable.table,
  stream: productStream,
  upsert: (db, { state: p, version }) => productsTable.upsert(db, p.id, { store_id: p.storeId, name: p.name, removed: p.removed ? 1 : 0 }, version),
};

/** The cached rows of the items' stores and products, in one query (product tombstones included). */
async function cachedStops(db: D1Database, items: readonly RequestedItem[]) {
  const { results } = await db
    .prepare(
      `SELECT 'store' AS kind, id, name, location, 0 AS removed FROM stores_cache WHERE id IN (SELECT value FROM json_each(?1))
       UNION ALL SELECT 'product', id, name, '', removed FROM products_cache WHERE id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(JSON.stringify([...new Set(items.map((i) => i.storeId))]), JSON.stringify([...new Set(items.map((i) => i.productId))]))
    .all<{ kind: "store" | "product"; id: string; name: string; location: string; removed: number }>();
  const stores = new Map<string, KnownStore>();
  const products = new Map<string, KnownProduct | null>();
  for (const r of results) {
    if (r.kind === "store") stores.set(r.id, { id: r.id, name: r.name, location: r.location });
    else products.set(r.id, r.removed ? null : { id: r.id, name: r.name });
  }
  return { stores, products };
}

/**
 * Looks up each item's store, then its product, in order (SPEC §3.5), and builds the stops. The caches
 * are read at once; a missing row falls back to the owner (SPEC §2.7), and a tombstone or a removed
 * product is not found.
 */
export async function resolveStops(env: Env, items: readonly RequestedItem[], origin: Cause): Promise<StopsLookup> {
  const cached = await cachedStops(env.DEPOT_DB, items);
  const stores = new Map<string, KnownStore>();
  const products = new Map<string, KnownProduct>();
  for (const item of items) {
    if (!stores.has(item.storeId)) {
      let store = cached.stores.get(item.storeId) ?? null;
      if (!store) {
        const owned = await fillFromOwner(env, storesCache, item.storeId, origin, { failure: "internal error" });
        store = owned && { id: item.storeId, name: owned.name, location: owned.location };
      }
      if (!store) return { ok: false, error: storeNotFoundForList };
      stores.set(item.storeId, store);
    }
    if (!products.has(item.productId)) {
      let product = cached.products.get(item.productId);
      if (product === undefined) {
        const owned = await fillFromOwner(env, productsCache, item.productId, origin, { failure: "internal error", isGone: (p) => p.removed });
        product = owned && { id: item.productId, name: owned.name };
      }
      if (!product) return { ok: false, error: productNotFoundForList };
      products.set(item.productId, product);
    }
  }
  return { ok: true, stops: buildStops(items, stores, products) };
}

// ---- the shopping-list board ---------------------------------------------------------------------

export const boardStatuses = ["pending", "available", "assigned", "completed", "canceled"] as const;

export const insertList = (db: D1Database, id: string, p: { orderId: string; stops: unknown }, version: number, at: string) =>
  db
    .prepare(
      `INSERT INTO shopping_lists (id, order_id, status, assigned_bot_id, stops, version, created_at, updated_at)
       VALUES (?, ?, 'pending', '', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(id, p.orderId, JSON.stringify(p.stops), version, at, at);

export const updateListStatus = (db: D1Database, id: string, version: number, at: string, status: string, botId?: string) =>
  db
    .prepare(
      `UPDATE shopping_lists SET status = ?, assigned_bot_id = COALESCE(?, assigned_bot_id), version = ?, updated_at = ?
       WHERE id = ? AND version = ?`,
    )
    .bind(status, botId ?? null, version, at, id, version - 1);

export const board: Mirror<Env, ShoppingListSnapshot> = {
  db: (env) => env.DEPOT_DB,
  table: "shopping_lists",
  stream: shoppingListStream,
  upsert: (db, { state: l, version, createdAt, updatedAt }) =>
    db
      .prepare(
        `INSERT INTO shopping_lists (id, order_id, status, assigned_bot_id, stops, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id, status = excluded.status,
           assigned_bot_id = excluded.assigned_bot_id, stops = excluded.stops, version = excluded.version,
           updated_at = excluded.updated_at
         WHERE excluded.version > shopping_lists.version`,
      )
      .bind(l.id, l.orderId, l.status, l.assignedBotId, JSON.stringify(l.stops), version, createdAt, updatedAt),
};

interface BoardRow {
  id: string;
  order_id: string;
  status: string;
  assigned_bot_id: string;
  stops: string;
  created_at: string;
  updated_at: string;
}

const boardColumns = "id, order_id, status, assigned_bot_id, stops, created_at, updated_at";

/**
 * The board's page queries. Both read a range of the `shopping_lists_board (status, created_at, id)`
 * index; a later page starts after the cursor with a row-value comparison (no OR, which would make
 * SQLite scan the whole status).
 */
export const boardPageSql = {
  first: `SELECT ${boardColumns} FROM shopping_lists WHERE status = ?1 ORDER BY created_at, id LIMIT ?2`,
  after: `SELECT ${boardColumns} FROM shopping_lists WHERE status = ?1 AND (created_at, id) > (?3, ?4)
          ORDER BY created_at, id LIMIT ?2`,
};

/** Lists with one status, oldest first by (createdAt, id), with an opaque cursor. */
export async function listBoard(db: D1Database, status: string, limit: number, next: string) {
  const after = decodeCursor(next, ["string", "string"] as const);
  const statement = after
    ? db.prepare(boardPageSql.after).bind(status, limit + 1, after[0], after[1])
    : db.prepare(boardPageSql.first).bind(status, limit + 1);
  const { results } = await statement.all<BoardRow>();
  const page = results.slice(0, limit);
  const last = page.at(-1);
  return {
    shoppingLists: page.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      status: r.status,
      assignedBotId: r.assigned_bot_id,
      stops: JSON.parse(r.stops),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    next: results.length > limit && last ? encodeCursor([last.created_at, last.id]) : "",
  };
}
