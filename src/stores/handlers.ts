import type { Env } from "../env";
import type { AggregateState } from "../kernel/decider";
import type { Envelope } from "../kernel/envelope";
import { unwrap } from "../kernel/errors";
import { aggregate } from "../kernel/objects";
import { project } from "../kernel/projection";
import { type ContextHandlers, on } from "../../queues/consumer";
import { storesDomain as events } from "./contract";
import type { Product, Store } from "./domain";
import { insertProduct, insertStore, updateProduct, updateStore, upsertProduct, upsertStore } from "./readmodel";

/** Projects the context's own stores.* domain events into the mall and catalog (SPEC §3.1). */

type RowUpdate<P> = (db: D1Database, id: string, version: number, m: Envelope<P>) => D1PreparedStatement;

/** A handler that applies one event to the row mirroring its aggregate, or repairs a gap from the object. */
const rowProjection =
  <S extends AggregateState>(
    stream: string,
    table: string,
    objects: (env: Env) => DurableObjectNamespace,
    upsert: (db: D1Database, state: S, createdAt: string, updatedAt: string) => D1PreparedStatement,
  ) =>
  <P>(update: RowUpdate<P>) =>
  async (env: Env, m: Envelope<P>, handler: string): Promise<void> => {
    const db = env.STORES_DB;
    await project({
      db,
      message: m,
      handler,
      stream,
      table,
      apply: (id, version) => [update(db, id, version, m)],
      refetch: async (id) => {
        const snap = unwrap(await aggregate<unknown, S>(objects(env), id).snapshot());
        return snap.exists ? [upsert(db, snap.state, snap.createdAt, snap.updatedAt)] : [];
      },
    });
  };

const storeRow = rowProjection<Store>("stores.Store", "stores", (env) => env.STORE, upsertStore);
const productRow = rowProjection<Product>("stores.Product", "products", (env) => env.PRODUCT, upsertProduct);

export const storesHandlers: ContextHandlers<Env> = {
  "stores.StoreCreated": on(
    events["stores.StoreCreated"],
    storeRow((db, id, v, m) => insertStore(db, id, m.payload.name, m.payload.location, v, m.occurredAt)),
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
