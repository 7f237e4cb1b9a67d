import { existsSync } from "node:fs";
import { join } from "node:path";
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

describe("API explorer at /", () => {
  it("is a Swagger UI page whose scripts and styles are all same-origin files, the initializer among them", async () => {
    const app = buildApp();
    const page = await app.request("/");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    const sources = [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["/explorer/favicon-32x32.png", "/explorer/swagger-ui.css", "/explorer/swagger-ui-bundle.js", "/explorer.js"]);
    expect(html).not.toMatch(/<script>|<style>|\son\w+="/); // nothing inline, so `script-src 'self'` allows the page
    const init = await app.request("/explorer.js");
    expect(init.headers.get("content-type")).toMatch(/^text\/javascript/);
    const script = await init.text();
    expect(script).toContain('url: "/openapi.json"');
    expect(script).toContain("validatorUrl: null");
  });

  it("copies every file the page loads from swagger-ui-dist into the assets directory", async () => {
    const { explorerDir, explorerFiles } = await import("../../scripts/assets.mjs");
    const html = await (await buildApp().request("/")).text();
    const assets = [...html.matchAll(/"\/explorer\/([^"]+)"/g)].map((m) => m[1]!);
    for (const file of assets) expect(explorerFiles).toContain(file);
    for (const file of explorerFiles) expect(existsSync(join(explorerDir, file)), file).toBe(true);
  });
});
