import { describe, expect, it } from "vitest";
import { buildApp, routes } from "../../src/app";

/** operationIds of SPEC §3 and §7 for the contexts built so far. */
const expected = {
  stores: ["createStore", "enableParticipation", "disableParticipation", "rebrandStore", "addProduct", "rebrandProduct", "increaseProductPrice", "decreaseProductPrice", "removeProduct", "getStores", "getParticipatingStores", "getStore", "getStoreProducts", "getProduct"],
  baskets: ["startBasket", "getBasket", "cancelBasket", "addItem", "removeItem", "checkoutBasket"],
  customers: ["registerCustomer", "changeSmsNumber", "enableCustomer", "disableCustomer", "getCustomer"],
  ordering: ["createOrder", "getOrder", "cancelOrder"],
  depot: ["createShoppingList", "listShoppingLists", "getShoppingList", "cancelShoppingList", "assignShoppingList", "completeShoppingList"],
  payments: ["authorizePayment", "getInvoice", "payInvoice", "adjustInvoice"],
  notifications: ["listNotifications"],
  search: ["searchOrders", "getSearchOrder"],
};

describe("OpenAPI document", () => {
  it("lists every operation of the built contexts under its context's tag, and secures admin routes", async () => {
    const res = await buildApp().request("/openapi.json");
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { operationId: string; tags: string[]; security?: unknown }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("MallBots");
    const operations = Object.values(doc.paths).flatMap((byMethod) => Object.values(byMethod));
    for (const [tag, ids] of Object.entries(expected)) {
      const tagged = operations.filter((o) => o.tags[0] === tag).map((o) => o.operationId).sort();
      expect(tagged, tag).toEqual([...ids].sort());
    }
    const admin = operations.filter((o) => o.tags[0] === "admin");
    expect(admin.length).toBeGreaterThan(0);
    for (const o of admin) expect(o.security, o.operationId).toEqual([{ adminBearer: [] }]);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(routes.length);
  });
});
