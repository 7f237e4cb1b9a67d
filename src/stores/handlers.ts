import type { Env } from "../env";
import { rowProjector } from "../kernel/projection";
import type { ContextHandlers } from "../kernel/messages";
import { productEvents, storeEvents } from "./contract";
import { catalog, insertProduct, insertStore, mall, updateProduct, updateStore } from "./readmodel";

/** Projects the context's own stores.* domain events into the mall and catalog (SPEC §3.1). */

const storeRow = rowProjector(mall);
const productRow = rowProjector(catalog);

export const storesHandlers: ContextHandlers<Env> = {
  "stores.StoreCreated": storeRow.on(storeEvents["stores.StoreCreated"], (db, id, v, m) =>
    insertStore(db, id, m.payload.name, m.payload.location, v, m.occurredAt),
  ),
  "stores.StoreParticipationEnabled": storeRow.on(storeEvents["stores.StoreParticipationEnabled"], (db, id, v, m) =>
    updateStore(db, id, v, m.occurredAt, { participating: 1 }),
  ),
  "stores.StoreParticipationDisabled": storeRow.on(storeEvents["stores.StoreParticipationDisabled"], (db, id, v, m) =>
    updateStore(db, id, v, m.occurredAt, { participating: 0 }),
  ),
  "stores.StoreRebranded": storeRow.on(storeEvents["stores.StoreRebranded"], (db, id, v, m) =>
    updateStore(db, id, v, m.occurredAt, { name: m.payload.name }),
  ),
  "stores.ProductAdded": productRow.on(productEvents["stores.ProductAdded"], (db, id, v, m) => insertProduct(db, id, m.payload, v, m.occurredAt)),
  "stores.ProductRebranded": productRow.on(productEvents["stores.ProductRebranded"], (db, id, v, m) =>
    updateProduct(db, id, v, m.occurredAt, { name: m.payload.name, description: m.payload.description }),
  ),
  "stores.ProductPriceIncreased": productRow.on(productEvents["stores.ProductPriceIncreased"], (db, id, v, m) =>
    updateProduct(db, id, v, m.occurredAt, { priceDelta: m.payload.delta }),
  ),
  "stores.ProductPriceDecreased": productRow.on(productEvents["stores.ProductPriceDecreased"], (db, id, v, m) =>
    updateProduct(db, id, v, m.occurredAt, { priceDelta: m.payload.delta }),
  ),
  "stores.ProductRemoved": productRow.on(productEvents["stores.ProductRemoved"], (db, id, v, m) => updateProduct(db, id, v, m.occurredAt, { removed: 1 })),
};
