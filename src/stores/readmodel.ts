import { fromCents, toCents } from "../kernel/money";
import type { Env } from "../env";
import type { AggregateSnapshot } from "../kernel/objects";
import type { Mirror } from "../kernel/projection";
import { type ProductSnapshot, productStream, type StoreSnapshot, storeStream } from "./contract";

/** STORES_DB: the mall (`stores`) and the catalog (`products`). Only this context reads or writes it. */

interface StoreRow {
  id: string;
  name: string;
  location: string;
  participating: number;
}

interface ProductRow {
  id: string;
  store_id: string;
  name: string;
  description: string;
  sku: string;
  price_cents: number;
}

const toStore = (r: StoreRow) => ({ id: r.id, name: r.name, location: r.location, participating: r.participating === 1 });
const toProduct = (r: ProductRow) => ({
  id: r.id,
  storeId: r.store_id,
  name: r.name,
  description: r.description,
  sku: r.sku,
  price: fromCents(r.price_cents),
});

export async function listStores(db: D1Database, participatingOnly: boolean) {
  const sql = participatingOnly
    ? "SELECT id, name, location, participating FROM stores WHERE participating = 1 ORDER BY created_at, id"
    : "SELECT id, name, location, participating FROM stores ORDER BY created_at, id";
  const { results } = await db.prepare(sql).all<StoreRow>();
  return results.map(toStore);
}

export async function listCatalog(db: D1Database, storeId: string) {
  const { results } = await db
    .prepare(
      "SELECT id, store_id, name, description, sku, price_cents FROM products WHERE store_id = ? AND removed = 0 ORDER BY created_at, id",
    )
    .bind(storeId)
    .all<ProductRow>();
  return results.map(toProduct);
}

// ---- writes used by the projections (handlers.ts) ---------------------------------------------

export const insertStore = (db: D1Database, id: string, name: string, location: string, version: number, at: string) =>
  db
    .prepare(
      `INSERT INTO stores (id, name, location, participating, version, created_at, updated_at)
       VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(id, name, location, version, at, at);

/** Updates one store row at version v, only if it is at v − 1 (projection rule 2). */
export const updateStore = (db: D1Database, id: string, version: number, at: string, set: Partial<Record<"name" | "participating", string | number>>) => {
  const columns = Object.keys(set);
  return db
    .prepare(
      `UPDATE stores SET ${columns.map((c) => `${c} = ?`).join(", ")}, version = ?, updated_at = ?
       WHERE id = ? AND version = ?`,
    )
    .bind(...Object.values(set), version, at, id, version - 1);
};

/** Rebuilds a store row from the Store object's snapshot, only if newer (projection rule 3). */
export const upsertStore = (db: D1Database, { state: s, version, createdAt, updatedAt }: AggregateSnapshot<StoreSnapshot>) =>
  db
    .prepare(
      `INSERT INTO stores (id, name, location, participating, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, location = excluded.location,
         participating = excluded.participating, version = excluded.version, updated_at = excluded.updated_at
       WHERE excluded.version > stores.version`,
    )
    .bind(s.id, s.name, s.location, s.participating ? 1 : 0, version, createdAt, updatedAt);

export const insertProduct = (
  db: D1Database,
  id: string,
  p: { storeId: string; name: string; description: string; sku: string; price: number },
  version: number,
  at: string,
) =>
  db
    .prepare(
      `INSERT INTO products (id, store_id, name, description, sku, price_cents, removed, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(id, p.storeId, p.name, p.description, p.sku, toCents(p.price), version, at, at);

export const updateProduct = (
  db: D1Database,
  id: string,
  version: number,
  at: string,
  set: { name?: string; description?: string; removed?: number; priceDelta?: number },
) => {
  const assignments: [string, string | number][] = [];
  if (set.name !== undefined) assignments.push(["name = ?", set.name]);
  if (set.description !== undefined) assignments.push(["description = ?", set.description]);
  if (set.removed !== undefined) assignments.push(["removed = ?", set.removed]);
  if (set.priceDelta !== undefined) assignments.push(["price_cents = price_cents + ?", toCents(set.priceDelta)]);
  return db
    .prepare(
      `UPDATE products SET ${assignments.map(([a]) => a).join(", ")}, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
    )
    .bind(...assignments.map(([, v]) => v), version, at, id, version - 1);
};

export const upsertProduct = (db: D1Database, { state: p, version, createdAt, updatedAt }: AggregateSnapshot<ProductSnapshot>) =>
  db
    .prepare(
      `INSERT INTO products (id, store_id, name, description, sku, price_cents, removed, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, name = excluded.name,
         description = excluded.description, sku = excluded.sku, price_cents = excluded.price_cents,
         removed = excluded.removed, version = excluded.version, updated_at = excluded.updated_at
       WHERE excluded.version > products.version`,
    )
    .bind(p.id, p.storeId, p.name, p.description, p.sku, toCents(p.price), p.removed ? 1 : 0, version, createdAt, updatedAt);

/** The mall mirrors the Store objects, the catalog the Product objects. */
export const mall: Mirror<Env, StoreSnapshot> = { db: (env) => env.STORES_DB, table: "stores", stream: storeStream, upsert: upsertStore };
export const catalog: Mirror<Env, ProductSnapshot> = { db: (env) => env.STORES_DB, table: "products", stream: productStream, upsert: upsertProduct };
