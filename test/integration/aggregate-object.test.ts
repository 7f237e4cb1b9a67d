import { abortAllDurableObjects, env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AggregateObject } from "../../objects/aggregate-object";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import { capturingQueues, eventually, failingQueues, inObject, patchEnv, setClock, stubOf } from "./helpers";

const cause = { correlationId: "req-1", causationId: "req-1" };
const newStore = () => {
  const id = crypto.randomUUID();
  return { id, stub: stubOf(env.STORE, id), client: aggregate(env.STORE, id) };
};
const sqlOf = (state: DurableObjectState) => state.storage.sql;
/** What eviction does to an object: its in-memory state is gone and the next call loads from storage. */
const forgetState = (instance: AggregateObject<any, any, any>) => {
  (instance as unknown as { loaded: unknown }).loaded = null;
};

describe("append", () => {
  it("appends events at strictly increasing versions with their metadata", async () => {
    const { id, stub, client } = newStore();
    expect(await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause)).toEqual({ ok: true, value: { version: 1 } });
    expect(await client.execute({ type: "RebrandStore", name: "B" }, cause)).toEqual({ ok: true, value: { version: 2 } });
    const rows = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ version: number; name: string; metadata: string }>("SELECT version, name, metadata FROM events ORDER BY version").toArray(),
    );
    expect(rows.map((r) => [r.version, r.name])).toEqual([
      [1, "stores.StoreCreated"],
      [2, "stores.StoreRebranded"],
    ]);
    expect(JSON.parse(rows[0]!.metadata)).toEqual(cause);
    expect(await client.get()).toMatchObject({ ok: true, value: { id, name: "B", version: 2 } });
  });

  it("rejects an append whose expected version differs from the stored one, writes nothing, then reloads", async () => {
    const { stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    const outcome = await inObject(stub, async (instance, state) => {
      // another writer appended behind this object's back: the in-memory state (version 1) is stale
      sqlOf(state).exec(
        "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (2, 'x', 'stores.StoreRebranded', '{\"name\":\"Z\"}', '{}', ?)",
        new Date().toISOString(),
      );
      const conflict = await instance.execute("ignored", { type: "RebrandStore", name: "C" }, cause);
      const count = sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
      const outbox = sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE name = 'stores.StoreRebranded'").one().n;
      return { conflict, count, outbox };
    });
    expect(outcome.conflict).toEqual({ ok: false, error: { code: 10, message: "the aggregate was modified concurrently" } });
    expect(outcome.count).toBe(2);
    expect(outcome.outbox).toBe(0);
    // the failed transaction discarded the cached state: the next command sees version 2
    expect(await client.execute({ type: "RebrandStore", name: "D" }, cause)).toEqual({ ok: true, value: { version: 3 } });
    expect(await client.get()).toMatchObject({ ok: true, value: { name: "D", version: 3 } });
  });

  it("answers 404 for commands and GETs on an aggregate that does not exist, writing nothing", async () => {
    const { stub, client } = newStore();
    expect(await client.execute({ type: "RebrandStore", name: "X" }, cause)).toEqual({
      ok: false,
      error: { code: 5, message: "store with that ID does not exist" },
    });
    expect(await client.get()).toEqual({ ok: false, error: { code: 5, message: "store with that ID does not exist" } });
    const snap = await client.snapshot();
    expect(snap).toMatchObject({ ok: true, value: { exists: false, version: 0 } });
    const count = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM outbox) AS n").one().n,
    );
    expect(count).toBe(0);
  });
});

describe("snapshots (SNAPSHOT_EVERY = 5 in tests)", () => {
  it("writes a snapshot when the version crosses a multiple of N and loads from it cold", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "v1", location: "L" }, cause);
    for (let v = 2; v <= 12; v++) await client.execute({ type: "RebrandStore", name: `v${v}` }, cause);
    const snapshots = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ version: number; name: string; state: string }>("SELECT version, name, state FROM snapshots").toArray(),
    );
    // only the latest is kept, taken at version 10, holding exactly the state fields
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.version).toBe(10);
    expect(snapshots[0]!.name).toBe("stores.StoreV1");
    expect(Object.keys(JSON.parse(snapshots[0]!.state)).sort()).toEqual(["id", "location", "name", "participating", "version"]);
    expect(JSON.parse(snapshots[0]!.state).name).toBe("v10");

    const load = await inObject(stub, async (instance) => {
      forgetState(instance);
      expect(await instance.get(id)).toMatchObject({ ok: true, value: { name: "v12", version: 12 } });
      return instance.lastLoad;
    });
    expect(load).toEqual({ snapshotVersion: 10, eventsRead: 2 });
  });

  it("replays every event when there is no snapshot yet", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "v1", location: "L" }, cause);
    await client.execute({ type: "RebrandStore", name: "v2" }, cause);
    const load = await inObject(stub, async (instance) => {
      forgetState(instance);
      expect(await instance.get(id)).toMatchObject({ ok: true, value: { name: "v2" } });
      return instance.lastLoad;
    });
    expect(load).toEqual({ snapshotVersion: 0, eventsRead: 2 });
  });
});

describe("outbox", () => {
  it("writes the domain event and the integration event with aggregate metadata, relays them and marks them sent", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "Relay", location: "L" }, { correlationId: "corr", causationId: "cause" });
    const rows = await eventually(async () => {
      const r = await inObject(stub, (_, state) =>
        sqlOf(state)
          .exec<{ name: string; metadata: string; destinations: string; sent_at: string | null }>(
            "SELECT name, metadata, destinations, sent_at FROM outbox ORDER BY rowid",
          )
          .toArray(),
      );
      return r.every((row) => row.sent_at !== null) ? r : undefined;
    });
    expect(rows.map((r) => [r.name, JSON.parse(r.destinations)])).toEqual([
      ["stores.StoreCreated", ["stores"]],
      ["storesapi.StoreCreated", ["baskets", "depot"]],
    ]);
    expect(JSON.parse(rows[1]!.metadata)).toEqual({
      correlationId: "corr",
      causationId: "cause",
      aggregateName: "stores.Store",
      aggregateId: id,
      aggregateVersion: 1,
    });
    // and the message really arrived: the stores consumer projected it into the mall
    await eventually(() => env.STORES_DB.prepare("SELECT name FROM stores WHERE id = ?").bind(id).first<{ name: string }>().then((r) => r ?? undefined));
  });

  it("writes no outbox row for a message nobody subscribes to (StoreParticipatingToggled)", async () => {
    const { stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    await client.execute({ type: "EnableParticipation" }, cause);
    const names = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ name: string }>("SELECT name FROM outbox ORDER BY rowid").toArray().map((r) => r.name),
    );
    expect(names).not.toContain("storesapi.StoreParticipatingToggled");
    expect(names).toContain("stores.StoreParticipationEnabled");
  });

  it("keeps messages whose send failed, arms a backoff alarm, and the alarm delivers them", async () => {
    const { id, stub } = newStore();
    const before = await inObject(stub, async (instance, state) => {
      const restore = patchEnv(instance, failingQueues());
      const result = await instance.execute(id, { type: "CreateStore", name: "Retry", location: "L" }, cause);
      // wait for the failed immediate relay to count its attempt
      const unsent = await eventually(async () => {
        const rows = sqlOf(state).exec<{ attempts: number; sent_at: string | null }>("SELECT attempts, sent_at FROM outbox").toArray();
        return rows.length > 0 && rows.every((r) => r.attempts >= 1 && r.sent_at === null) ? rows : undefined;
      });
      restore();
      return { result, unsent: unsent.length, alarm: await state.storage.getAlarm() };
    });
    expect(before.result).toEqual({ ok: true, value: { version: 1 } });
    expect(before.unsent).toBe(2);
    expect(before.alarm).not.toBeNull();

    // the alarm fires once the first backoff (1 s) has passed
    await inObject(stub, (instance) => setClock(instance, () => Date.now() + 1_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").one().n,
    );
    expect(after).toBe(0);
    await eventually(() => env.STORES_DB.prepare("SELECT name FROM stores WHERE id = ?").bind(id).first().then((r) => r ?? undefined));
  });

  it("arms the relay alarm in the commit itself, so unsent rows are delivered with no further request", async () => {
    const { id, stub } = newStore();
    const armed = await inObject(stub, async (instance, state) => {
      const restore = patchEnv(instance, { OUTBOX_RELAY_FAULT: "skip-immediate" });
      await instance.execute(id, { type: "CreateStore", name: "Crash", location: "L" }, cause);
      restore();
      const unsent = sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").one().n;
      return { unsent, alarm: await state.storage.getAlarm() };
    });
    expect(armed.unsent).toBe(2);
    expect(armed.alarm).not.toBeNull();
    await abortAllDurableObjects(); // the object "crashes" before relaying
    expect(await runDurableObjectAlarm(stubOf(env.STORE, id))).toBe(true);
    await eventually(() => env.STORES_DB.prepare("SELECT name FROM stores WHERE id = ?").bind(id).first().then((r) => r ?? undefined));
  });
});

describe("message-driven commands", () => {
  const command = (storeId: string, name: string, metadata: Record<string, string> = {}): Envelope => ({
    id: crypto.randomUUID(),
    name: "test.RebrandStore",
    payload: { id: storeId, name },
    metadata: { correlationId: "corr", causationId: "prev", ...metadata },
    occurredAt: new Date().toISOString(),
  });

  it("applies a redelivered command once and returns the same result", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    const message = command(id, "B");
    const first = await client.handle("stores.test.RebrandStore", message, { type: "RebrandStore", name: "B" });
    const second = await client.handle("stores.test.RebrandStore", message, { type: "RebrandStore", name: "B" });
    expect(first).toEqual({ ok: true, value: { version: 2 } });
    expect(second).toEqual(first);
    const rows = await inObject(stub, (_, state) => ({
      events: sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
      inbox: sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox").one().n,
      causation: JSON.parse(sqlOf(state).exec<{ metadata: string }>("SELECT metadata FROM events WHERE version = 2").one().metadata),
    }));
    expect(rows.events).toBe(2);
    expect(rows.inbox).toBe(1);
    expect(rows.causation).toEqual({ correlationId: "corr", causationId: message.id });
  });

  it("answers a saga command with exactly one reply committed with its effects, also on redelivery", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    const saga = { COMMAND_REPLY_CHANNEL: "mallbots.cosec.replies.CreateOrder", COMMAND_SAGA_ID: "order-1", COMMAND_SAGA_NAME: "cosec.CreateOrder" };
    const good = command(id, "B", saga);
    const bad = command(id, "", saga);
    const captured = capturingQueues();
    const results = await inObject(stub, async (instance) => {
      patchEnv(instance, captured.queues);
      return [
        await instance.handle(id, "h", good, { type: "RebrandStore", name: "B" }),
        await instance.handle(id, "h", good, { type: "RebrandStore", name: "B" }),
        await instance.handle(id, "h", bad, { type: "RebrandStore", name: "" }),
        await instance.handle(id, "h", bad, { type: "RebrandStore", name: "" }),
      ];
    });
    expect(results[0]).toEqual({ ok: true, value: { version: 2 } });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual({ ok: false, error: { code: 3, message: "the store name cannot be blank" }, replied: true });
    expect(results[3]).toEqual(results[2]);
    const replies = await eventually(async () => {
      const r = captured.sent("cosec");
      return r.length >= 2 ? r : undefined;
    });
    expect(replies.map((r) => [r.name, r.payload, r.metadata.REPLY_OUTCOME, r.metadata.causationId, r.metadata.REPLY_SAGA_ID])).toEqual([
      ["am.Success", {}, "SUCCESS", good.id, "order-1"],
      ["am.Failure", { code: 3, message: "the store name cannot be blank" }, "FAILURE", bad.id, "order-1"],
    ]);
    expect(await client.get()).toMatchObject({ ok: true, value: { name: "B", version: 2 } });
  });

  it("does not claim a reply when the transaction rolled back (a conflict), so the saga command is retried", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    const saga = { COMMAND_REPLY_CHANNEL: "mallbots.cosec.replies.CreateOrder", COMMAND_SAGA_ID: "order-2", COMMAND_SAGA_NAME: "cosec.CreateOrder" };
    const outcome = await inObject(stub, async (instance, state) => {
      sqlOf(state).exec(
        "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (2, 'x', 'stores.StoreRebranded', '{\"name\":\"Z\"}', '{}', ?)",
        new Date().toISOString(),
      );
      const result = await instance.handle(id, "h", command(id, "B", saga), { type: "RebrandStore", name: "B" });
      const rows = sqlOf(state).exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM outbox WHERE name LIKE 'am.%') AS n").one().n;
      return { result, rows };
    });
    expect(outcome.result).toEqual({ ok: false, error: { code: 10, message: "the aggregate was modified concurrently" } });
    expect(outcome.rows).toBe(0);
  });

  it("leaves a rule violation unrecorded when there is nobody to reply to, so the message is retried", async () => {
    const { id, stub, client } = newStore();
    await client.execute({ type: "CreateStore", name: "A", location: "L" }, cause);
    const message = command(id, "");
    expect(await client.handle("h", message, { type: "RebrandStore", name: "" })).toEqual({
      ok: false,
      error: { code: 3, message: "the store name cannot be blank" },
    });
    const inbox = await inObject(stub, (_, state) => sqlOf(state).exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox").one().n);
    expect(inbox).toBe(0);
  });
});
