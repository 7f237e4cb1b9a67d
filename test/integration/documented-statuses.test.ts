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
