import type { Env } from "../env";
import { cacheTable } from "../kernel/cache-table";
import type { Cause } from "../kernel/envelope";
import { DomainError } from "../kernel/errors";
import { fromCents, toCents } from "../kernel/money";
import { fillFromOwner, type Mirror } from "../kernel/projection";
import { type ProductSnapshot, productStream, type StoreSnapshot, storeStream } from "../stores/contract";
import { productLookupFailed, type ProductLookup, productNotLocated, storeLookupFailed } from "./domain";

/** BASKETS_DB: the store and product caches, and the read-through lookup (SPEC §2.7). */

// ---- projections ---------------------------------------------------------------------------------

const storesTable = cacheTable("stores_cache", ["name"]);
const productsTable = cacheTable("products_cache", ["store_id", "name", "price_cents", "removed"]);

export const insertStore = (db: D1Database, id: string, name: string, version: number) => storesTable.insert(db, id, { name }, version);

export const renameStore = (db: D1Database, id: string, name: string, version: number) => storesTable.update(db, id, version, { name });

export const insertProduct = (db: D1Database, id: string, p: { storeId: string; name: string; price: number }, version: number) =>
  productsTable.insert(db, id, { store_id: p.storeId, name: p.name, price_cents: toCents(p.price), removed: 0 }, version);

export const updateProduct = (
  db: D1Database,
  id: string,
  version: number,
  change: { name: string } | { priceDelta: number } | { removed: true },
) =>
  "priceDelta" in change
    ? productsTable.update(db, id, version, {}, { price_cents: toCents(change.priceDelta) })
    : productsTable.update(db, id, version, "name" in change ? { name: change.name } : { removed: 1 });

export const storesCache: Mirror<Env, StoreSnapshot> = {
  db: (env) => env.BASKETS_DB,
  table: storesTable.table,
  stream: storeStream,
  upsert: (db, { state, version }) => storesTable.upsert(db, state.id, { name: state.name }, version),
};

export const productsCache: Mirror<Env, ProductSnapshot> = {
  db: (env) => env.BASKETS_DB,
  table: productsTable.table,
  stream: productStream,
  upsert: (db, { state: p, version }) =>
    productsTable.upsert(db, p.id, { store_id: p.storeId, name: p.name, price_cents: toCents(p.price), removed: p.removed ? 1 : 0 }, version),
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
