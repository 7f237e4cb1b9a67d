import type { Env } from "../env";
import type { ContextHandlers } from "../kernel/messages";
import { rowProjector } from "../kernel/projection";
import { storesApi as events } from "../stores/contract";
import { insertProduct, insertStore, productsCache, renameStore, storesCache, updateProduct } from "./readmodel";

/** Keeps the baskets' store and product caches from the Stores integration events (SPEC §3.2). */

const storeRow = rowProjector(storesCache);
const productRow = rowProjector(productsCache);

export const basketsHandlers: ContextHandlers<Env> = {
  "storesapi.StoreCreated": storeRow.on(events["storesapi.StoreCreated"], (db, id, v, m) => insertStore(db, id, m.payload.name, v)),
  "storesapi.StoreRebranded": storeRow.on(events["storesapi.StoreRebranded"], (db, id, v, m) => renameStore(db, id, m.payload.name, v)),
  "storesapi.ProductAdded": productRow.on(events["storesapi.ProductAdded"], (db, id, v, m) => insertProduct(db, id, m.payload, v)),
  "storesapi.ProductRebranded": productRow.on(events["storesapi.ProductRebranded"], (db, id, v, m) =>
    updateProduct(db, id, v, { name: m.payload.name }),
  ),
  "storesapi.ProductPriceIncreased": productRow.on(events["storesapi.ProductPriceIncreased"], (db, id, v, m) =>
    updateProduct(db, id, v, { priceDelta: m.payload.delta }),
  ),
  "storesapi.ProductPriceDecreased": productRow.on(events["storesapi.ProductPriceDecreased"], (db, id, v, m) =>
    updateProduct(db, id, v, { priceDelta: m.payload.delta }),
  ),
  "storesapi.ProductRemoved": productRow.on(events["storesapi.ProductRemoved"], (db, id, v) => updateProduct(db, id, v, { removed: true })),
};
