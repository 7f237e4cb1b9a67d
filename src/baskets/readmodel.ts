import type { Env } from "../env";
import type { Cause } from "../kernel/envelope";
import { DomainError } from "../kernel/errors";
import { fromCents, toCents } from "../kernel/money";
import type { AggregateSnapshot } from "../kernel/objects";
import { fillFromOwner, type Mirror } from "../kernel/projection";
import { type ProductSnapshot, productStream, type StoreSnapshot, storeStream } from "../stores/contract";
import { productLookupFailed, type ProductLookup, productNotLocated, storeLookupFailed } from "./domain";

/** BASKETS_DB: the store and product caches, and the read-through lookup (SPEC §2.7). */

// ---- projections ---------------------------------------------------------------------------------

export const insertStore = (db: D1Database, id: string, name: string, version: number) =>
  db.prepare("INSERT INTO stores_cache (id, name, version) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING").bind(id, name, version);

export const renameStore = (db: D1Database, id: string, name: string, version: number) =>
  db.prepare("UPDATE stores_cache SET name = ?, version = ? WHERE id = ? AND version = ?").bind(name, version, id, version - 1);

export const insertProduct = (db: D1Database, id: string, p: { storeId: string; name: string; price: number }, version: number) =>
  db
    .prepare(
      `INSERT INTO products_cache (id, store_id, name, price_cents, removed, version) VALUES (?, ?, ?, ?, 0, ?)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(id, p.storeId, p.name, toCents(p.price), version);

export const updateProduct = (
  db: D1Database,
  id: string,
  version: number,
  change: { name: string } | { priceDelta: number } | { removed: true },
) => {
  const [assignment, value] =
    "name" in change ? ["name = ?", change.name] : "priceDelta" in change ? ["price_cents = price_cents + ?", toCents(change.priceDelta)] : ["removed = ?", 1];
  return db
    .prepare(`UPDATE products_cache SET ${assignment}, version = ? WHERE id = ? AND version = ?`)
    .bind(value, version, id, version - 1);
};

export const storesCache: Mirror<Env, StoreSnapshot> = {
  db: (env) => env.BASKETS_DB,
  table: "stores_cache",
  stream: storeStream,
  upsert: (db, { state, version }: AggregateSnapshot<StoreSnapshot>) =>
    db
      .prepare(
        `INSERT INTO stores_cache (id, name, version) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version WHERE excluded.version > stores_cache.version`,
      )
      .bind(state.id, state.name, version),
};

export const productsCache: Mirror<Env, ProductSnapshot> = {
  db: (env) => env.BASKETS_DB,
  table: "products_cache",
  stream: productStream,
  upsert: (db, { state: p, version }) =>
    db
      .prepare(
        `INSERT INTO products_cache (id, store_id, name, price_cents, removed, version) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, name = excluded.name, price_cents = excluded.price_cents,
           removed = excluded.removed, version = excluded.version
         WHERE excluded.version > products_cache.version`,
      )
      .bind(p.id, p.storeId, p.name, toCents(p.price), p.removed ? 1 : 0, version),
};

// ---- read-through lookup -------------------------------------------------------------------------

interface CachedProduct {
  id: string;
  store_id: string;
  name: string;
  price_cents: number;
  removed: number;
  store_name: string | null;
}

/**
 * Finds a product and its store for a basket line: the cache first (a tombstone means not found),
 * then the owning objects' snapshot(), whose answer fills the cache. Removing an item only needs the
 * product to be known, so it skips the store (`withStore: false`). The answer is a value, so the
 * basket can check its own rules first (SPEC §3.2).
 */
export async function lookupProduct(env: Env, productId: string, origin: Cause, { withStore = true } = {}): Promise<ProductLookup> {
  try {
    const db = env.BASKETS_DB;
    const cached = await db
      .prepare(
        `SELECT p.id, p.store_id, p.name, p.price_cents, p.removed, s.name AS store_name
         FROM products_cache p LEFT JOIN stores_cache s ON s.id = p.store_id WHERE p.id = ?`,
      )
      .bind(productId)
      .first<CachedProduct>();
    let product: { storeId: string; name: string; price: number };
    let storeName = cached?.store_name ?? null;
    if (cached) {
      if (cached.removed) return { ok: false, error: productNotLocated };
      product = { storeId: cached.store_id, name: cached.name, price: fromCents(cached.price_cents) };
    } else {
      const found = await fillFromOwner(env, productsCache, productId, origin, {
        failure: productLookupFailed.message,
        isGone: (p) => p.removed,
      });
      if (!found) return { ok: false, error: productNotLocated };
      product = found;
      storeName = await cachedStoreName(db, product.storeId);
    }
    if (storeName === null && withStore) {
      const store = await fillFromOwner(env, storesCache, product.storeId, origin, { failure: storeLookupFailed.message });
      if (!store) return { ok: false, error: storeLookupFailed };
      storeName = store.name;
    }
    return {
      ok: true,
      item: { storeId: product.storeId, productId, storeName: storeName ?? "", productName: product.name, productPrice: product.price },
    };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.toInfo() };
    throw error;
  }
}

async function cachedStoreName(db: D1Database, storeId: string): Promise<string | null> {
  const row = await db.prepare("SELECT name FROM stores_cache WHERE id = ?").bind(storeId).first<{ name: string }>();
  return row?.name ?? null;
}
