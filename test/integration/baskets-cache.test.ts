import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { lookupProduct } from "../../src/baskets/readmodel";
import type { Envelope } from "../../src/kernel/envelope";
import worker from "../../src/index";
import { capturingQueues, countingD1, eventually, inObject, patchEnv, stubOf } from "./helpers";

/**
 * Baskets' store and product caches (SPEC §2.7, §3.2, §5.5) and the Customers' AuthorizeCustomer
 * command (SPEC §3.3, §4.3). Messages are produced by the real aggregate objects with their queues
 * captured, then delivered to the consumer in an order each test chooses.
 */

const cause = { correlationId: "req-baskets", causationId: "req-baskets" };

interface QueueOutcome {
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

/** Delivers envelopes to a context's consumer as one batch and returns what it acked and retried. */
async function deliver(queue: string, envelopes: Envelope[], workerEnv: Env = env): Promise<QueueOutcome> {
  const batch = createMessageBatch(
    queue,
    envelopes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv);
  return getQueueResult(batch, ctx);
}

const toBaskets = (envelopes: Envelope[], workerEnv?: Env) => deliver("mallbots-baskets", envelopes, workerEnv);

/**
 * Runs commands on a fresh Store or Product object whose queues are captured, and returns what it
 * published to the baskets queue (one message per command, except participation toggles).
 */
async function publishedToBaskets(
  namespace: object,
  commands: object[],
  expected: number,
  id = crypto.randomUUID(),
): Promise<{ id: string; events: Envelope[] }> {
  const captured = capturingQueues();
  await inObject(stubOf(namespace, id), async (instance) => {
    patchEnv(instance, captured.queues);
    for (const command of commands) expect(await instance.execute(id, command, cause)).toMatchObject({ ok: true });
  });
  const events = await eventually(async () => (captured.sent("baskets").length >= expected ? captured.sent("baskets") : undefined));
  expect(events).toHaveLength(expected);
  return { id, events: [...events].sort((a, b) => (a.metadata.aggregateVersion ?? 0) - (b.metadata.aggregateVersion ?? 0)) };
}

const storeEvents = (commands: object[], expected = commands.length) => publishedToBaskets(env.STORE, commands, expected);
const productEvents = (commands: object[], expected = commands.length) => publishedToBaskets(env.PRODUCT, commands, expected);

/** A store and a product that exist in their objects but that baskets has never heard of. */
async function unseenProduct(store: { name: string }, product: { name: string; price: number }) {
  const s = await storeEvents([{ type: "CreateStore", name: store.name, location: "L" }]);
  const p = await productEvents([{ type: "AddProduct", storeId: s.id, description: "", sku: "", ...product }]);
  return { storeId: s.id, productId: p.id, storeCreated: s.events[0]!, productAdded: p.events[0]! };
}

const storeRow = (id: string) =>
  env.BASKETS_DB.prepare("SELECT id, name, version FROM stores_cache WHERE id = ?").bind(id).first<Record<string, unknown>>();
const productRow = (id: string) =>
  env.BASKETS_DB.prepare("SELECT id, store_id, name, price_cents, removed, version FROM products_cache WHERE id = ?")
    .bind(id)
    .first<Record<string, unknown>>();
const streamsOf = async (id: string) =>
  (await env.BASKETS_DB.prepare("SELECT aggregate_name FROM streams WHERE id = ?").bind(id).all<{ aggregate_name: string }>()).results.map(
    (r) => r.aggregate_name,
  );
const inboxOf = async (messageIds: string[]) =>
  (
    await env.BASKETS_DB.prepare(`SELECT message_id, handler FROM inbox WHERE message_id IN (${messageIds.map(() => "?").join(", ")}) ORDER BY handler`)
      .bind(...messageIds)
      .all<{ message_id: string; handler: string }>()
  ).results;

/** A namespace that counts how often lookups address an object, optionally failing like a broken transport. */
function countingNamespace(namespace: DurableObjectNamespace, broken = false) {
  const counter = { calls: 0 };
  const wrapped = {
    idFromName: (name: string) => {
      counter.calls++;
      return namespace.idFromName(name);
    },
    get: (id: DurableObjectId) => {
      if (broken) {
        return {
          snapshot: async () => {
            throw new Error("network connection lost");
          },
        };
      }
      return namespace.get(id);
    },
  };
  return { namespace: wrapped as unknown as DurableObjectNamespace, counter };
}

/** The worker's environment with the Store and Product objects' calls counted (for lookups and consumers). */
function lookupEnv(options: { brokenProduct?: boolean } = {}) {
  const product = countingNamespace(env.PRODUCT, options.brokenProduct);
  const store = countingNamespace(env.STORE);
  const lookup = {
    ...env,
    BASKETS_DB: env.BASKETS_DB,
    OPS_DB: env.OPS_DB,
    QUEUE_RETRY_BASE_SECONDS: env.QUEUE_RETRY_BASE_SECONDS,
    PRODUCT: product.namespace,
    STORE: store.namespace,
  } as unknown as Env;
  return { lookup, productCalls: product.counter, storeCalls: store.counter };
}

/** A product added at price 1, then raised to 2, 3 and 4: its four events, v1 to v4. */
async function priceHistory() {
  const { id, events } = await productEvents([
    { type: "AddProduct", storeId: crypto.randomUUID(), name: "P", description: "", sku: "", price: 1 },
    { type: "IncreaseProductPrice", price: 2 },
    { type: "IncreaseProductPrice", price: 3 },
    { type: "IncreaseProductPrice", price: 4 },
  ]);
  return { id, versions: events as [Envelope, Envelope, Envelope, Envelope] };
}

const notLocated = { ok: false, error: { code: 5, message: "product fallback failed: product was not located" } };

describe("baskets caches: every Stores integration event updates them", () => {
  it("projects StoreCreated and StoreRebranded, and ignores participation toggles it does not subscribe to", async () => {
    const { id, events } = await storeEvents(
      [
        { type: "CreateStore", name: "Store ABC", location: "The mall" },
        { type: "EnableParticipation" },
        { type: "RebrandStore", name: "Store XYZ" },
      ],
      2,
    );
    expect(events.map((e) => [e.name, e.metadata.aggregateVersion])).toEqual([
      ["storesapi.StoreCreated", 1],
      ["storesapi.StoreRebranded", 3],
    ]);
    const [created, rebranded] = events as [Envelope, Envelope];

    expect((await toBaskets([created])).explicitAcks).toEqual(["m0"]);
    expect(await storeRow(id)).toEqual({ id, name: "Store ABC", version: 1 });

    // v3 after v1: the toggle (v2) never reaches baskets, so this is a gap repaired from the Store object
    expect((await toBaskets([rebranded])).explicitAcks).toEqual(["m0"]);
    expect(await storeRow(id)).toEqual({ id, name: "Store XYZ", version: 3 });
    expect(await streamsOf(id)).toEqual(["stores.Store"]);
    expect(await inboxOf([created.id, rebranded.id])).toEqual([
      { message_id: created.id, handler: "baskets.storesapi.StoreCreated" },
      { message_id: rebranded.id, handler: "baskets.storesapi.StoreRebranded" },
    ]);
  });

  it("projects ProductAdded, ProductRebranded, ProductPriceIncreased/Decreased (in cents) and ProductRemoved, one at a time", async () => {
    const storeId = crypto.randomUUID();
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "Product ABC", description: "A thing", sku: "abc", price: 9.99 },
      { type: "RebrandProduct", name: "Product DEF", description: "Another thing" },
      { type: "IncreaseProductPrice", price: 10.49 },
      { type: "DecreaseProductPrice", price: 8.5 },
      { type: "RemoveProduct" },
    ]);
    expect(events.map((e) => e.name)).toEqual([
      "storesapi.ProductAdded",
      "storesapi.ProductRebranded",
      "storesapi.ProductPriceIncreased",
      "storesapi.ProductPriceDecreased",
      "storesapi.ProductRemoved",
    ]);
    const expectedRows = [
      { store_id: storeId, name: "Product ABC", price_cents: 999, removed: 0, version: 1 },
      { store_id: storeId, name: "Product DEF", price_cents: 999, removed: 0, version: 2 },
      { store_id: storeId, name: "Product DEF", price_cents: 1049, removed: 0, version: 3 },
      { store_id: storeId, name: "Product DEF", price_cents: 850, removed: 0, version: 4 },
      { store_id: storeId, name: "Product DEF", price_cents: 850, removed: 1, version: 5 },
    ];
    for (const [i, event] of events.entries()) {
      const outcome = await toBaskets([event]);
      expect(outcome).toMatchObject({ explicitAcks: ["m0"], retryMessages: [] });
      expect(await productRow(id)).toEqual({ id, ...expectedRows[i] });
    }
    expect(await streamsOf(id)).toEqual(["stores.Product"]);
    expect((await inboxOf(events.map((e) => e.id))).map((r) => r.handler)).toEqual([
      "baskets.storesapi.ProductAdded",
      "baskets.storesapi.ProductPriceDecreased",
      "baskets.storesapi.ProductPriceIncreased",
      "baskets.storesapi.ProductRebranded",
      "baskets.storesapi.ProductRemoved",
    ]);
    // a tombstone: the product is not located any more
    expect(await lookupProduct(env, id, cause)).toEqual(notLocated);
  });

  it("applies a whole history delivered as one batch", async () => {
    const storeId = crypto.randomUUID();
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "P", description: "", sku: "", price: 0.1 },
      { type: "IncreaseProductPrice", price: 0.3 },
      { type: "DecreaseProductPrice", price: 0.2 },
    ]);
    expect((await toBaskets(events)).explicitAcks).toEqual(["m0", "m1", "m2"]);
    expect(await productRow(id)).toMatchObject({ price_cents: 20, version: 3, removed: 0 });
  });
});

describe("baskets caches: duplicates are applied once", () => {
  it("ignores the same message twice in one batch and again in a later batch", async () => {
    const storeId = crypto.randomUUID();
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "P", description: "", sku: "", price: 10 },
      { type: "IncreaseProductPrice", price: 10.5 },
      { type: "DecreaseProductPrice", price: 9.75 },
    ]);
    const [added, increased, decreased] = events as [Envelope, Envelope, Envelope];
    const first = await toBaskets([added, increased, increased, decreased, decreased]);
    expect(first).toMatchObject({ explicitAcks: ["m0", "m1", "m2", "m3", "m4"], retryMessages: [] });
    expect(await productRow(id)).toMatchObject({ price_cents: 975, version: 3 });

    const again = await toBaskets([decreased, increased, added, increased]);
    expect(again).toMatchObject({ explicitAcks: ["m0", "m1", "m2", "m3"], retryMessages: [] });
    expect(await productRow(id)).toMatchObject({ name: "P", price_cents: 975, version: 3, removed: 0 });
    expect(await inboxOf([added.id, increased.id, decreased.id])).toHaveLength(3);
  });

  it("applies two copies of one message handled at the same time once", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: crypto.randomUUID(), name: "P", description: "", sku: "", price: 1 },
      { type: "IncreaseProductPrice", price: 1.25 },
    ]);
    const [added, increased] = events as [Envelope, Envelope];
    await toBaskets([added]);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => toBaskets([increased])));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ explicitAcks: ["m0"], retryMessages: [] });
    expect(await productRow(id)).toMatchObject({ price_cents: 125, version: 2 });
    expect(await inboxOf([increased.id])).toHaveLength(1);
  });

  it("commits nothing for a redelivered message whose inbox row exists, even if the cache row was emptied since", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: crypto.randomUUID(), name: "P", description: "", sku: "", price: 1 },
      { type: "RebrandProduct", name: "Q", description: "" },
    ]);
    const [, rebranded] = events as [Envelope, Envelope];
    await toBaskets([rebranded]); // gap: rebuilt from the object
    expect(await productRow(id)).toMatchObject({ name: "Q", version: 2 });
    await env.BASKETS_DB.prepare("DELETE FROM products_cache WHERE id = ?").bind(id).run();
    const { lookup, productCalls } = lookupEnv();
    expect((await toBaskets([rebranded], lookup)).explicitAcks).toEqual(["m0"]);
    expect(productCalls.calls).toBe(0);
    expect(await productRow(id)).toBeNull();
  });

  it("applies a duplicated store rebrand once and keeps one inbox row", async () => {
    const { id, events } = await storeEvents([
      { type: "CreateStore", name: "A", location: "L" },
      { type: "RebrandStore", name: "B" },
    ]);
    const [created, rebranded] = events as [Envelope, Envelope];
    await toBaskets([created, rebranded, rebranded]);
    await toBaskets([rebranded]);
    expect(await storeRow(id)).toEqual({ id, name: "B", version: 2 });
    expect(await inboxOf([rebranded.id])).toEqual([{ message_id: rebranded.id, handler: "baskets.storesapi.StoreRebranded" }]);
  });
});

describe("baskets caches: out-of-order delivery converges by the projection rule", () => {
  it("rebuilds a product row from the Product object's snapshot on a gap, then ignores the late older events", async () => {
    const storeId = crypto.randomUUID();
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "Old name", description: "", sku: "", price: 10 },
      { type: "RebrandProduct", name: "New name", description: "" },
      { type: "IncreaseProductPrice", price: 12.5 },
    ]);
    const [added, rebranded, increased] = events as [Envelope, Envelope, Envelope];

    // v2 before v1: a gap; the object is already at v3
    expect((await toBaskets([rebranded])).explicitAcks).toEqual(["m0"]);
    expect(await productRow(id)).toEqual({ id, store_id: storeId, name: "New name", price_cents: 1250, removed: 0, version: 3 });

    // the late v1 and v3 are already reflected: the delta must not be added a second time
    expect((await toBaskets([added, increased])).explicitAcks).toEqual(["m0", "m1"]);
    expect(await productRow(id)).toEqual({ id, store_id: storeId, name: "New name", price_cents: 1250, removed: 0, version: 3 });
    expect(await streamsOf(id)).toEqual(["stores.Product"]);
  });

  it("repairs a gap into a tombstone when the product was removed, and a late ProductAdded does not revive it", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: crypto.randomUUID(), name: "P", description: "", sku: "", price: 3 },
      { type: "RemoveProduct" },
    ]);
    const [added, removed] = events as [Envelope, Envelope];
    await toBaskets([removed]);
    expect(await productRow(id)).toMatchObject({ removed: 1, version: 2 });
    await toBaskets([added]);
    expect(await productRow(id)).toMatchObject({ removed: 1, version: 2 });
    expect(await lookupProduct(env, id, cause)).toEqual(notLocated);
  });

  it("repairs a store whose participation toggled (events baskets does not get) before a rebrand", async () => {
    const { id, events } = await storeEvents(
      [
        { type: "CreateStore", name: "First", location: "L" },
        { type: "EnableParticipation" },
        { type: "DisableParticipation" },
        { type: "RebrandStore", name: "Second" },
        { type: "EnableParticipation" },
      ],
      2,
    );
    const [created, rebranded] = events as [Envelope, Envelope];
    expect(rebranded.metadata.aggregateVersion).toBe(4);
    // the rebrand first (gap from nothing), then the creation, which is stale
    await toBaskets([rebranded]);
    expect(await storeRow(id)).toEqual({ id, name: "Second", version: 5 });
    await toBaskets([created]);
    expect(await storeRow(id)).toEqual({ id, name: "Second", version: 5 });
  });

  it("calls the owning object only for a gap, never for the next or an older version", async () => {
    const { id, versions } = await priceHistory();
    const [v1, v2, v3, v4] = versions;
    const counted = lookupEnv();
    await toBaskets([v1, v2], counted.lookup); // in order: no object call
    expect(counted.productCalls.calls).toBe(0);
    await toBaskets([v4], counted.lookup); // v4 on a v2 row: one snapshot() call
    expect(counted.productCalls.calls).toBe(1);
    expect(await productRow(id)).toMatchObject({ price_cents: 400, version: 4 });
    // v3 and v1 are older than the row, and a copy of v4 under another message id is equal to it: nothing to do
    await toBaskets([v3, { ...v4, id: crypto.randomUUID() }, v1], counted.lookup);
    expect(counted.productCalls.calls).toBe(1);
    expect(await productRow(id)).toMatchObject({ price_cents: 400, version: 4 });
  });

  it("takes one D1 round trip for the next version, an older one and a duplicate, and two for a gap", async () => {
    const { id, versions } = await priceHistory();
    const [v1, v2, v3, v4] = versions;
    const counting = countingD1(env.BASKETS_DB);
    const countedEnv = { ...env, BASKETS_DB: counting.db } as Env;
    const roundTrips = async (envelope: Envelope) => {
      const before = counting.batches.length;
      expect((await toBaskets([envelope], countedEnv)).explicitAcks).toEqual(["m0"]);
      return counting.batches.length - before;
    };
    expect(await roundTrips(v1)).toBe(1); // next version: read, apply, stream and inbox rows in one batch
    expect(await roundTrips(v1)).toBe(1); // the same message again: a duplicate
    expect(await roundTrips(v3)).toBe(2); // a gap: the batch finds it, then the row from the snapshot
    expect(await productRow(id)).toMatchObject({ price_cents: 400, version: 4 });
    expect(await roundTrips(v2)).toBe(1); // older than the row
    expect(await roundTrips(v4)).toBe(1); // equal to the row
    expect(await productRow(id)).toMatchObject({ price_cents: 400, version: 4 });
    expect(await inboxOf([v1.id, v2.id, v3.id, v4.id])).toHaveLength(4);
    expect(await streamsOf(id)).toEqual(["stores.Product"]);
  });

  it("leaves no inbox or stream row when a gap's repair fails, so the redelivery repairs it", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: crypto.randomUUID(), name: "P", description: "", sku: "", price: 1 },
      { type: "IncreaseProductPrice", price: 2 },
    ]);
    const v2 = events[1]!;
    const broken = lookupEnv({ brokenProduct: true });
    const outcome = await toBaskets([v2], broken.lookup);
    expect(outcome.retryMessages.map((r) => r.msgId)).toEqual(["m0"]);
    expect(await productRow(id)).toBeNull();
    expect(await inboxOf([v2.id])).toEqual([]);
    expect(await streamsOf(id)).toEqual([]);
    await toBaskets([v2]);
    expect(await productRow(id)).toMatchObject({ price_cents: 200, version: 2 });
    expect(await inboxOf([v2.id])).toHaveLength(1);
  });

  it("converges whatever the order of a product's history", async () => {
    const storeId = crypto.randomUUID();
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "P1", description: "", sku: "", price: 1 },
      { type: "IncreaseProductPrice", price: 2 },
      { type: "RebrandProduct", name: "P2", description: "" },
      { type: "DecreaseProductPrice", price: 1.5 },
    ]);
    const reversed = [...events].reverse();
    await toBaskets(reversed);
    expect(await productRow(id)).toEqual({ id, store_id: storeId, name: "P2", price_cents: 150, removed: 0, version: 4 });
  });

  it("writes no row for a gap on a product that does not exist, and acknowledges", async () => {
    const ghost = crypto.randomUUID();
    const envelope: Envelope = {
      id: crypto.randomUUID(),
      name: "storesapi.ProductRebranded",
      payload: { id: ghost, name: "Ghost", description: "" },
      metadata: { ...cause, aggregateName: "stores.Product", aggregateId: ghost, aggregateVersion: 2 },
      occurredAt: new Date().toISOString(),
    };
    expect((await toBaskets([envelope])).explicitAcks).toEqual(["m0"]);
    expect(await productRow(ghost)).toBeNull();
  });
});

describe("baskets read-through fallback: lookupProduct", () => {
  it("on a cache miss reads the Product and Store objects, returns the item and fills the cache", async () => {
    const { storeId, productId } = await unseenProduct({ name: "Store ABC" }, { name: "Product ABC", price: 9.99 });
    expect(await productRow(productId)).toBeNull();
    expect(await storeRow(storeId)).toBeNull();

    const { lookup, productCalls, storeCalls } = lookupEnv();
    expect(await lookupProduct(lookup, productId, cause)).toEqual({
      ok: true,
      item: { storeId, productId, storeName: "Store ABC", productName: "Product ABC", productPrice: 9.99 },
    });
    expect(productCalls.calls).toBe(1);
    expect(storeCalls.calls).toBe(1);
    expect(await productRow(productId)).toEqual({ id: productId, store_id: storeId, name: "Product ABC", price_cents: 999, removed: 0, version: 1 });
    expect(await storeRow(storeId)).toEqual({ id: storeId, name: "Store ABC", version: 1 });
    expect(await streamsOf(productId)).toEqual(["stores.Product"]);
    expect(await streamsOf(storeId)).toEqual(["stores.Store"]);

    // the second lookup is served by the cache alone
    const second = lookupEnv();
    expect(await lookupProduct(second.lookup, productId, cause)).toMatchObject({ ok: true, item: { productPrice: 9.99, storeName: "Store ABC" } });
    expect(second.productCalls.calls + second.storeCalls.calls).toBe(0);
  });

  it("keeps projecting on top of a row the fallback filled", async () => {
    const { id: storeId } = await storeEvents([{ type: "CreateStore", name: "S", location: "L" }]);
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId, name: "P", description: "", sku: "", price: 5 },
      { type: "IncreaseProductPrice", price: 6 },
    ]);
    // the fallback fills the row at v2 (the object's version); the queued v1 and v2 are then stale
    expect(await lookupProduct(env, id, cause)).toMatchObject({ ok: true, item: { productPrice: 6 } });
    expect(await productRow(id)).toMatchObject({ price_cents: 600, version: 2 });
    await toBaskets(events);
    expect(await productRow(id)).toMatchObject({ price_cents: 600, version: 2 });
    // the next event (v3) applies on top of the filled row
    const captured = capturingQueues();
    await inObject(stubOf(env.PRODUCT, id), async (instance) => {
      patchEnv(instance, captured.queues);
      expect(await instance.execute(id, { type: "DecreaseProductPrice", price: 5.55 }, cause)).toMatchObject({ ok: true });
    });
    const [decreased] = await eventually(async () => (captured.sent("baskets").length > 0 ? captured.sent("baskets") : undefined));
    expect(decreased).toMatchObject({ name: "storesapi.ProductPriceDecreased", payload: { delta: -0.45 }, metadata: { aggregateVersion: 3 } });
    const counted = lookupEnv();
    await toBaskets([decreased!], counted.lookup);
    expect(counted.productCalls.calls).toBe(0);
    expect(await productRow(id)).toMatchObject({ price_cents: 555, version: 3 });
  });

  it("answers not found for a tombstone without calling any object", async () => {
    const { productId, productAdded } = await unseenProduct({ name: "S" }, { name: "P", price: 1 });
    await toBaskets([productAdded]);
    // the cache says removed although the object still has the product: the cache wins
    await env.BASKETS_DB.prepare("UPDATE products_cache SET removed = 1 WHERE id = ?").bind(productId).run();
    const { lookup, productCalls, storeCalls } = lookupEnv();
    expect(await lookupProduct(lookup, productId, cause)).toEqual(notLocated);
    expect(productCalls.calls).toBe(0);
    expect(storeCalls.calls).toBe(0);
  });

  it("answers not found for an unknown product and caches nothing", async () => {
    const unknown = crypto.randomUUID();
    const { lookup, productCalls, storeCalls } = lookupEnv();
    expect(await lookupProduct(lookup, unknown, cause)).toEqual(notLocated);
    expect(productCalls.calls).toBe(1);
    expect(storeCalls.calls).toBe(0);
    expect(await productRow(unknown)).toBeNull();
  });

  it("answers not found for a removed product that is not cached yet", async () => {
    const { storeId, productId } = await unseenProduct({ name: "S" }, { name: "P", price: 1 });
    await inObject(stubOf(env.PRODUCT, productId), async (instance) => {
      expect(await instance.execute(productId, { type: "RemoveProduct" }, cause)).toMatchObject({ ok: true });
    });
    const { lookup, productCalls } = lookupEnv();
    expect(await lookupProduct(lookup, productId, cause)).toEqual(notLocated);
    expect(productCalls.calls).toBe(1);
    expect(await storeRow(storeId)).toBeNull();
  });

  it("reads and caches the store from the Store object when only the product is cached", async () => {
    const { storeId, productId, productAdded } = await unseenProduct({ name: "Corner shop" }, { name: "Tea", price: 2.25 });
    await toBaskets([productAdded]);
    expect(await productRow(productId)).toMatchObject({ version: 1 });
    expect(await storeRow(storeId)).toBeNull();

    const { lookup, productCalls, storeCalls } = lookupEnv();
    expect(await lookupProduct(lookup, productId, cause)).toEqual({
      ok: true,
      item: { storeId, productId, storeName: "Corner shop", productName: "Tea", productPrice: 2.25 },
    });
    expect(productCalls.calls).toBe(0);
    expect(storeCalls.calls).toBe(1);
    expect(await storeRow(storeId)).toEqual({ id: storeId, name: "Corner shop", version: 1 });
    expect(await streamsOf(storeId)).toEqual(["stores.Store"]);
  });

  it("fails with store fallback failed (13) when the product's store does not exist", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: crypto.randomUUID(), name: "Orphan", description: "", sku: "", price: 1 },
    ]);
    await toBaskets(events);
    expect(await lookupProduct(env, id, cause)).toEqual({ ok: false, error: { code: 13, message: "store fallback failed" } });
  });

  it("fails with product fallback failed: requesting product (13) when the Product object cannot be reached", async () => {
    const { lookup, productCalls } = lookupEnv({ brokenProduct: true });
    const id = crypto.randomUUID();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(await lookupProduct(lookup, id, cause)).toEqual({
        ok: false,
        error: { code: 13, message: "product fallback failed: requesting product" },
      });
      // the cause is logged with the request id (SPEC §2.5), never returned
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({ level: "error", stream: "stores.Product", id, requestId: cause.correlationId, cause: expect.any(String) }),
      );
    } finally {
      logged.mockRestore();
    }
    expect(productCalls.calls).toBe(1);
    expect(await productRow(id)).toBeNull();
  });
});

describe("baskets over HTTP inside workerd", () => {
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
  const call = (method: string, path: string, body?: unknown) =>
    SELF.fetch(`http://mallbots${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

  it("puts a product added a moment ago into a basket immediately, with store name, product name and price", async () => {
    const store = await call("POST", "/api/stores", { name: "Store ABC", location: "The mall" });
    expect(store.status).toBe(200);
    const { id: storeId } = await json<{ id: string }>(store);
    const product = await call("POST", `/api/stores/${storeId}/products`, { name: "Product ABC", description: "A thing", sku: "abc", price: 9.99 });
    expect(product.status).toBe(200);
    const { id: productId } = await json<{ id: string }>(product);
    const basketRes = await call("POST", "/api/baskets", { customerId: "C" });
    const { id: basketId } = await json<{ id: string }>(basketRes);

    const added = await call("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity: 3 });
    expect(await json(added)).toEqual({});
    expect(added.status).toBe(200);

    const got = await call("GET", `/api/baskets/${basketId}`);
    expect(await json(got)).toEqual({
      basket: {
        id: basketId,
        customerId: "C",
        paymentId: "",
        status: "open",
        items: [{ storeId, productId, storeName: "Store ABC", productName: "Product ABC", productPrice: 9.99, quantity: 3 }],
      },
    });
  });

  it("uses the fallback when no event ever reached the cache (events captured), and 404s an unknown product", async () => {
    const { storeId, productId } = await unseenProduct({ name: "Quiet store" }, { name: "Quiet product", price: 4.2 });
    const { id: basketId } = await json<{ id: string }>(await call("POST", "/api/baskets", { customerId: "C" }));
    const added = await call("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity: 1 });
    expect(added.status).toBe(200);
    const { basket } = await json<{ basket: { items: unknown[] } }>(await call("GET", `/api/baskets/${basketId}`));
    expect(basket.items).toEqual([{ storeId, productId, storeName: "Quiet store", productName: "Quiet product", productPrice: 4.2, quantity: 1 }]);
    expect(await productRow(productId)).toMatchObject({ price_cents: 420, version: 1 });

    const unknown = await call("PUT", `/api/baskets/${basketId}/addItem`, { productId: crypto.randomUUID(), quantity: 1 });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ code: 5, message: "product fallback failed: product was not located", details: [] });
  });
});

describe("customers: AuthorizeCustomer", () => {
  const replyChannel = "mallbots.cosec.replies.CreateOrder";

  const authorize = (customerId: string, options: { replyChannel?: boolean } = {}): Envelope => {
    const sagaId = crypto.randomUUID();
    const withReply = options.replyChannel ?? true;
    return {
      id: crypto.randomUUID(),
      name: "customersapi.AuthorizeCustomer",
      payload: { id: customerId },
      metadata: {
        correlationId: "corr-saga",
        causationId: "cause-saga",
        ...(withReply ? { COMMAND_REPLY_CHANNEL: replyChannel, COMMAND_SAGA_ID: sagaId, COMMAND_SAGA_NAME: "cosec.CreateOrder" } : {}),
      },
      occurredAt: new Date().toISOString(),
    };
  };

  /** A customer object whose sends are captured; optionally registered and then disabled. */
  async function customer(state: "enabled" | "disabled" | "unknown") {
    const id = crypto.randomUUID();
    const stub = stubOf(env.CUSTOMER, id);
    const captured = capturingQueues();
    await inObject(stub, async (instance) => {
      patchEnv(instance, captured.queues);
      if (state === "unknown") return;
      expect(await instance.execute(id, { type: "RegisterCustomer", name: "Ann", smsNumber: "555" }, cause)).toMatchObject({ ok: true });
      if (state === "disabled") expect(await instance.execute(id, { type: "DisableCustomer" }, cause)).toMatchObject({ ok: true });
    });
    const replyRows = () =>
      inObject(stub, (_, s) =>
        s.storage.sql
          .exec<{ name: string; payload: string; metadata: string; destinations: string }>(
            "SELECT name, payload, metadata, destinations FROM outbox WHERE name LIKE 'am.%' ORDER BY rowid",
          )
          .toArray()
          .map((r) => ({ name: r.name, payload: JSON.parse(r.payload), metadata: JSON.parse(r.metadata), destinations: JSON.parse(r.destinations) })),
      );
    const inboxRows = () =>
      inObject(stub, (_, s) => s.storage.sql.exec<{ message_id: string; handler: string }>("SELECT message_id, handler FROM inbox").toArray());
    return { id, stub, replies: () => captured.sent("cosec"), replyRows, inboxRows };
  }

  const cases = [
    { state: "enabled" as const, name: "am.Success", payload: {}, outcome: "SUCCESS" },
    { state: "disabled" as const, name: "am.Failure", payload: { code: 16, message: "customer is not authorized" }, outcome: "FAILURE" },
    { state: "unknown" as const, name: "am.Failure", payload: { code: 5, message: "customer with that ID does not exist" }, outcome: "FAILURE" },
  ];

  for (const c of cases) {
    it(`replies ${c.name} exactly once for an ${c.state} customer and acknowledges, also on redelivery`, async () => {
      const subject = await customer(c.state);
      const command = authorize(subject.id);
      const first = await deliver("mallbots-customers", [command]);
      expect(first).toMatchObject({ explicitAcks: ["m0"], retryMessages: [] });

      const sent = await eventually(async () => (subject.replies().length > 0 ? subject.replies() : undefined));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        name: c.name,
        payload: c.payload,
        metadata: {
          correlationId: "corr-saga",
          causationId: command.id,
          REPLY_OUTCOME: c.outcome,
          REPLY_SAGA_ID: command.metadata.COMMAND_SAGA_ID,
          REPLY_SAGA_NAME: "cosec.CreateOrder",
        },
      });

      // the same command again (in one batch twice, then once more): acknowledged, no second reply
      const again = await deliver("mallbots-customers", [command, command]);
      expect(again).toMatchObject({ explicitAcks: ["m0", "m1"], retryMessages: [] });
      const rows = await subject.replyRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: c.name, payload: c.payload, destinations: ["cosec"] });
      expect(await subject.inboxRows()).toEqual([{ message_id: command.id, handler: "customers.customersapi.AuthorizeCustomer" }]);
      // the relay had a chance to send anything new: still exactly one reply went out
      await eventually(async () =>
        inObject(subject.stub, (_, s) => s.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").one().n === 0 ? true : undefined),
      );
      expect(subject.replies()).toHaveLength(1);

      // authorizing records no event: the customer's version is unchanged
      const events = await inObject(subject.stub, (_, s) => s.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n);
      expect(events).toBe(c.state === "enabled" ? 1 : c.state === "disabled" ? 2 : 0);
    });
  }

  it("retries a command without a reply channel for a disabled customer, leaving no inbox row and no reply", async () => {
    const subject = await customer("disabled");
    const command = authorize(subject.id, { replyChannel: false });
    const outcome = await deliver("mallbots-customers", [command]);
    expect(outcome.explicitAcks).toEqual([]);
    expect(outcome.retryMessages.map((m) => m.msgId)).toEqual(["m0"]);
    expect(await subject.replyRows()).toEqual([]);
    expect(await subject.inboxRows()).toEqual([]);
    const failure = await env.OPS_DB.prepare("SELECT context, attempts, last_error FROM delivery_failures WHERE message_id = ?")
      .bind(command.id)
      .first<{ context: string; attempts: number; last_error: string }>();
    expect(failure).toMatchObject({ context: "customers", attempts: 1 });
    expect(failure?.last_error).toContain("customer is not authorized");
  });

  it("acknowledges a command without a reply channel for an enabled customer, sending no reply", async () => {
    const subject = await customer("enabled");
    const outcome = await deliver("mallbots-customers", [authorize(subject.id, { replyChannel: false })]);
    expect(outcome).toMatchObject({ explicitAcks: ["m0"], retryMessages: [] });
    expect(await subject.replyRows()).toEqual([]);
  });
});
