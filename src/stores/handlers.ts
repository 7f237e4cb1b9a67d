import type { Env } from "../env";
import { rowProjector } from "../kernel/projection";
import { type ContextHandlers, on } from "../../queues/consumer";
import { storesDomain as events } from "./contract";
import type { Product, Store } from "./domain";
import { insertProduct, insertStore, updateProduct, updateStore, upsertProduct, upsertStore } from "./readmodel";

/** Projects the context's own stores.* domain events into the mall and catalog (SPEC §3.1). */

const storeRow = rowProjector<Env, Store>({
  db: (env) => env.STORES_DB,
  stream: "stores.Store",
  table: "stores",
  objects: (env) => env.STORE,
  upsert: (db, s) => upsertStore(db, s.state, s.createdAt, s.updatedAt),
});
const productRow = rowProjector<Env, Product>({
  db: (env) => env.STORES_DB,
  stream: "stores.Product",
  table: "products",
  objects: (env) => env.PRODUCT,
  upsert: (db, s) => upsertProduct(db, s.state, s.createdAt, s.updatedAt),
});

export const storesHandlers: ContextHandlers<Env> = {
  "stores.StoreCreated": on(
    events["stores.StoreCreated"],
    storeRow<{ name: string; location: string }>((db, id, v, m) => insertStore(db, id, m.payload.name, m.payload.location, v, m.occurredAt)),
  ),
  "stores.StoreParticipationEnabled": on(
    events["stores.StoreParticipationEnabled"],
    storeRow((db, id, v, m) => updateStore(db, id, v, m.occurredAt, { participating: 1 })),
  ),
  "stores.StoreParticipationDisabled": on(
    events["stores.StoreParticipationDisabled"],
    storeRow((db, id, v, m) => updateStore(db, id, v, m.occurredAt, { participating: 0 })),
  ),
  "stores.StoreRebranded": on(
    events["stores.StoreRebranded"],
    storeRow<{ name: string }>((db, id, v, m) => updateStore(db, id, v, m.occurredAt, { name: m.payload.name })),
  ),
  "stores.ProductAdded": on(
    events["stores.ProductAdded"],
    productRow<Parameters<typeof insertProduct>[2]>((db, id, v, m) => insertProduct(db, id, m.payload, v, m.occurredAt)),
  ),
  "stores.ProductRebranded": on(
    events["stores.ProductRebranded"],
    productRow<{ name: string; description: string }>((db, id, v, m) =>
      updateProduct(db, id, v, m.occurredAt, { name: m.payload.name, description: m.payload.description }),
    ),
  ),
  "stores.ProductPriceIncreased": on(
    events["stores.ProductPriceIncreased"],
    productRow<{ delta: number }>((db, id, v, m) => updateProduct(db, id, v, m.occurredAt, { priceDelta: m.payload.delta })),
  ),
  "stores.ProductPriceDecreased": on(
    events["stores.ProductPriceDecreased"],
    productRow<{ delta: number }>((db, id, v, m) => updateProduct(db, id, v, m.occurredAt, { priceDelta: m.payload.delta })),
  ),
  "stores.ProductRemoved": on(
    events["stores.ProductRemoved"],
    productRow((db, id, v, m) => updateProduct(db, id, v, m.occurredAt, { removed: 1 })),
  ),
};
