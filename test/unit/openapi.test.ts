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
    // the routes, plus liveness
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(routes.length + 1);
  });

  it("documents each operation's error statuses with the Error schema, derived from its definition", async () => {
    const doc = (await (await buildApp().request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content: Record<string, { schema: unknown }> }> }>>;
    };
    const byId = new Map(Object.values(doc.paths).flatMap((m) => Object.values(m)).map((o) => [o.operationId, o]));
    const statuses = (id: string) => Object.keys(byId.get(id)!.responses);
    expect(statuses("getStores")).toEqual(["200", "500"]); // no input, no id
    expect(statuses("createStore")).toEqual(["200", "400", "413", "500"]); // a body, a new aggregate
    expect(statuses("getStore")).toEqual(["200", "404", "500"]);
    expect(statuses("getStoreProducts")).toEqual(["200", "500"]); // an unknown store lists nothing
    expect(statuses("rebrandStore")).toEqual(["200", "400", "404", "409", "413", "500"]);
    expect(statuses("removeProduct")).toEqual(["200", "404", "409", "500"]); // no body, no rule
    expect(statuses("cancelBasket")).toEqual(["200", "400", "404", "409", "500"]); // a rule without a body
    expect(statuses("listShoppingLists")).toEqual(["200", "400", "500"]); // a query
    expect(statuses("createShoppingList")).toEqual(["200", "400", "404", "413", "500"]); // unknown store or product
    expect(statuses("getSaga")).toEqual(["200", "401", "404", "500"]);
    expect(statuses("rebuildReadModel")).toEqual(["200", "400", "401", "404", "413", "500"]);
    for (const [id, op] of byId) {
      if (id === "liveness") continue;
      for (const [status, response] of Object.entries(op.responses)) {
        // readiness's 503 has its own body ({ready: false, failing})
        if (status === "200" || (id === "getReadiness" && status === "503")) continue;
        expect(response.content["application/json"]!.schema, `${id} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
    const liveness = doc.paths["/liveness"]!.get!;
    expect(Object.keys(liveness.responses)).toEqual(["200"]);
    expect(liveness.responses["200"]!.content["text/plain"]!.schema).toEqual({ type: "string", const: "." });
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
