import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { readModels, streamBindings } from "../../src/modules";
import { contexts } from "../../queues/topology";

/** The /admin explorer (SPEC §7): served by the Worker itself, without a token, from this origin only. */
const get = (path: string, env: Record<string, string> = { ADMIN_TOKEN: "secret-token" }) => buildApp().request(path, {}, env);

const files = [
  ["/admin", "text/html; charset=UTF-8"],
  ["/admin/app.js", "text/javascript; charset=utf-8"],
  ["/admin/app.css", "text/css; charset=utf-8"],
] as const;

describe("admin explorer", () => {
  it.each(files)("serves %s as %s without a token", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(100);
    // no other host: no absolute or protocol-relative URLs
    expect(text).not.toMatch(/https?:\/\//i);
    expect(text).not.toMatch(/(?:src|href)\s*=\s*["']?\/\//i);
  });

  it("serves a script that parses", async () => {
    const script = await (await get("/admin/app.js")).text();
    expect(() => new Function(script)).not.toThrow();
    expect(() => new Function(script + "\n}")).toThrow(SyntaxError); // the check can fail
  });

  it("serves the page when ADMIN_TOKEN is unset (its data calls then answer 404)", async () => {
    expect((await get("/admin", {})).status).toBe(200);
    expect((await get("/api/admin/dead-letters", {})).status).toBe(404);
  });

  it("has no inline script or style, so a CSP of script-src 'self' allows it", async () => {
    const html = await (await get("/admin")).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map((m) => [m[1]!.trim(), m[2]])).toStrictEqual([['src="/admin/app.js" defer', ""]]);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<link rel="stylesheet" href="/admin/app.css">');
  });

  it("offers the aggregate names, read-model contexts and dead-letter contexts the admin API accepts", async () => {
    const html = await (await get("/admin")).text();
    const optionsOf = (id: string) => {
      const select = new RegExp(`<select id="${id}">([\\s\\S]*?)</select>`).exec(html)?.[1] ?? "";
      return [...select.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
    };
    expect(optionsOf("stream-name")).toStrictEqual([...streamBindings.keys()]);
    expect(optionsOf("stream-name")).toEqual(
      expect.arrayContaining(["stores.Store", "stores.Product", "baskets.Basket", "customers.Customer", "ordering.Order", "depot.ShoppingList", "payments.Payment", "payments.Invoice"]),
    );
    expect(optionsOf("rebuild-context")).toStrictEqual(["stores", "baskets", "depot", "notifications", "search"]);
    expect(optionsOf("rebuild-context")).toStrictEqual([...readModels.keys()]);
    expect(optionsOf("dl-context")).toStrictEqual(["", ...contexts]);
  });

  it("is not an operation of the OpenAPI document", async () => {
    const doc = (await (await get("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === "/admin" || p.startsWith("/admin/"))).toStrictEqual([]);
  });
});
