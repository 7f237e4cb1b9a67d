import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { eventually, inObject } from "./helpers";

/**
 * The 409 that /openapi.json documents for routes writing the aggregate their path names, produced over
 * HTTP: the object's cached state is behind its stored stream, as when another writer appended first.
 * Every such route executes through the same aggregate object (`writes` in src/kernel/api.ts).
 */
describe("documented 409", () => {
  it("a command on an aggregate modified behind its object's back answers 409 code 10, then succeeds once reloaded", async () => {
    const call = (method: string, path: string, body: unknown) =>
      SELF.fetch(`http://mallbots${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await call("POST", "/api/stores", { name: "Conflicts", location: "Mall" });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const stub = env.STORE.get(env.STORE.idFromName(id));
    await inObject(stub, (_, state) => {
      state.storage.sql.exec(
        "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (2, 'behind', 'stores.StoreRebranded', '{\"name\":\"Elsewhere\"}', '{}', ?)",
        new Date().toISOString(),
      );
    });

    const conflict = await call("PUT", `/api/stores/${id}/rebrand`, { name: "Here" });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ code: 10, message: "the aggregate was modified concurrently", details: [] });
    const retried = await call("PUT", `/api/stores/${id}/rebrand`, { name: "Here" });
    expect(retried.status).toBe(200);
    // let the queue deliveries the writes caused finish inside the test
    await eventually(async () => {
      const { stores } = (await (await SELF.fetch("http://mallbots/api/stores")).json()) as { stores: { id: string; name: string }[] };
      return stores.find((s) => s.id === id && s.name === "Here");
    });
  });
});

/** Operations whose 200 this test does not produce, with the reason (none left: the journey builds the state). */
const successElsewhere: Record<string, string> = {};

/** Waits (no fixed sleeps) until the depot's caches hold the store and the product. */
const inDepotCaches = (store: string, product: string) =>
  eventually(async () => {
    const s = await env.DEPOT_DB.prepare("SELECT 1 AS x FROM stores_cache WHERE id = ?").bind(store).first();
    const p = await env.DEPOT_DB.prepare("SELECT 1 AS x FROM products_cache WHERE id = ?").bind(product).first();
    return s && p ? true : undefined;
  }, 30_000);

/** A dead letter row as queues/dead-letters.ts writes it. */
async function insertDeadLetter(context: string, envelope: unknown, messageId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.OPS_DB.prepare(
    "INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at, replay_count) VALUES (?, ?, ?, ?, ?, 5, 'boom', ?, 0)",
  )
    .bind(id, context, messageId, name, typeof envelope === "string" ? envelope : JSON.stringify(envelope), new Date().toISOString())
    .run();
  return id;
}

describe("documented 200", () => {
  it("each operation, called in a journey, answers 200; the rest are listed with what they need", { timeout: 240_000 }, async () => {
    const auth = { authorization: "Bearer test-admin-token" };
    const answered = new Map<string, number>();
    const call = async (operationId: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await SELF.fetch(`http://mallbots${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      answered.set(operationId, res.status);
      return (await res.json().catch(() => undefined)) as any;
    };
    await call("liveness", "GET", "/liveness");
    await call("getReadiness", "GET", "/readiness");
    const store = (await call("createStore", "POST", "/api/stores", { name: "Journey", location: "Mall" })).id;
    await call("getStores", "GET", "/api/stores");
    await call("getStore", "GET", `/api/stores/${store}`);
    await call("rebrandStore", "PUT", `/api/stores/${store}/rebrand`, { name: "Journey 2" });
    await call("enableParticipation", "PUT", `/api/stores/${store}/participating`, {});
    await call("getParticipatingStores", "GET", "/api/stores/participating");
    await call("disableParticipation", "DELETE", `/api/stores/${store}/participating`);
    const product = (await call("addProduct", "POST", `/api/stores/${store}/products`, { name: "Cup", description: "", sku: "c1", price: 2 })).id;
    await call("getStoreProducts", "GET", `/api/stores/${store}/products`);
    await call("getProduct", "GET", `/api/stores/products/${product}`);
    await call("rebrandProduct", "PUT", `/api/stores/products/${product}/rebrand`, { name: "Mug", description: "tall" });
    await call("increaseProductPrice", "PUT", `/api/stores/products/${product}/increasePrice`, { price: 3 });
    await call("decreaseProductPrice", "PUT", `/api/stores/products/${product}/decreasePrice`, { price: 2.5 });
    const customer = (await call("registerCustomer", "POST", "/api/customers", { name: "Ann", smsNumber: "555" })).id;
    await call("getCustomer", "GET", `/api/customers/${customer}`);
    await call("changeSmsNumber", "PUT", `/api/customers/${customer}/change-sms`, { smsNumber: "556" });
    await call("disableCustomer", "PUT", `/api/customers/${customer}/disable`, {});
    await call("enableCustomer", "PUT", `/api/customers/${customer}/enable`, {});
    const basket = (await call("startBasket", "POST", "/api/baskets", { customerId: customer })).id;
    await call("getBasket", "GET", `/api/baskets/${basket}`);
    await call("addItem", "PUT", `/api/baskets/${basket}/addItem`, { productId: product, quantity: 2 });
    await call("removeItem", "PUT", `/api/baskets/${basket}/removeItem`, { productId: product, quantity: 1 });
    const payment = (await call("authorizePayment", "POST", "/api/payments", { customerId: customer, amount: 2.5 })).id;
    await call("checkoutBasket", "PUT", `/api/baskets/${basket}/checkout`, { paymentId: payment });
    const other = (await call("startBasket", "POST", "/api/baskets", { customerId: customer })).id;
    await call("cancelBasket", "DELETE", `/api/baskets/${other}`);
    const items = [{ productId: product, storeId: store, storeName: "Journey 2", productName: "Mug", price: 2.5, quantity: 1 }];
    const order = (await call("createOrder", "POST", "/api/ordering", { items, customerId: customer, paymentId: payment })).id;
    await call("getOrder", "GET", `/api/ordering/${order}`);
    await call("cancelOrder", "DELETE", `/api/ordering/${order}`);
    await call("removeProduct", "DELETE", `/api/stores/products/${product}`);
    await call("listShoppingLists", "GET", "/api/depot/shopping");
    await call("listNotifications", "GET", `/api/notifications?customerId=${customer}`);
    await call("searchOrders", "POST", "/api/search/orders", {});
    await call("getStreamEvents", "GET", `/api/admin/streams/stores.Store/${store}/events`, undefined, auth);
    await call("listDeadLetters", "GET", "/api/admin/dead-letters", undefined, auth);
    await call("rebuildReadModel", "POST", "/api/admin/read-models/stores/rebuild", {}, auth);

    // the state the remaining operations need, built over HTTP (the queues run for real)
    const get = async (path: string) => {
      const res = await SELF.fetch(`http://mallbots${path}`);
      return { status: res.status, body: (await res.json()) as any };
    };
    const mall = (await call("createStore", "POST", "/api/stores", { name: "Depot", location: "Mall" })).id;
    const cup = (await call("addProduct", "POST", `/api/stores/${mall}/products`, { name: "Cup", description: "", sku: "c2", price: 10.49 })).id;
    await inDepotCaches(mall, cup);
    const spare = (await call("createShoppingList", "POST", "/api/depot/shopping", { orderId: crypto.randomUUID(), items: [{ productId: cup, storeId: mall, quantity: 1 }] })).id;
    await call("getShoppingList", "GET", `/api/depot/shopping/${spare}`);
    await call("cancelShoppingList", "POST", `/api/depot/shopping/${spare}`, {});

    // an order through the create-order saga: approved, its list assigned and completed, its invoice adjusted and paid
    const buyer = (await call("registerCustomer", "POST", "/api/customers", { name: "Bea", smsNumber: "557" })).id;
    const cart = (await call("startBasket", "POST", "/api/baskets", { customerId: buyer })).id;
    await call("addItem", "PUT", `/api/baskets/${cart}/addItem`, { productId: cup, quantity: 2 });
    const paid = (await call("authorizePayment", "POST", "/api/payments", { customerId: buyer, amount: 20.98 })).id;
    await call("checkoutBasket", "PUT", `/api/baskets/${cart}/checkout`, { paymentId: paid });
    const approved = await eventually(async () => {
      const { status, body } = await get(`/api/ordering/${cart}`);
      return status === 200 && body.order.status === "approved" ? body.order : undefined;
    }, 45_000);
    await call("getSaga", "GET", `/api/admin/sagas/${cart}`, undefined, auth);
    await eventually(async () => {
      const { body } = await get("/api/depot/shopping?status=available&limit=100");
      return body.shoppingLists.some((l: { id: string }) => l.id === approved.shoppingId) ? true : undefined;
    }, 30_000);
    await call("assignShoppingList", "PUT", `/api/depot/shopping/${approved.shoppingId}/assign`, { botId: "bot-1" });
    await call("completeShoppingList", "PUT", `/api/depot/shopping/${approved.shoppingId}/complete`, {});
    await eventually(async () => ((await get(`/api/payments/invoices/${cart}`)).status === 200 ? true : undefined), 30_000);
    await call("getInvoice", "GET", `/api/payments/invoices/${cart}`);
    await call("adjustInvoice", "PUT", `/api/payments/invoices/${cart}/adjust`, { amount: 19.98 });
    await call("payInvoice", "PUT", `/api/payments/invoices/${cart}/pay`, {});
    // the search projection shows the order completed, so the deliveries the saga caused have landed
    await eventually(async () => {
      const res = await SELF.fetch("http://mallbots/api/search/orders", { method: "POST", body: JSON.stringify({ filters: { customerId: buyer } }) });
      const { orders } = (await res.json()) as { orders: { orderId: string; status: string }[] };
      return orders.some((o) => o.orderId === cart && o.status === "Completed") ? true : undefined;
    }, 45_000);
    await call("getSearchOrder", "GET", `/api/search/orders/${cart}`);

    // a dead letter with a valid envelope for the stores context: shown, replayed (the read model gets the store), discarded
    const lost = crypto.randomUUID();
    const envelope = {
      id: crypto.randomUUID(),
      name: "stores.StoreCreated",
      payload: { name: "Lost", location: "L" },
      metadata: { correlationId: "c", causationId: "c", aggregateName: "stores.Store", aggregateId: lost, aggregateVersion: 1 },
      occurredAt: new Date().toISOString(),
    };
    const letter = await insertDeadLetter("stores", envelope, envelope.id, envelope.name);
    await call("getDeadLetter", "GET", `/api/admin/dead-letters/${letter}`, undefined, auth);
    await call("replayDeadLetter", "POST", `/api/admin/dead-letters/${letter}/replay`, {}, auth);
    await eventually(() => env.STORES_DB.prepare("SELECT 1 AS x FROM stores WHERE id = ?").bind(lost).first().then((r) => r ?? undefined), 30_000);
    await call("discardDeadLetter", "DELETE", `/api/admin/dead-letters/${letter}`, undefined, auth);

    const notOk = [...answered].filter(([, status]) => status !== 200);
    expect(notOk).toEqual([]);
    const doc = (await (await SELF.fetch("http://mallbots/openapi.json")).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    for (const id of operationIds) expect(answered.has(id) || id in successElsewhere, `${id}: 200 produced nowhere`).toBe(true);
    for (const id of Object.keys(successElsewhere)) expect(answered.has(id), `${id} is called here after all`).toBe(false);
  });
});

/**
 * Documented 400s and 404s that the state decides, which test/unit/documented-statuses.test.ts cannot
 * produce without bindings: each answers the status /openapi.json documents for its operation.
 */
describe("documented 400 and 404 that need state", () => {
  it("answers them over HTTP once the state is built", { timeout: 240_000 }, async () => {
    const auth = { authorization: "Bearer test-admin-token" };
    const doc = (await (await SELF.fetch("http://mallbots/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    const documented = new Map(Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => [o.operationId, Object.keys(o.responses)] as const)));
    const produced: string[] = [];
    const expectStatus = async (operationId: string, status: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      expect(documented.get(operationId), `${operationId} documents ${status}`).toContain(`${status}`);
      const res = await SELF.fetch(`http://mallbots${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await res.json()) as unknown;
      expect(res.status, `${operationId}: ${JSON.stringify(answer)}`).toBe(status);
      produced.push(`${operationId} ${status}`);
      return answer;
    };
    const post = async (path: string, body: unknown) =>
      (await (await SELF.fetch(`http://mallbots${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as any;
    const put = async (path: string, body: unknown) =>
      SELF.fetch(`http://mallbots${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    const store = (await post("/api/stores", { name: "Refusals", location: "Mall" })).id;
    const product = (await post(`/api/stores/${store}/products`, { name: "Pen", description: "", sku: "p1", price: 1.5 })).id;
    await inDepotCaches(store, product);
    expect(await expectStatus("disableParticipation", 400, "DELETE", `/api/stores/${store}/participating`)).toMatchObject({ code: 3 });
    await expectStatus("createShoppingList", 404, "POST", "/api/depot/shopping", {
      orderId: crypto.randomUUID(),
      items: [{ productId: product, storeId: crypto.randomUUID(), quantity: 1 }],
    });
    await expectStatus("getSearchOrder", 404, "GET", `/api/search/orders/${crypto.randomUUID()}`);

    const customer = (await post("/api/customers", { name: "Cy", smsNumber: "558" })).id;
    const basket = (await post("/api/baskets", { customerId: customer })).id;
    await expectStatus("removeItem", 404, "PUT", `/api/baskets/${basket}/removeItem`, { productId: crypto.randomUUID(), quantity: 1 });
    expect((await put(`/api/baskets/${basket}/addItem`, { productId: product, quantity: 2 })).status).toBe(200);
    const payment = (await post("/api/payments", { customerId: customer, amount: 3 })).id;
    expect((await put(`/api/baskets/${basket}/checkout`, { paymentId: payment })).status).toBe(200);
    await expectStatus("cancelBasket", 400, "DELETE", `/api/baskets/${basket}`);
    await eventually(async () => {
      const res = await SELF.fetch(`http://mallbots/api/ordering/${basket}`);
      return res.status === 200 && ((await res.json()) as { order: { status: string } }).order.status === "approved" ? true : undefined;
    }, 45_000);
    await expectStatus("cancelOrder", 400, "DELETE", `/api/ordering/${basket}`);
    // the saga is done once the order is approved; its shopping list reaches the board
    await eventually(async () => {
      const res = await SELF.fetch("http://mallbots/api/depot/shopping?status=available&limit=100");
      const { shoppingLists } = (await res.json()) as { shoppingLists: { orderId: string }[] };
      return shoppingLists.some((l) => l.orderId === basket) ? true : undefined;
    }, 30_000);

    const invalid = crypto.randomUUID();
    const letter = await insertDeadLetter("stores", { id: invalid }, invalid, "stores.StoreCreated");
    await expectStatus("replayDeadLetter", 400, "POST", `/api/admin/dead-letters/${letter}/replay`, {}, auth);

    expect(produced.sort()).toEqual(
      ["cancelBasket 400", "cancelOrder 400", "createShoppingList 404", "disableParticipation 400", "getSearchOrder 404", "removeItem 404", "replayDeadLetter 400"].sort(),
    );
  });
});
