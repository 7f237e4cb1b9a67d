import { abortAllDurableObjects, env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AggregateObject } from "../../objects/aggregate-object";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import { capturingQueues, eventually, failingQueues, inObject, patchEnv, setClock, stubOf } from "./helpers";

/**
 * The generic aggregate object (objects/aggregate-object.ts) hosting the toy counter (test/toy/counter.ts)
 * as ToyObject under the test-only binding TOY (test/integration/worker.ts).
 *
 * Routing is the project's own topology, so `toy.*` and `toyapi.*` messages have no subscriber and never
 * reach the outbox. ToyObject also announces an Open as `storesapi.StoreCreated` and an Add as
 * `storesapi.StoreRebranded` (names baskets and depot consume): those are the rows the relay moves.
 * Each toy's queues are captured (helpers.ts `capturingQueues`), except in the tests that prove a real
 * delivery, where the depot's store cache shows the message arrived.
 */

const cause = { correlationId: "req-1", causationId: "req-1" };
const open = (label = "Cups") => ({ type: "Open", label }) as const;
const add = (amount: number) => ({ type: "Add", amount }) as const;
const close = { type: "Close" } as const;
const notFound = { ok: false, error: { code: 5, message: "counter with that ID does not exist" } };
/** The one reply channel the topology knows (the CreateOrder saga's, routed to cosec). */
const replyChannel = "mallbots.cosec.replies.CreateOrder";

/** A new counter; its queues are captured unless `realQueues`. */
async function newToy({ realQueues = false } = {}) {
  const id = crypto.randomUUID();
  const stub = stubOf(env.TOY, id);
  const captured = capturingQueues();
  if (!realQueues) await inObject(stub, (instance) => void patchEnv(instance, captured.queues));
  return { id, stub, client: aggregate(env.TOY, id), captured };
}

const sqlOf = (state: DurableObjectState) => state.storage.sql;
const count = (state: DurableObjectState, sql: string) => sqlOf(state).exec<{ n: number }>(sql).one().n;
/** What eviction does to an object: its in-memory state is gone and the next call loads from storage. */
const forgetState = (instance: AggregateObject<any, any, any>) => {
  (instance as unknown as { loaded: unknown }).loaded = null;
};
/** The depot's cached copy of what the toy announced as a store: proof a message went through a real queue. */
const depotCopy = (id: string) =>
  eventually(() => env.DEPOT_DB.prepare("SELECT name, version FROM stores_cache WHERE id = ?").bind(id).first().then((r) => r ?? undefined));
/** Inserts version 2 behind the object's back, as a concurrent writer would. */
const appendBehindItsBack = (state: DurableObjectState) =>
  sqlOf(state).exec(
    "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (2, 'x', 'toy.Added', '{\"amount\":5}', '{}', ?)",
    new Date().toISOString(),
  );

describe("append", () => {
  it("appends events at strictly increasing versions with their metadata", async () => {
    const { id, stub, client } = await newToy();
    expect(await client.execute(open(), cause)).toEqual({ ok: true, value: { version: 1 } });
    expect(await client.execute(add(2), cause)).toEqual({ ok: true, value: { version: 2 } });
    expect(await client.execute(add(3), { correlationId: "req-2", causationId: "req-2" })).toEqual({ ok: true, value: { version: 3 } });
    const rows = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ version: number; name: string; metadata: string }>("SELECT version, name, metadata FROM events ORDER BY version").toArray(),
    );
    expect(rows.map((r) => [r.version, r.name])).toEqual([
      [1, "toy.Opened"],
      [2, "toy.Added"],
      [3, "toy.Added"],
    ]);
    expect(JSON.parse(rows[0]!.metadata)).toEqual(cause);
    expect(JSON.parse(rows[2]!.metadata)).toEqual({ correlationId: "req-2", causationId: "req-2" });
    expect(await client.get()).toEqual({ ok: true, value: { id, label: "Cups", count: 5, closed: false, version: 3 } });
  });

  it("rejects an append whose expected version differs from the stored one, writes nothing, then reloads", async () => {
    const { stub, client } = await newToy();
    await client.execute(open(), cause);
    const outcome = await inObject(stub, async (instance, state) => {
      appendBehindItsBack(state); // the in-memory state (version 1) is now stale
      const conflict = await instance.execute("ignored", add(1), cause);
      return {
        conflict,
        events: count(state, "SELECT COUNT(*) AS n FROM events"),
        outbox: count(state, "SELECT COUNT(*) AS n FROM outbox WHERE name = 'storesapi.StoreRebranded'"),
      };
    });
    expect(outcome.conflict).toEqual({ ok: false, error: { code: 10, message: "the aggregate was modified concurrently" } });
    expect(outcome.events).toBe(2);
    expect(outcome.outbox).toBe(0);
    // the failed transaction discarded the cached state: the next command sees version 2
    expect(await client.execute(add(1), cause)).toEqual({ ok: true, value: { version: 3 } });
    expect(await client.get()).toMatchObject({ ok: true, value: { count: 6, version: 3 } });
  });

  it("answers 404 for commands and GETs on an aggregate that does not exist, writing nothing", async () => {
    const { stub, client } = await newToy();
    expect(await client.execute(add(1), cause)).toEqual(notFound);
    expect(await client.get()).toEqual(notFound);
    expect(await client.snapshot()).toMatchObject({ ok: true, value: { exists: false, version: 0 } });
    expect(await inObject(stub, (_, state) => count(state, "SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM outbox) AS n"))).toBe(0);
  });

  it("returns a rule violation as a value and writes nothing", async () => {
    const { stub, client } = await newToy();
    await client.execute(open(), cause);
    expect(await client.execute(add(0), cause)).toEqual({ ok: false, error: { code: 3, message: "the amount must be a positive integer" } });
    expect(await client.execute(open(), cause)).toEqual({ ok: false, error: { code: 6, message: "the counter already exists" } });
    expect(await inObject(stub, (_, state) => count(state, "SELECT COUNT(*) AS n FROM events"))).toBe(1);
  });
});

describe("reads", () => {
  it("hides a state the type marks invisible from get, while snapshot and history still show it", async () => {
    const { id, client } = await newToy();
    await client.execute(open("Jars"), cause);
    for (let n = 1; n <= 5; n++) await client.execute(add(n), cause);
    await client.execute(close, cause);
    expect(await client.get()).toEqual(notFound);

    const snapshot = await client.snapshot();
    expect(snapshot).toMatchObject({ ok: true, value: { exists: true, version: 7, state: { id, label: "Jars", count: 15, closed: true, version: 7 } } });
    const page = await client.history(2, 3);
    if (!page.ok || !snapshot.ok) throw new Error("expected values");
    expect(page.value.version).toBe(7);
    expect(page.value.snapshotVersion).toBe(5);
    expect(page.value.events.map((e) => [e.version, e.name, e.payload])).toEqual([
      [2, "toy.Added", { amount: 1 }],
      [3, "toy.Added", { amount: 2 }],
      [4, "toy.Added", { amount: 3 }],
    ]);
    expect(page.value.events[0]).toMatchObject({ eventId: expect.any(String), metadata: cause, occurredAt: expect.any(String) });

    // createdAt and updatedAt are the times of the first and the last event
    const all = await client.history(1, 100);
    if (!all.ok) throw new Error("expected a page");
    expect(all.value.events).toHaveLength(7);
    expect(snapshot.value.createdAt).toBe(all.value.events[0]!.occurredAt);
    expect(snapshot.value.updatedAt).toBe(all.value.events[6]!.occurredAt);
  });
});

describe("snapshots (SNAPSHOT_EVERY = 5 in tests)", () => {
  it("writes a snapshot when the version crosses a multiple of N and loads from it cold", async () => {
    const { id, stub, client } = await newToy();
    await client.execute(open(), cause);
    for (let v = 2; v <= 12; v++) await client.execute(add(v), cause);
    const snapshots = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ version: number; name: string; state: string }>("SELECT version, name, state FROM snapshots").toArray(),
    );
    // only the latest is kept, taken at version 10, holding exactly the state fields
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.version).toBe(10);
    expect(snapshots[0]!.name).toBe("toy.CounterV1");
    expect(JSON.parse(snapshots[0]!.state)).toEqual({ id, label: "Cups", count: 54, closed: false, version: 10 }); // 2 + … + 10

    const load = await inObject(stub, async (instance) => {
      forgetState(instance);
      expect(await instance.get(id)).toMatchObject({ ok: true, value: { count: 77, version: 12 } });
      return instance.lastLoad;
    });
    expect(load).toEqual({ snapshotVersion: 10, eventsRead: 2 });
  });

  it("replays every event when there is no snapshot yet", async () => {
    const { id, stub, client } = await newToy();
    await client.execute(open(), cause);
    await client.execute(add(4), cause);
    const load = await inObject(stub, async (instance) => {
      forgetState(instance);
      expect(await instance.get(id)).toMatchObject({ ok: true, value: { count: 4, version: 2 } });
      return instance.lastLoad;
    });
    expect(load).toEqual({ snapshotVersion: 0, eventsRead: 2 });
  });
});

describe("outbox", () => {
  it("writes the routed message with aggregate metadata in the commit, relays it through the real queues and marks it sent", async () => {
    const { id, stub, client } = await newToy({ realQueues: true });
    await client.execute(open("Relay"), { correlationId: "corr", causationId: "cause" });
    const rows = await eventually(async () => {
      const r = await inObject(stub, (_, state) =>
        sqlOf(state)
          .exec<{ message_id: string; name: string; metadata: string; destinations: string; sent_at: string | null }>(
            "SELECT message_id, name, metadata, destinations, sent_at FROM outbox ORDER BY rowid",
          )
          .toArray(),
      );
      return r.length > 0 && r.every((row) => row.sent_at !== null) ? r : undefined;
    });
    expect(rows.map((r) => [r.name, JSON.parse(r.destinations)])).toEqual([["storesapi.StoreCreated", ["baskets", "depot", "search"]]]);
    expect(JSON.parse(rows[0]!.metadata)).toEqual({
      correlationId: "corr",
      causationId: "cause",
      aggregateName: "toy.Counter",
      aggregateId: id,
      aggregateVersion: 1,
    });
    expect(await depotCopy(id)).toEqual({ name: "Relay", version: 1 });
  });

  it("writes no outbox row for messages nobody subscribes to (every toy.* and toyapi.* one)", async () => {
    const { stub, client, captured } = await newToy();
    await client.execute(open(), cause);
    await client.execute(add(1), cause);
    await client.execute(close, cause);
    const names = await inObject(stub, (_, state) =>
      sqlOf(state).exec<{ name: string }>("SELECT name FROM outbox ORDER BY rowid").toArray().map((r) => r.name),
    );
    expect(names).toEqual(["storesapi.StoreCreated", "storesapi.StoreRebranded"]);
    const sent = await eventually(async () => (captured.sent("depot").length === 2 ? captured.sent("depot") : undefined));
    expect(sent.map((e) => e.name)).toEqual(names);
  });

  it("keeps messages whose send failed, arms a backoff alarm, and the alarm delivers them", async () => {
    const { id, stub } = await newToy({ realQueues: true });
    const before = await inObject(stub, async (instance, state) => {
      const restore = patchEnv(instance, failingQueues());
      const result = await instance.execute(id, open("Retry"), cause);
      // wait for the failed immediate relay to count its attempt
      const unsent = await eventually(async () => {
        const rows = sqlOf(state).exec<{ attempts: number; sent_at: string | null }>("SELECT attempts, sent_at FROM outbox").toArray();
        return rows.length > 0 && rows.every((r) => r.attempts >= 1 && r.sent_at === null) ? rows : undefined;
      });
      restore();
      return { result, unsent: unsent.length, alarm: await state.storage.getAlarm() };
    });
    expect(before.result).toEqual({ ok: true, value: { version: 1 } });
    expect(before.unsent).toBe(1);
    expect(before.alarm).not.toBeNull();

    // the alarm fires once the first backoff (1 s) has passed
    await inObject(stub, (instance) => setClock(instance, () => Date.now() + 1_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await inObject(stub, (_, state) => count(state, "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL"))).toBe(0);
    expect(await depotCopy(id)).toEqual({ name: "Retry", version: 1 });
  });

  it("arms the relay alarm in the commit itself, so unsent rows are delivered with no further request", async () => {
    const { id, stub } = await newToy({ realQueues: true });
    const armed = await inObject(stub, async (instance, state) => {
      const restore = patchEnv(instance, { OUTBOX_RELAY_FAULT: "skip-immediate", ALLOW_TEST_FAULTS: "true" });
      await instance.execute(id, open("Crash"), cause);
      restore();
      return { unsent: count(state, "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL"), alarm: await state.storage.getAlarm() };
    });
    expect(armed.unsent).toBe(1);
    expect(armed.alarm).not.toBeNull();
    await abortAllDurableObjects(); // the object "crashes" before relaying
    expect(await runDurableObjectAlarm(stubOf(env.TOY, id))).toBe(true);
    expect(await depotCopy(id)).toEqual({ name: "Crash", version: 1 });
  });
});

describe("message-driven commands", () => {
  const command = (name: string, metadata: Record<string, string> = {}): Envelope => ({
    id: crypto.randomUUID(),
    name,
    payload: {},
    metadata: { correlationId: "corr", causationId: "prev", ...metadata },
    occurredAt: new Date().toISOString(),
  });
  const saga = (sagaId: string) => ({ COMMAND_REPLY_CHANNEL: replyChannel, COMMAND_SAGA_ID: sagaId, COMMAND_SAGA_NAME: "cosec.CreateOrder" });

  it("applies a redelivered command once and returns the same result, which recorded() reports", async () => {
    const { stub, client } = await newToy();
    await client.execute(open(), cause);
    const message = command("toyapi.Add");
    const first = await client.handle("toy.toyapi.Add", message, add(2));
    const second = await client.handle("toy.toyapi.Add", message, add(2));
    expect(first).toEqual({ ok: true, value: { version: 2 } });
    // the redelivery is marked duplicate (for the consumer's log line)
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = await inObject(stub, (_, state) => ({
      events: count(state, "SELECT COUNT(*) AS n FROM events"),
      inbox: count(state, "SELECT COUNT(*) AS n FROM inbox"),
      causation: JSON.parse(sqlOf(state).exec<{ metadata: string }>("SELECT metadata FROM events WHERE version = 2").one().metadata),
    }));
    expect(rows).toEqual({ events: 2, inbox: 1, causation: { correlationId: "corr", causationId: message.id } });
    expect(await client.get()).toMatchObject({ ok: true, value: { count: 2 } });

    expect(await client.recorded("toy.toyapi.Add", message.id)).toEqual({ ok: true, value: first });
    expect(await client.recorded("another.handler", message.id)).toEqual({ ok: true, value: null });
    // the same message under another handler is another piece of work
    expect(await client.handle("another.handler", message, add(2))).toEqual({ ok: true, value: { version: 3 } });
  });

  it("answers a saga command with exactly one reply committed with its effects, also on redelivery", async () => {
    const { id, client, captured } = await newToy();
    const opening = command("toyapi.Open", saga("order-1"));
    const good = command("toyapi.Add", saga("order-1"));
    const bad = command("toyapi.Add", saga("order-1"));
    const results = [
      await client.handle("h", opening, open()),
      await client.handle("h", good, add(2)),
      await client.handle("h", good, add(2)),
      await client.handle("h", bad, add(0)),
      await client.handle("h", bad, add(0)),
    ];
    expect(results[0]).toEqual({ ok: true, value: { version: 1 } });
    expect(results[1]).toEqual({ ok: true, value: { version: 2 } });
    expect(results[2]).toEqual({ ...results[1], duplicate: true });
    expect(results[3]).toEqual({ ok: false, error: { code: 3, message: "the amount must be a positive integer" }, replied: true });
    expect(results[4]).toEqual({ ...results[3], duplicate: true });
    const replies = await eventually(async () => (captured.sent("cosec").length >= 3 ? captured.sent("cosec") : undefined));
    expect(replies.map((r) => [r.name, r.payload, r.metadata.REPLY_OUTCOME, r.metadata.causationId, r.metadata.REPLY_SAGA_ID])).toEqual([
      ["toyapi.CounterOpenedReply", { id }, "SUCCESS", opening.id, "order-1"], // the type's own success reply
      ["am.Success", {}, "SUCCESS", good.id, "order-1"],
      ["am.Failure", { code: 3, message: "the amount must be a positive integer" }, "FAILURE", bad.id, "order-1"],
    ]);
    expect(await client.get()).toMatchObject({ ok: true, value: { count: 2, version: 2 } });
  });

  it("does not claim a reply when the transaction rolled back (a conflict), so the saga command is retried", async () => {
    const { id, stub, client } = await newToy();
    await client.execute(open(), cause);
    const outcome = await inObject(stub, async (instance, state) => {
      appendBehindItsBack(state);
      const result = await instance.handle(id, "h", command("toyapi.Add", saga("order-2")), add(1));
      return { result, rows: count(state, "SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM outbox WHERE name LIKE 'am.%') AS n") };
    });
    expect(outcome.result).toEqual({ ok: false, error: { code: 10, message: "the aggregate was modified concurrently" } });
    expect(outcome.rows).toBe(0);
  });

  it("leaves a rule violation unrecorded when there is nobody to reply to, so the message is retried", async () => {
    const { stub, client } = await newToy();
    await client.execute(open(), cause);
    const message = command("toyapi.Add");
    expect(await client.handle("h", message, add(-1))).toEqual({ ok: false, error: { code: 3, message: "the amount must be a positive integer" } });
    expect(await inObject(stub, (_, state) => count(state, "SELECT COUNT(*) AS n FROM inbox"))).toBe(0);
    expect(await client.recorded("h", message.id)).toEqual({ ok: true, value: null });
  });
});
