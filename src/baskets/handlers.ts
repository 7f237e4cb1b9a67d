import type { Env } from "../env";
import { rowProjector } from "../kernel/projection";
import { type ContextHandlers, on } from "../../queues/consumer";
import { storesApi as events } from "../stores/contract";
import type { Product, Store } from "../stores/domain";
import { insertProduct, insertStore, renameStore, updateProduct, upsertProduct, upsertStore } from "./readmodel";

/** Keeps the baskets' store and product caches from the Stores integration events (SPEC §3.2). */

const storeRow = rowProjector<Env, Store>({
  db: (env) => env.BASKETS_DB,
  stream: "stores.Store",
  table: "stores_cache",
  objects: (env) => env.STORE,
  upsert: upsertStore,
});
const productRow = rowProjector<Env, Product>({
  db: (env) => env.BASKETS_DB,
  stream: "stores.Product",
  table: "products_cache",
  objects: (env) => env.PRODUCT,
  upsert: upsertProduct,
});

export const basketsHandlers: ContextHandlers<Env> = {
  "storesapi.StoreCreated": on(
    events["storesapi.StoreCreated"],
    storeRow<{ name: string }>((db, id, v, m) => insertStore(db, id, m.payload.name, v)),
  ),
  "storesapi.StoreRebranded": on(
    events["storesapi.StoreRebranded"],
    storeRow<{ name: string }>((db, id, v, m) => renameStore(db, id, m.payload.name, v)),
  ),
  "storesapi.ProductAdded": on(
    events["storesapi.ProductAdded"],
    productRow<{ storeId: string; name: string; price: number }>((db, id, v, m) => insertProduct(db, id, m.payload, v)),
  ),
  "storesapi.ProductRebranded": on(
    events["storesapi.ProductRebranded"],
    productRow<{ name: string }>((db, id, v, m) => updateProduct(db, id, v, { name: m.payload.name })),
  ),
  "storesapi.ProductPriceIncreased": on(
    events["storesapi.ProductPriceIncreased"],
    productRow<{ delta: number }>((db, id, v, m) => updateProduct(db, id, v, { priceDelta: m.payload.delta })),
  ),
  "storesapi.ProductPriceDecreased": on(
    events["storesapi.ProductPriceDecreased"],
    productRow<{ delta: number }>((db, id, v, m) => updateProduct(db, id, v, { priceDelta: m.payload.delta })),
  ),
  "storesapi.ProductRemoved": on(
    events["storesapi.ProductRemoved"],
    productRow((db, id, v) => updateProduct(db, id, v, { removed: true })),
  ),
};
