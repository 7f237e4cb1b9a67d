import { env, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { maxDeliveryAttempts } from "../../objects/outbox-object";
import type { Envelope } from "../../src/kernel/envelope";
import { capturingQueues, eventually, inObject, patchEnv, setClock, stubOf } from "./helpers";

/**
 * The relay of the outbox object, on the toy counter hosted by ToyObject (test/integration/worker.ts):
 * an Open is announced as `storesapi.StoreCreated` and an Add as `storesapi.StoreRebranded`, names the
 * baskets and depot contexts consume, so each such row has those two destinations.
 */

const cause = { correlationId: "req", causationId: "req" };
const minute = 60_000;
const day = 24 * 3600 * 1000;

interface DeliveryRow {
  message_id: string;
  name: string;
  destination: string;
  attempts: number;
  last_error: string;
  sent_at: string | null;
  dead_lettered_at: string | null;
}

const deliveries = (stub: DurableObjectStub) =>
  inObject(stub, (_, state) =>
    state.storage.sql
      .exec<DeliveryRow & Record<string, string | number | null>>(
        `SELECT d.message_id, o.name, d.destination, d.attempts, d.last_error, d.sent_at, d.dead_lettered_at
         FROM outbox_deliveries d JOIN outbox o USING (message_id) ORDER BY o.rowid, d.destination`,
      )
      .toArray() as DeliveryRow[],
  );

const deliveryOf = async (stub: DurableObjectStub, name: string, destination: string) =>
  (await deliveries(stub)).find((d) => d.name === name && d.destination === destination);

const deadLetter = (messageId: string, context: string) =>
  env.OPS_DB.prepare("SELECT id, attempts, last_error, envelope FROM dead_letters WHERE message_id = ? AND context = ?")
    .bind(messageId, context)
    .first<{ id: string; attempts: number; last_error: string; envelope: string }>();

/** A counter whose queues refuse the `refused` contexts, with a clock the test moves. */
async function toyWithRefusedQueue(...refused: string[]) {
  const id = crypto.randomUUID();
  const stub = stubOf(env.TOY, id);
  const captured = capturingQueues(refused);
  const clock = { now: Date.now() };
  await inObject(stub, (instance) => {
    patchEnv(instance, captured.queues);
    setClock(instance, () => clock.now);
  });
  const execute = (command: object) => inObject(stub, (instance) => instance.execute(id, command, cause));
  /** Moves the clock past the longest backoff and runs the alarm. */
  const retry = async () => {
    clock.now += minute;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
  };
  return { id, stub, captured, clock, execute, retry };
}

describe("relay per destination (SPEC §2.8, §5.3)", () => {
  it("delivers the other destinations once, dead-letters the refused one after 10 attempts, keeps later rows flowing; a replay delivers", async () => {
    const { id, stub, captured, execute, retry } = await toyWithRefusedQueue("depot");
    expect(await execute({ type: "Open", label: "Refused" })).toEqual({ ok: true, value: { version: 1 } });
    const created = await eventually(async () => {
      const d = await deliveryOf(stub, "storesapi.StoreCreated", "depot");
      return d && d.attempts === 1 ? d : undefined;
    });
    expect(created.last_error).toBe("Error: queue mallbots-depot refused the batch");
    expect((await deliveries(stub)).filter((d) => d.sent_at !== null).map((d) => `${d.name} → ${d.destination}`)).toEqual([
      "storesapi.StoreCreated → baskets",
      "storesapi.StoreCreated → search",
    ]);

    for (let attempt = 2; attempt <= maxDeliveryAttempts; attempt++) {
      await retry();
      if (attempt === 3) {
        // a later row is not held up by the failing copy of an earlier one
        expect(await execute({ type: "Add", amount: 1 })).toEqual({ ok: true, value: { version: 2 } });
        await eventually(async () => ((await deliveryOf(stub, "storesapi.StoreRebranded", "depot"))?.attempts === 1 ? true : undefined));
        expect(captured.sent("baskets").map((e) => e.name)).toContain("storesapi.StoreRebranded");
      }
      expect((await deliveryOf(stub, "storesapi.StoreCreated", "depot"))?.attempts).toBe(attempt);
    }

    const dead = await deliveryOf(stub, "storesapi.StoreCreated", "depot");
    expect(dead).toMatchObject({ attempts: 10, sent_at: null });
    expect(dead?.dead_lettered_at).not.toBeNull();
    const letter = await deadLetter(created.message_id, "depot");
    expect(letter).toMatchObject({ attempts: 10, last_error: "Error: queue mallbots-depot refused the batch" });
    const envelope = JSON.parse(letter!.envelope) as Envelope;
    expect(envelope).toMatchObject({ id: created.message_id, name: "storesapi.StoreCreated", payload: { id, name: "Refused", location: "toy" } });
    expect(envelope.metadata).toMatchObject({ aggregateId: id, aggregateVersion: 1 });

    // the dead copy is not sent again; the later row's depot copy keeps its own count until it dies too
    expect((await deliveryOf(stub, "storesapi.StoreRebranded", "depot"))?.attempts).toBe(8);
    await retry();
    await retry();
    expect((await deliveryOf(stub, "storesapi.StoreRebranded", "depot"))?.dead_lettered_at).not.toBeNull();
    expect(captured.offered("depot").filter((e) => e.id === created.message_id)).toHaveLength(10);
    expect(await runDurableObjectAlarm(stub)).toBe(false); // nothing left to retry: no alarm
    // the other destination received each message exactly once
    const ids = captured.sent("baskets").map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(captured.sent("baskets").map((e) => e.name)).toEqual(["storesapi.StoreCreated", "storesapi.StoreRebranded"]);
    // the row counts as done: every destination took it or was dead-lettered
    const row = await inObject(stub, (_, state) =>
      state.storage.sql.exec<{ sent_at: string | null }>("SELECT sent_at FROM outbox WHERE message_id = ?", created.message_id).one(),
    );
    expect(row.sent_at).not.toBeNull();

    // replaying the dead letter sends the original envelope to mallbots-depot, whose consumer projects it
    const replay = await SELF.fetch(`http://mallbots/api/admin/dead-letters/${letter!.id}/replay`, {
      method: "POST",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(replay.status).toBe(200);
    const cached = await eventually(() =>
      env.DEPOT_DB.prepare("SELECT name, version FROM stores_cache WHERE id = ?").bind(id).first().then((r) => r ?? undefined),
    );
    expect(cached).toEqual({ name: "Refused", version: 1 });
  });

  it("keeps retrying to store the dead letter while OPS_DB fails, without sending the copy again", async () => {
    const { stub, captured, execute, retry } = await toyWithRefusedQueue("baskets");
    await execute({ type: "Open", label: "Ops down" });
    const created = await eventually(async () => {
      const d = await deliveryOf(stub, "storesapi.StoreCreated", "baskets");
      return d && d.attempts === 1 ? d : undefined;
    });
    for (let attempt = 2; attempt < maxDeliveryAttempts; attempt++) await retry();
    const unavailable = {
      prepare: () => ({
        bind: () => ({
          run: async () => {
            throw new Error("D1_ERROR: database unavailable");
          },
        }),
      }),
    };
    const restore = await inObject(stub, (instance) => patchEnv(instance, { OPS_DB: unavailable }));
    await retry(); // the 10th failure; storing its dead letter fails
    await retry(); // and fails again
    expect(await deliveryOf(stub, "storesapi.StoreCreated", "baskets")).toMatchObject({ attempts: 10, dead_lettered_at: null });
    expect(await deadLetter(created.message_id, "baskets")).toBeNull();
    expect(await inObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();

    await inObject(stub, () => restore());
    await retry();
    expect(await deadLetter(created.message_id, "baskets")).toMatchObject({ attempts: 10, last_error: "Error: queue mallbots-baskets refused the batch" });
    expect((await deliveryOf(stub, "storesapi.StoreCreated", "baskets"))?.dead_lettered_at).not.toBeNull();
    expect(captured.offered("baskets").filter((e) => e.id === created.message_id)).toHaveLength(10);
  });
});

describe("the relay's alarm", () => {
  it("stays armed for a pending retry when a later commit sends nothing, and an idle object keeps none", async () => {
    const { stub, execute, retry } = await toyWithRefusedQueue("depot");
    await execute({ type: "Open", label: "Retrying" });
    await eventually(async () => ((await deliveryOf(stub, "storesapi.StoreCreated", "depot"))?.attempts === 1 ? true : undefined));
    const alarmOf = () => inObject(stub, (_, state) => state.storage.getAlarm());
    const armed = await alarmOf();
    expect(armed).not.toBeNull();

    // toyapi.CounterClosed has no subscriber, so Close commits no outbox row
    expect(await execute({ type: "Close" })).toEqual({ ok: true, value: { version: 2 } });
    expect(await alarmOf()).toBe(armed);
    await retry();
    expect((await deliveryOf(stub, "storesapi.StoreCreated", "depot"))?.attempts).toBe(2);

    const idle = await toyWithRefusedQueue("none");
    await idle.execute({ type: "Open", label: "Delivered" });
    await eventually(async () => ((await deliveries(idle.stub)).every((d) => d.sent_at !== null) ? true : undefined));
    expect(await eventually(async () => ((await inObject(idle.stub, (_, state) => state.storage.getAlarm())) === null ? "none" : undefined))).toBe("none");
  });
});

describe("relay passes", () => {
  it("relays a backlog in passes of at most 100 copies, oldest rows first, until none is left", async () => {
    const { stub, execute, captured } = await toyWithRefusedQueue();
    await inObject(stub, (instance) => patchEnv(instance, { OUTBOX_RELAY_FAULT: "skip-immediate", ALLOW_TEST_FAULTS: "true" }));
    await execute({ type: "Open", label: "Backlog" });
    for (let i = 0; i < 129; i++) await execute({ type: "Add", amount: 1 });
    expect(captured.sent("depot")).toHaveLength(0);

    expect(await runDurableObjectAlarm(stub)).toBe(true);

    // each row has a copy per consuming context; a pass sends the 100 oldest copies, each queue its share
    const written = await deliveries(stub);
    const contexts = [...new Set(written.map((d) => d.destination))];
    expect(contexts.length).toBeGreaterThan(1);
    const passes = contexts.map((c) => captured.batchSizes(c));
    const perPass = passes[0]!.map((_, i) => passes.reduce((sum, sizes) => sum + (sizes[i] ?? 0), 0));
    expect(perPass).toEqual([100, 100, 100, written.length - 300]);
    for (const context of contexts) {
      const rows = written.filter((d) => d.destination === context);
      expect(captured.sent(context).map((e) => e.id)).toEqual(rows.map((d) => d.message_id));
    }
    expect(written.every((d) => d.sent_at !== null && d.attempts === 0)).toBe(true);
    expect(await inObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
  });
});

describe("storage written by an earlier version", () => {
  it("relays, deduplicates and prunes with the rowid delivery and inbox tables objects were created with before", async () => {
    const { id, stub, clock, execute, captured } = await toyWithRefusedQueue();
    await inObject(stub, (_, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE outbox_deliveries");
      sql.exec("DROP TABLE inbox");
      sql.exec(`CREATE TABLE outbox_deliveries (message_id TEXT NOT NULL, destination TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, retry_at INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
        sent_at TEXT, dead_lettered_at TEXT, PRIMARY KEY (message_id, destination))`);
      sql.exec("CREATE INDEX outbox_deliveries_pending ON outbox_deliveries (retry_at) WHERE sent_at IS NULL AND dead_lettered_at IS NULL");
      sql.exec(`CREATE TABLE inbox (message_id TEXT NOT NULL, handler TEXT NOT NULL,
        received_at TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (message_id, handler))`);
      sql.exec("CREATE INDEX inbox_received ON inbox (received_at)");
    });
    await execute({ type: "Open", label: "Older" });
    await eventually(async () => ((await deliveries(stub)).every((d) => d.sent_at !== null) ? true : undefined));
    expect(captured.sent("depot").map((e) => e.name)).toEqual(["storesapi.StoreCreated"]);

    const message: Envelope = { id: crypto.randomUUID(), name: "toyapi.Add", payload: {}, metadata: cause, occurredAt: new Date(clock.now).toISOString() };
    const handle = () => inObject(stub, (instance) => instance.handle(id, "toy.toyapi.Add", message, { type: "Add", amount: 1 }));
    expect(await handle()).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await handle()).toMatchObject({ ok: true, value: { version: 2 }, duplicate: true });

    clock.now += 15 * day;
    await execute({ type: "Add", amount: 1 });
    const inboxRows = await inObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox").one().n);
    expect(inboxRows).toBe(0);
    const withRowid = await inObject(stub, (_, state) =>
      state.storage.sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name IN ('inbox', 'outbox_deliveries')").toArray(),
    );
    expect(withRowid.every((t) => !t.sql.includes("WITHOUT ROWID"))).toBe(true);
  });
});

describe("bounded object storage (SPEC §2.8)", () => {
  it("prunes sent outbox rows after 7 days and inbox rows after 14 days during commits; unsent and young rows stay", async () => {
    const { id, stub, clock, execute } = await toyWithRefusedQueue("baskets");
    const start = clock.now;
    // the opening is delivered everywhere; the later rows keep an unsent baskets copy
    const refuseAgain = await inObject(stub, (instance) => patchEnv(instance, capturingQueues().queues));
    await execute({ type: "Open", label: "Old" });
    await eventually(() =>
      inObject(stub, (_, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL").one().n === 1 ? true : undefined,
      ),
    );
    await inObject(stub, () => refuseAgain());
    const message: Envelope = {
      id: crypto.randomUUID(),
      name: "toyapi.Add",
      payload: {},
      metadata: cause,
      occurredAt: new Date(start).toISOString(),
    };
    await inObject(stub, async (instance, state) => {
      await instance.handle(id, "toy.toyapi.Add", message, { type: "Add", amount: 1 });
      // the inbox row of a message handled 10 days after this one
      state.storage.sql.exec(
        "INSERT INTO inbox (message_id, handler, received_at, result) VALUES ('young', 'h', ?, '{}')",
        new Date(start + 10 * day).toISOString(),
      );
    });
    await eventually(async () => ((await deliveryOf(stub, "storesapi.StoreRebranded", "baskets"))?.attempts === 1 ? true : undefined));
    const outboxNames = () =>
      inObject(stub, (_, state) =>
        state.storage.sql.exec<{ name: string }>("SELECT name FROM outbox ORDER BY rowid").toArray().map((r) => r.name),
      );
    const inboxIds = () =>
      inObject(stub, (_, state) =>
        state.storage.sql.exec<{ message_id: string }>("SELECT message_id FROM inbox ORDER BY received_at").toArray().map((r) => r.message_id),
      );
    expect(await outboxNames()).toEqual(["storesapi.StoreCreated", "storesapi.StoreRebranded"]);

    // 8 days later a commit prunes the row sent more than 7 days ago; the unsent one stays
    clock.now = start + 8 * day;
    await execute({ type: "Add", amount: 1 });
    expect(await outboxNames()).toEqual(["storesapi.StoreRebranded", "storesapi.StoreRebranded"]);
    const pruned = await inObject(stub, (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_deliveries WHERE message_id NOT IN (SELECT message_id FROM outbox)").one().n,
    );
    expect(pruned).toBe(0);
    expect(await inboxIds()).toEqual([message.id, "young"]);

    // 15 days after the start the first inbox row goes; the one 5 days old stays
    clock.now = start + 15 * day;
    await execute({ type: "Add", amount: 1 });
    expect(await inboxIds()).toEqual(["young"]);
    const unsent = await inObject(stub, (_, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").one().n,
    );
    expect(unsent).toBe(3);
  });
});
