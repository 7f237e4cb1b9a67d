import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "../../src/kernel/envelope";
import worker from "../../src/index";
import type { SearchOrder } from "../../src/search/contract";
import { orderStatements } from "../../src/search/readmodel";
import { capturingQueues, eventually, inObject, patchEnv, stubOf } from "./helpers";

/**
 * Search read model (SPEC §3.8, §2.7, §5.5) inside workerd. Events are produced by the real aggregate
 * objects with their queues captured, then delivered to the search consumer in the order a test chooses.
 */

const cause = { correlationId: "req-search", causationId: "req-search" };
const db = env.SEARCH_DB;

/** Runs commands on a fresh object and returns what it published to the search queue, by version. */
async function published(namespace: object, commands: object[], expected = commands.length, id: string = crypto.randomUUID()) {
  const captured = capturingQueues();
  await inObject(stubOf(namespace, id), async (instance) => {
    patchEnv(instance, captured.queues);
    for (const command of commands) expect(await instance.execute(id, command, cause)).toMatchObject({ ok: true });
  });
  const events = await eventually(async () => (captured.sent("search").length >= expected ? captured.sent("search") : undefined));
  expect(events).toHaveLength(expected);
  return { id, events: [...events].sort((a, b) => (a.metadata.aggregateVersion ?? 0) - (b.metadata.aggregateVersion ?? 0)) };
}

async function deliver(envelopes: Envelope[]) {
  const batch = createMessageBatch(
    "mallbots-search",
    envelopes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  return result;
}
/** One message at a time, in the given order. */
const deliverInOrder = async (envelopes: Envelope[]) => {
  for (const e of envelopes) await deliver([e]);
};

const customer = (name: string) => published(env.CUSTOMER, [{ type: "RegisterCustomer", name, smsNumber: "555" }]);
const store = (name: string) => published(env.STORE, [{ type: "CreateStore", name, location: "L" }]);
const product = (storeId: string, name: string, more: object[] = []) =>
  published(env.PRODUCT, [{ type: "AddProduct", storeId, name, description: "", sku: "", price: 1 }, ...more]);
const line = (storeId: string, productId: string, price: number, quantity: number) => ({
  storeId,
  productId,
  storeName: "as captured by the basket",
  productName: "as captured by the basket",
  price,
  quantity,
});
const order = (customerId: string, items: ReturnType<typeof line>[], then: object[] = []) =>
  published(env.ORDER, [{ type: "CreateOrder", customerId, paymentId: "pay", items }, ...then]);

const row = (id: string) => db.prepare("SELECT * FROM orders WHERE order_id = ?").bind(id).first<Record<string, unknown>>();
const itemRows = async (id: string) =>
  (await db.prepare("SELECT product_id, store_id, created_at FROM order_items WHERE order_id = ? ORDER BY product_id, store_id").bind(id).all()).results;
const streamsOf = async (id: string) =>
  (await db.prepare("SELECT aggregate_name FROM streams WHERE id = ?").bind(id).all<{ aggregate_name: string }>()).results.map((r) => r.aggregate_name);

async function getOrder(id: string) {
  const res = await SELF.fetch(`https://x/api/search/orders/${encodeURIComponent(id)}`);
  return { status: res.status, body: (await res.json()) as any };
}
async function search(body: unknown) {
  const res = await SELF.fetch("https://x/api/search/orders", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: res.status, body: (await res.json()) as any };
}

/** A small mall with everything search has heard of. */
async function knownMall() {
  const c = await customer("Ann");
  const s = await store("Store ABC");
  const p = await product(s.id, "Product ABC");
  await deliverInOrder([...c.events, ...s.events, ...p.events]);
  return { customerId: c.id, storeId: s.id, productId: p.id };
}

describe("projections (SPEC §3.8)", () => {
  it("fills the caches and follows an order from New to Completed with names, total and times", async () => {
    const { customerId, storeId, productId } = await knownMall();
    expect(await db.prepare("SELECT name, version FROM customers_cache WHERE id = ?").bind(customerId).first()).toEqual({ name: "Ann", version: 1 });
    expect(await db.prepare("SELECT name, version FROM stores_cache WHERE id = ?").bind(storeId).first()).toEqual({ name: "Store ABC", version: 1 });
    expect(await db.prepare("SELECT store_id, name, removed, version FROM products_cache WHERE id = ?").bind(productId).first()).toEqual({
      store_id: storeId,
      name: "Product ABC",
      removed: 0,
      version: 1,
    });

    const o = await order(customerId, [line(storeId, productId, 10.49, 4)], [
      { type: "ApproveOrder", shoppingId: "L" },
      { type: "ReadyOrder", shoppingId: "L" },
      { type: "CompleteOrder", invoiceId: "I" },
    ]);
    const [created, approved, readied, completed] = o.events as [Envelope, Envelope, Envelope, Envelope];
    const expected: SearchOrder = {
      orderId: o.id,
      customerId,
      customerName: "Ann",
      items: [{ productId, storeId, productName: "Product ABC", storeName: "Store ABC", price: 10.49, quantity: 4 }],
      total: 41.96,
      status: "New",
      createdAt: created.occurredAt,
      updatedAt: created.occurredAt,
    };
    await deliver([created]);
    expect(await getOrder(o.id)).toEqual({ status: 200, body: { order: expected } });
    expect(await row(o.id)).toMatchObject({ total_cents: 4196, version: 1 });
    expect(await itemRows(o.id)).toEqual([{ product_id: productId, store_id: storeId, created_at: created.occurredAt }]);

    for (const [event, status] of [
      [approved, "Approved"],
      [readied, "Ready For Pickup"],
      [completed, "Completed"],
    ] as const) {
      await deliver([event]);
      expect((await getOrder(o.id)).body.order).toEqual({ ...expected, status, updatedAt: event.occurredAt });
    }
    expect(await row(o.id)).toMatchObject({ version: 4 });
    expect(await streamsOf(o.id)).toEqual(["ordering.Order"]);
  });

  it("maps Rejected and Canceled", async () => {
    const { customerId, storeId, productId } = await knownMall();
    const rejected = await order(customerId, [line(storeId, productId, 1, 1)], [{ type: "RejectOrder" }]);
    const canceled = await order(customerId, [line(storeId, productId, 1, 1)], [{ type: "CancelOrder" }]);
    await deliverInOrder([...rejected.events, ...canceled.events]);
    expect((await getOrder(rejected.id)).body.order.status).toBe("Rejected");
    expect((await getOrder(canceled.id)).body.order.status).toBe("Canceled");
  });

  it("applies a redelivered message or a second copy once", async () => {
    const { customerId, storeId, productId } = await knownMall();
    const o = await order(customerId, [line(storeId, productId, 2, 3)], [{ type: "ApproveOrder", shoppingId: "L" }]);
    const [created, approved] = o.events as [Envelope, Envelope];
    await deliver([created, created]);
    await deliver([created]);
    const first = await row(o.id);
    expect(first).toMatchObject({ status: "New", version: 1, total_cents: 600 });
    await deliverInOrder([approved, approved, { ...approved, id: crypto.randomUUID() }, created]);
    expect(await row(o.id)).toEqual({ ...first, status: "Approved", updated_at: approved.occurredAt, version: 2 });
    expect(await itemRows(o.id)).toHaveLength(1);
    const inbox = await db.prepare("SELECT handler FROM inbox WHERE message_id IN (?, ?) ORDER BY handler").bind(created.id, approved.id).all();
    expect(inbox.results).toEqual([{ handler: "search.ordersapi.OrderApproved" }, { handler: "search.ordersapi.OrderCreated" }]);
  });

  it("converges when status events arrive before OrderCreated: the gap is repaired from the Order's snapshot", async () => {
    const { customerId, storeId, productId } = await knownMall();
    const o = await order(customerId, [line(storeId, productId, 10.49, 4), line(storeId, productId, 0.5, 1)], [
      { type: "ApproveOrder", shoppingId: "L" },
      { type: "ReadyOrder", shoppingId: "L" },
    ]);
    const [created, approved, readied] = o.events as [Envelope, Envelope, Envelope];
    await deliver([readied]);
    const repaired = (await getOrder(o.id)).body.order as SearchOrder;
    expect(repaired).toEqual({
      orderId: o.id,
      customerId,
      customerName: "Ann",
      items: [
        { productId, storeId, productName: "Product ABC", storeName: "Store ABC", price: 10.49, quantity: 4 },
        { productId, storeId, productName: "Product ABC", storeName: "Store ABC", price: 0.5, quantity: 1 },
      ],
      total: 42.46,
      status: "Ready For Pickup",
      createdAt: created.occurredAt,
      updatedAt: readied.occurredAt,
    });
    expect(await row(o.id)).toMatchObject({ version: 3 });
    await deliverInOrder([approved, created]);
    expect((await getOrder(o.id)).body.order).toEqual(repaired);
    expect(await itemRows(o.id)).toEqual([{ product_id: productId, store_id: storeId, created_at: created.occurredAt }]);
  });

  it("shows the status of the snapshot a gap is repaired from (Ready For Pickup, Canceled)", async () => {
    const { customerId, storeId, productId } = await knownMall();
    const o = await order(customerId, [line(storeId, productId, 1, 1)], [{ type: "ApproveOrder", shoppingId: "L" }, { type: "ReadyOrder", shoppingId: "L" }]);
    // only v3 is ever delivered, before the order moves on: the snapshot is read at delivery time
    await deliver([o.events[2]!]);
    expect((await getOrder(o.id)).body.order.status).toBe("Ready For Pickup");
    const c = await order(customerId, [line(storeId, productId, 1, 1)], [{ type: "CancelOrder" }]);
    await deliver([c.events[1]!]);
    expect((await getOrder(c.id)).body.order).toMatchObject({ status: "Canceled", updatedAt: c.events[1]!.occurredAt });
  });
});

describe("fallbacks (SPEC §2.7)", () => {
  it("reads an unseen customer, store and product from their objects and caches them", async () => {
    const c = await customer("Bea");
    const s = await store("Corner Deli");
    const p = await product(s.id, "Bagel");
    const o = await order(c.id, [line(s.id, p.id, 2.25, 2)]);
    await deliver(o.events);
    expect((await getOrder(o.id)).body.order).toMatchObject({
      customerName: "Bea",
      items: [{ productId: p.id, storeId: s.id, productName: "Bagel", storeName: "Corner Deli", price: 2.25, quantity: 2 }],
      total: 4.5,
    });
    expect(await db.prepare("SELECT name, version FROM customers_cache WHERE id = ?").bind(c.id).first()).toEqual({ name: "Bea", version: 1 });
    expect(await db.prepare("SELECT name FROM stores_cache WHERE id = ?").bind(s.id).first()).toEqual({ name: "Corner Deli" });
    expect(await streamsOf(p.id)).toEqual(["stores.Product"]);
    // the events arriving later are stale
    await deliverInOrder([...c.events, ...s.events, ...p.events]);
    expect(await db.prepare("SELECT version FROM customers_cache WHERE id = ?").bind(c.id).first()).toEqual({ version: 1 });
  });

  it('shows "" for a customer, store or product that does not exist', async () => {
    const s = await store("Real Store");
    const o = await order("no-such-customer", [line(s.id, "no-such-product", 3, 1), line("no-such-store", "no-such-product", 1, 1)]);
    await deliver(o.events);
    expect((await getOrder(o.id)).body.order).toMatchObject({
      customerName: "",
      items: [
        { productName: "", storeName: "Real Store" },
        { productName: "", storeName: "" },
      ],
      total: 4,
    });
    expect(await db.prepare("SELECT COUNT(*) AS n FROM customers_cache WHERE id = 'no-such-customer'").first("n")).toBe(0);
  });

  it("keeps the name of a removed product, from the tombstone or from the object", async () => {
    const s = await store("Gone Goods");
    const seen = await product(s.id, "Seen Then Removed", [{ type: "RemoveProduct" }]);
    await deliverInOrder([...s.events, ...seen.events]);
    expect(await db.prepare("SELECT removed FROM products_cache WHERE id = ?").bind(seen.id).first("removed")).toBe(1);
    const unseen = await product(s.id, "Removed Unseen", [{ type: "RemoveProduct" }]);
    const o = await order("cust-removed", [line(s.id, seen.id, 1, 1), line(s.id, unseen.id, 1, 1)]);
    await deliver(o.events);
    expect((await getOrder(o.id)).body.order.items.map((i: { productName: string }) => i.productName)).toEqual(["Seen Then Removed", "Removed Unseen"]);
    expect(await db.prepare("SELECT name, removed, version FROM products_cache WHERE id = ?").bind(unseen.id).first()).toEqual({
      name: "Removed Unseen",
      removed: 1,
      version: 2,
    });
  });

  it("follows rebrands in the caches (new orders get the new names)", async () => {
    const s = await published(env.STORE, [{ type: "CreateStore", name: "Old", location: "L" }, { type: "RebrandStore", name: "New" }]);
    const p = await product(s.id, "Thing", [{ type: "RebrandProduct", name: "Better Thing", description: "" }]);
    await deliverInOrder([...s.events, ...p.events]);
    const o = await order("cust-rebrand", [line(s.id, p.id, 1, 1)]);
    await deliver(o.events);
    expect((await getOrder(o.id)).body.order.items[0]).toMatchObject({ storeName: "New", productName: "Better Thing" });
  });
});

// ---- queries over rows written by the projection's own statements --------------------------------

let seq = 0;
/** Writes an order row as OrderCreated does; `minute` orders them in time. */
async function seed(o: { customerId: string; items: [storeId: string, productId: string, price: number, quantity: number][]; status?: string; at: string }) {
  const orderId = `o-${String(++seq).padStart(5, "0")}-${crypto.randomUUID().slice(0, 8)}`;
  const items = o.items.map(([storeId, productId, price, quantity]) => ({ storeId, productId, productName: `n-${productId}`, storeName: `n-${storeId}`, price, quantity }));
  const total = items.reduce((sum, i) => sum + Math.round(i.price * 100) * i.quantity, 0) / 100;
  const view: SearchOrder = { orderId, customerId: o.customerId, customerName: "N", items, total, status: o.status ?? "New", createdAt: o.at, updatedAt: o.at };
  await db.batch(orderStatements(db, view, 1, "insert"));
  return view;
}
const at = (minute: number, ms = 0) => new Date(Date.UTC(2026, 0, 1, 0, minute, 0, ms)).toISOString();
const ids = (body: { orders: SearchOrder[] }) => body.orders.map((o) => o.orderId);

describe("POST /api/search/orders filters (SPEC §3.8)", () => {
  const C = `filter-${crypto.randomUUID()}`;
  const other = `other-${crypto.randomUUID()}`;
  const [S1, S2, P1, P2, P3] = ["S1", "S2", "P1", "P2", "P3"].map((x) => `${x}-${crypto.randomUUID()}`) as [string, string, string, string, string];
  let [a, b, c, d] = [] as SearchOrder[] as [SearchOrder, SearchOrder, SearchOrder, SearchOrder];
  beforeAll(async () => {
    a = await seed({ customerId: C, items: [[S1, P1, 10, 1]], at: at(1) });
    b = await seed({ customerId: C, items: [[S1, P1, 5, 2], [S1, P2, 1, 1]], status: "Approved", at: at(2) });
    c = await seed({ customerId: C, items: [[S2, P3, 50, 1]], status: "Ready For Pickup", at: at(3) });
    d = await seed({ customerId: other, items: [[S2, P2, 0.5, 3], [S1, P1, 1, 1]], status: "Completed", at: at(4) });
  });
  const mine = (filters: object) => search({ filters: { customerId: C, ...filters } });

  it("customerId: only that customer's orders, newest first", async () => {
    expect(await mine({})).toEqual({ status: 200, body: { orders: [c, b, a], next: "" } });
    expect(ids((await search({ filters: { customerId: other } })).body)).toEqual([d.orderId]);
  });
  it("after / before are exclusive and accept any offset", async () => {
    expect(ids((await mine({ after: at(1) })).body)).toEqual([c.orderId, b.orderId]);
    expect(ids((await mine({ before: at(3) })).body)).toEqual([b.orderId, a.orderId]);
    expect(ids((await mine({ after: "2026-01-01T01:01:00+01:00", before: "2025-12-31T19:03:00-05:00" })).body)).toEqual([b.orderId]);
    expect(ids((await mine({ after: "2026-01-01T00:01:00.0001Z" })).body)).toEqual([c.orderId, b.orderId]);
    expect(ids((await mine({ before: "2026-01-01T00:01:00.0001Z" })).body)).toEqual([a.orderId]);
  });
  it("storeIds / productIds: at least one item from a listed store / of a listed product, each order once", async () => {
    expect(ids((await search({ filters: { storeIds: [S1] } })).body)).toEqual([d.orderId, b.orderId, a.orderId]);
    expect(ids((await search({ filters: { storeIds: [S2, S1] } })).body)).toEqual([d.orderId, c.orderId, b.orderId, a.orderId]);
    expect(ids((await search({ filters: { productIds: [P2] } })).body)).toEqual([d.orderId, b.orderId]);
    expect(ids((await search({ filters: { productIds: [P1, P2, "unknown"] } })).body)).toEqual([d.orderId, b.orderId, a.orderId]);
    expect(ids((await search({ filters: { storeIds: [S2], productIds: [P1] } })).body)).toEqual([d.orderId]);
    expect(ids((await mine({ storeIds: [S2] })).body)).toEqual([c.orderId]);
    expect(ids((await mine({ productIds: [P1, P3] })).body)).toEqual([c.orderId, b.orderId, a.orderId]);
  });
  it("minTotal / maxTotal are inclusive, in cents", async () => {
    expect(ids((await mine({ minTotal: 11 })).body)).toEqual([c.orderId, b.orderId]);
    expect(ids((await mine({ maxTotal: 10.994 })).body)).toEqual([a.orderId]);
    expect(ids((await mine({ maxTotal: 10.995 })).body)).toEqual([b.orderId, a.orderId]); // rounds to 11.00
    expect(ids((await mine({ minTotal: 10, maxTotal: 11 })).body)).toEqual([b.orderId, a.orderId]);
    expect(ids((await search({ filters: { storeIds: [S2], maxTotal: 2.5 } })).body)).toEqual([d.orderId]);
  });
  it("status equals the display string exactly", async () => {
    expect(ids((await mine({ status: "Ready For Pickup" })).body)).toEqual([c.orderId]);
    expect(ids((await mine({ status: "ready for pickup" })).body)).toEqual([]);
    expect(ids((await search({ filters: { status: "Completed", productIds: [P2] } })).body)).toEqual([d.orderId]);
  });
  it("takes snake_case fields and ignores zero values", async () => {
    expect(ids((await search({ filters: { customer_id: C, min_total: 0, max_total: 0, store_ids: [], status: "" } })).body)).toEqual([
      c.orderId,
      b.orderId,
      a.orderId,
    ]);
  });
  it("answers the exact errors", async () => {
    const err = (message: string, status = 400, code = 3) => ({ status, body: { code, message, details: [] } });
    expect(await mine({ after: "yesterday" })).toEqual(err("invalid request: after"));
    expect(await mine({ before: "2026-01-01" })).toEqual(err("invalid request: before"));
    expect(await search({ next: "garbage" })).toEqual(err("invalid request: next"));
    expect(await search({ filters: { storeIds: Array.from({ length: 101 }, (_, i) => `s${i}`) } })).toEqual(err("invalid request: filters.storeIds"));
    expect(await search({ filters: { customerId: "x".repeat(129) } })).toEqual(err("invalid request: filters.customerId"));
    expect(await search({ filters: { minTotal: 1e7 + 1 } })).toEqual(err("invalid request: filters.minTotal"));
    expect(await search({ limit: 1.5 })).toEqual(err("invalid request: limit"));
    expect(await getOrder("no-such-order")).toEqual(err("order with that ID does not exist", 404, 5));
  });
});

describe("paging (SPEC §2.4)", () => {
  it("pages through 120 orders of one customer, each exactly once, newest first, ties broken by orderId", async () => {
    const C = `pager-${crypto.randomUUID()}`;
    const S = `store-${crypto.randomUUID()}`;
    const seeded: SearchOrder[] = [];
    // pairs share a created_at, and every order has two lines from S
    for (let i = 0; i < 120; i++) seeded.push(await seed({ customerId: C, items: [[S, `p${i}`, 1, 1], [S, `q${i}`, 1, 1]], at: at(100 + Math.floor(i / 2)) }));
    const expected = [...seeded].sort((x, y) => (x.createdAt === y.createdAt ? (x.orderId < y.orderId ? 1 : -1) : x.createdAt < y.createdAt ? 1 : -1)).map((o) => o.orderId);

    for (const filters of [{ customerId: C }, { storeIds: [S] }, { storeIds: [S, "other"] }, { customerId: C, storeIds: [S] }]) {
      const seen: string[] = [];
      let next = "";
      for (let pages = 0; pages < 100; pages++) {
        const { status, body } = await search({ filters, limit: 7, next });
        expect(status).toBe(200);
        expect(body.orders.length).toBeLessThanOrEqual(7);
        seen.push(...ids(body));
        next = body.next;
        if (next === "") break;
      }
      expect(seen, JSON.stringify(filters)).toEqual(expected);
    }
  });

  it("defaults to 20 and caps at 100", async () => {
    const C = `limits-${crypto.randomUUID()}`;
    for (let i = 0; i < 101; i++) await seed({ customerId: C, items: [["s", "p", 1, 1]], at: at(500 + i) });
    expect((await search({ filters: { customerId: C } })).body.orders).toHaveLength(20);
    expect((await search({ filters: { customerId: C }, limit: -3 })).body.orders).toHaveLength(20);
    const capped = (await search({ filters: { customerId: C }, limit: 1000 })).body;
    expect(capped.orders).toHaveLength(100);
    const rest = (await search({ filters: { customerId: C }, limit: 1000, next: capped.next })).body;
    expect(rest).toMatchObject({ next: "" });
    expect(rest.orders).toHaveLength(1);
  });
});
