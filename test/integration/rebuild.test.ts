import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { streamsPageSql } from "../../src/kernel/rebuild";
import { eventually } from "./helpers";

/** The read-model rebuild of SPEC §7, inside workerd with the real consumers feeding the read models. */

const auth = { authorization: "Bearer test-admin-token" };
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await SELF.fetch(`http://mallbots${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};
const rebuild = (context: string, body: unknown) => call("POST", `/api/admin/read-models/${context}/rebuild`, body, auth);

async function mallWithCatalog(stores: number, productsPerStore: number) {
  const ids: { store: string; products: string[] }[] = [];
  for (let s = 0; s < stores; s++) {
    const store = (await call("POST", "/api/stores", { name: `Store ${s}`, location: `Level ${s}` })).body.id as string;
    const products: string[] = [];
    for (let p = 0; p < productsPerStore; p++) {
      products.push((await call("POST", `/api/stores/${store}/products`, { name: `P${s}.${p}`, sku: `s${p}`, price: p + 0.5 })).body.id);
    }
    ids.push({ store, products });
  }
  await call("PUT", `/api/stores/products/${ids[0]!.products[0]}/increasePrice`, { price: 99.99 });
  await call("DELETE", `/api/stores/products/${ids[0]!.products[1]}`);
  await call("PUT", `/api/stores/${ids[1]!.store}/participating`, {});
  return ids;
}

/** Every query the Stores read model answers, for the given stores. */
const storesQueries = async (stores: string[]) => ({
  all: (await call("GET", "/api/stores")).body,
  participating: (await call("GET", "/api/stores/participating")).body,
  catalogs: await Promise.all(stores.map(async (id) => (await call("GET", `/api/stores/${id}/products`)).body)),
});

describe("POST /api/admin/read-models/{context}/rebuild", () => {
  it("refuses contexts without a read model, and names from the prototype", async () => {
    for (const context of ["cosec", "ordering", "customers", "constructor", "__proto__", "toString", "nope"]) {
      expect(await rebuild(context, {}), context).toEqual({ status: 400, body: { code: 3, message: "invalid request: context", details: [] } });
    }
  });

  it("refuses a malformed cursor and a wrong type", async () => {
    expect((await rebuild("stores", { next: "%%%" })).body).toEqual({ code: 3, message: "invalid request: next", details: [] });
    expect((await rebuild("stores", { batchSize: "5" })).body).toEqual({ code: 3, message: "invalid request: batchSize", details: [] });
  });

  it("needs the admin token", async () => {
    expect((await call("POST", "/api/admin/read-models/stores/rebuild", {})).status).toBe(401);
  });

  it("empties the stores read model on the first call and refills it in batches to the same query results", async () => {
    const mall = await mallWithCatalog(3, 3);
    const stores = mall.map((m) => m.store);
    // every event projected: each catalog lists exactly its live products, the new price and participation shown
    const live = mall.map((m, i) => (i === 0 ? m.products.filter((_, p) => p !== 1) : m.products).sort());
    const before = await eventually(async () => {
      const seen = await storesQueries(stores);
      const ids = seen.catalogs.map((c: { products: { id: string }[] }) => c.products.map((p) => p.id).sort());
      const priced = seen.catalogs[0].products.some((p: { price: number }) => p.price === 99.99);
      const participating = seen.all.stores.find((x: { id: string }) => x.id === stores[1])?.participating === true && seen.participating.stores.length === 1;
      return JSON.stringify(ids) === JSON.stringify(live) && priced && participating ? seen : undefined;
    });

    const first = await rebuild("stores", { next: "", batchSize: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rebuilt: 2, next: expect.any(String) });
    expect(first.body.next).not.toBe("");
    // emptied, then two rows back: the queries are incomplete until the rebuild ends
    expect(await storesQueries(stores)).not.toEqual(before);

    let next = first.body.next as string;
    let calls = 1;
    let rebuilt = first.body.rebuilt as number;
    while (next !== "") {
      const page = await rebuild("stores", { next, batchSize: 2 });
      expect(page.status).toBe(200);
      next = page.body.next;
      rebuilt += page.body.rebuilt;
      calls++;
    }
    const seen = await env.STORES_DB.prepare("SELECT COUNT(*) AS n FROM streams").first<{ n: number }>();
    expect(rebuilt).toBe(seen!.n);
    expect(calls).toBe(Math.ceil(seen!.n / 2));
    expect(await storesQueries(stores)).toEqual(before);
  });

  it("rebuilds the depot's caches and board, and keeps the inbox and streams", async () => {
    const { store, products } = (await mallWithCatalog(2, 2))[0]!;
    await eventually(async () => ((await env.DEPOT_DB.prepare("SELECT 1 FROM products_cache WHERE id = ?").bind(products[0]!).first()) ? true : undefined));
    const counts = async () => ({
      inbox: (await env.DEPOT_DB.prepare("SELECT COUNT(*) AS n FROM inbox").first<{ n: number }>())!.n,
      streams: (await env.DEPOT_DB.prepare("SELECT COUNT(*) AS n FROM streams").first<{ n: number }>())!.n,
      stores: (await env.DEPOT_DB.prepare("SELECT COUNT(*) AS n FROM stores_cache").first<{ n: number }>())!.n,
    });
    const before = await counts();
    const row = await env.DEPOT_DB.prepare("SELECT id, name, location, version FROM stores_cache WHERE id = ?").bind(store).first();
    let next = "";
    do next = (await rebuild("depot", { next, batchSize: 500 })).body.next;
    while (next !== "");
    // late messages may still add inbox rows; nothing is ever removed from the inbox or streams
    const after = await counts();
    expect(after.inbox).toBeGreaterThanOrEqual(before.inbox);
    expect(after.streams).toBeGreaterThanOrEqual(before.streams);
    expect(after.stores).toBe(before.stores);
    expect(await env.DEPOT_DB.prepare("SELECT id, name, location, version FROM stores_cache WHERE id = ?").bind(store).first()).toEqual(row);
  });

  it("pages streams on the primary key range", async () => {
    const plan = await env.STORES_DB.prepare(`EXPLAIN QUERY PLAN ${streamsPageSql.after}`).bind(10, "a", "b").all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_streams_1 \(\(aggregate_name,id\)>\(\?,\?\)\)/);
  });
});
