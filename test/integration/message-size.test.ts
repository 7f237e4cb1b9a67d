import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { aggregate } from "../../src/kernel/objects";
import { inObject, stubOf } from "./helpers";

const cause = { correlationId: "req-big", causationId: "req-big" };

describe("an envelope too large for the queue (SPEC §2.8)", () => {
  it("refuses the command with invalid request: message too large and writes nothing", async () => {
    const id = crypto.randomUUID();
    const store = aggregate(env.STORE, id);
    // past the door's limits only a caller inside the Worker can send this; the kernel still refuses it
    const result = await store.execute({ type: "CreateStore", name: "x".repeat(130_000), location: "L" }, cause);
    expect(result).toEqual({ ok: false, error: { code: 3, message: "invalid request: message too large" } });
    const rows = await inObject(stubOf(env.STORE, id), (_, state) => ({
      events: state.storage.sql.exec("SELECT 1 FROM events").toArray().length,
      outbox: state.storage.sql.exec("SELECT 1 FROM outbox").toArray().length,
    }));
    expect(rows).toEqual({ events: 0, outbox: 0 });
    expect(await store.get()).toEqual({ ok: false, error: { code: 5, message: "store with that ID does not exist" } });
    expect(await store.execute({ type: "CreateStore", name: "Small", location: "L" }, cause)).toEqual({ ok: true, value: { version: 1 } });
  });
});
