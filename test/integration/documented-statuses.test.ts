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

/** Operations whose 200 needs state this test does not build (the saga, the depot caches, a dead letter). */
const successElsewhere: Record<string, string> = {
  createShoppingList: "needs the depot's store and product caches, filled through the queues",
  getShoppingList: "needs a shopping list",
  cancelShoppingList: "needs a shopping list",
  assignShoppingList: "needs a shopping list",
  completeShoppingList: "needs an assigned shopping list",
  getInvoice: "needs the create-order saga to have run",
  payInvoice: "needs the create-order saga to have run",
  adjustInvoice: "needs the create-order saga to have run",
  getSearchOrder: "needs the search projection of an order",
  getDeadLetter: "needs a dead letter",
  discardDeadLetter: "needs a dead letter",
  replayDeadLetter: "needs a dead letter",
};

describe("documented 200", () => {
  it("each operation, called in a journey, answers 200; the rest are listed with what they need", async () => {
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
    await call("getSaga", "GET", `/api/admin/sagas/${order}`, undefined, auth);
    await call("cancelOrder", "DELETE", `/api/ordering/${order}`);
    await call("removeProduct", "DELETE", `/api/stores/products/${product}`);
    await call("listShoppingLists", "GET", "/api/depot/shopping");
    await call("listNotifications", "GET", `/api/notifications?customerId=${customer}`);
    await call("searchOrders", "POST", "/api/search/orders", {});
    await call("getStreamEvents", "GET", `/api/admin/streams/stores.Store/${store}/events`, undefined, auth);
    await call("listDeadLetters", "GET", "/api/admin/dead-letters", undefined, auth);
    await call("rebuildReadModel", "POST", "/api/admin/read-models/stores/rebuild", {}, auth);

    const notOk = [...answered].filter(([, status]) => status !== 200);
    expect(notOk).toEqual([]);
    const doc = (await (await SELF.fetch("http://mallbots/openapi.json")).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    for (const id of operationIds) expect(answered.has(id) || id in successElsewhere, `${id}: 200 produced nowhere`).toBe(true);
    for (const id of Object.keys(successElsewhere)) expect(answered.has(id), `${id} is called here after all`).toBe(false);
  });
});
