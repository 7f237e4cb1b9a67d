import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/kernel/envelope";
import { consume } from "../../queues/consumer";
import { modules } from "../../src/modules";
import worker from "../../src/index";
import { capturingQueues, countingD1, eventually, inObject, patchEnv, stubOf } from "./helpers";

const cause = { correlationId: "req", causationId: "req" };
const day = 24 * 3600 * 1000;

interface QueueOutcome {
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

/** Delivers envelopes to a context's consumer as one batch and returns what it acked and retried. */
async function deliver(queue: string, envelopes: Envelope[]): Promise<QueueOutcome> {
  const batch = createMessageBatch(
    queue,
    envelopes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** Runs commands on a fresh store, capturing what it publishes instead of sending it. */
async function storeEvents(commands: object[]): Promise<{ id: string; events: Envelope[] }> {
  const id = crypto.randomUUID();
  const captured = capturingQueues();
  await inObject(stubOf(env.STORE, id), async (instance) => {
    patchEnv(instance, captured.queues);
    for (const command of commands) expect((await instance.execute(id, command, cause)).ok).toBe(true);
  });
  return { id, events: await eventually(async () => (captured.sent("stores").length === commands.length ? captured.sent("stores") : undefined)) };
}

async function productEvents(commands: object[]): Promise<{ id: string; events: Envelope[] }> {
  const id = crypto.randomUUID();
  const captured = capturingQueues();
  await inObject(stubOf(env.PRODUCT, id), async (instance) => {
    patchEnv(instance, captured.queues);
    for (const command of commands) expect((await instance.execute(id, command, cause)).ok).toBe(true);
  });
  return { id, events: await eventually(async () => (captured.sent("stores").length === commands.length ? captured.sent("stores") : undefined)) };
}

const storeRow = (id: string) => env.STORES_DB.prepare("SELECT * FROM stores WHERE id = ?").bind(id).first<Record<string, unknown>>();
const productRow = (id: string) => env.STORES_DB.prepare("SELECT * FROM products WHERE id = ?").bind(id).first<Record<string, unknown>>();

describe("stores consumer", () => {
  it("applies a duplicate message once, within a batch and across batches", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: "s", name: "P", description: "", sku: "", price: 10 },
      { type: "IncreaseProductPrice", price: 10.5 },
    ]);
    const [added, increased] = events as [Envelope, Envelope];
    const first = await deliver("mallbots-stores", [added, increased, increased]);
    const again = await deliver("mallbots-stores", [increased, added]);
    expect(first.explicitAcks).toHaveLength(3);
    expect(again.explicitAcks).toHaveLength(2);
    expect(first.retryMessages).toEqual([]);
    expect(await productRow(id)).toMatchObject({ price_cents: 1050, version: 2 });
    const inbox = await env.STORES_DB.prepare("SELECT COUNT(*) AS n FROM inbox WHERE message_id IN (?, ?)").bind(added.id, increased.id).first<{ n: number }>();
    expect(inbox?.n).toBe(2);
  });

  it("repairs a gap from the owning object's snapshot and ignores the older event that arrives later", async () => {
    const { id, events } = await storeEvents([
      { type: "CreateStore", name: "Old", location: "L" },
      { type: "RebrandStore", name: "New" },
      { type: "EnableParticipation" },
    ]);
    const [created, rebranded, enabled] = events as [Envelope, Envelope, Envelope];
    await deliver("mallbots-stores", [rebranded]); // v2 before v1: gap → snapshot (now at v3)
    expect(await storeRow(id)).toMatchObject({ name: "New", participating: 1, version: 3, location: "L" });
    await deliver("mallbots-stores", [created, enabled]); // both already reflected
    expect(await storeRow(id)).toMatchObject({ name: "New", participating: 1, version: 3 });
    const streams = await env.STORES_DB.prepare("SELECT aggregate_name FROM streams WHERE id = ?").bind(id).all();
    expect(streams.results).toEqual([{ aggregate_name: "stores.Store" }]);
  });

  it("projects a batch's messages about different aggregates in one D1 round trip", async () => {
    const stores = await Promise.all(["A", "B", "C"].map((name) => storeEvents([{ type: "CreateStore", name, location: "L" }])));
    const batch = createMessageBatch(
      "mallbots-stores",
      stores.map(({ events }, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: events[0] })),
    );
    const counted = countingD1(env.STORES_DB);
    await consume(batch, { ...env, STORES_DB: counted.db }, modules);
    expect(counted.batches).toHaveLength(1);
    for (const [i, { id }] of stores.entries()) expect(await storeRow(id)).toMatchObject({ name: "ABC"[i], version: 1 });
  });

  it("keeps a removed product as a tombstone out of the catalog", async () => {
    const { id, events } = await productEvents([
      { type: "AddProduct", storeId: "shop", name: "P", description: "", sku: "", price: 1 },
      { type: "RemoveProduct" },
    ]);
    await deliver("mallbots-stores", events);
    expect(await productRow(id)).toMatchObject({ removed: 1, version: 2 });
  });

  it("writes nothing for a gap on an aggregate that does not exist", async () => {
    const ghost = crypto.randomUUID();
    const envelope: Envelope = {
      id: crypto.randomUUID(),
      name: "stores.StoreRebranded",
      payload: { name: "Ghost" },
      metadata: { ...cause, aggregateName: "stores.Store", aggregateId: ghost, aggregateVersion: 2 },
      occurredAt: new Date().toISOString(),
    };
    const result = await deliver("mallbots-stores", [envelope]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await storeRow(ghost)).toBeNull();
  });

  it("acknowledges messages it has no handler for, and retries an undecodable or invalid one", async () => {
    const unknown: Envelope = { id: crypto.randomUUID(), name: "nobody.Listens", payload: {}, metadata: cause, occurredAt: new Date().toISOString() };
    const invalid: Envelope = { ...unknown, id: crypto.randomUUID(), name: "stores.StoreRebranded", payload: { name: 42 } };
    const result = await deliver("mallbots-stores", [unknown, invalid, { garbage: true } as unknown as Envelope]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m1", "m2"]);
    const failure = await env.OPS_DB.prepare("SELECT attempts, last_error FROM delivery_failures WHERE message_id = ?").bind(invalid.id).first<{ attempts: number; last_error: string }>();
    expect(failure?.attempts).toBe(1);
    expect(failure?.last_error).toContain("name");
  });

  it("has no handler for names of Object.prototype members (SPEC §2.8 own-data lookups)", async () => {
    const named = (name: string): Envelope => ({ id: crypto.randomUUID(), name, payload: {}, metadata: cause, occurredAt: new Date().toISOString() });
    const result = await deliver("mallbots-stores", [named("constructor"), named("toString"), named("__proto__")]);
    expect(result.explicitAcks).toEqual(["m0", "m1", "m2"]);
  });
});

describe("dead letters", () => {
  it("moves a message whose handler always fails to OPS_DB.dead_letters after 5 attempts", async () => {
    const poison: Envelope = {
      id: crypto.randomUUID(),
      name: "stores.StoreCreated",
      payload: { name: 1, location: "L" }, // fails the handler's schema every time
      metadata: { ...cause, aggregateName: "stores.Store", aggregateId: crypto.randomUUID(), aggregateVersion: 1 },
      occurredAt: new Date().toISOString(),
    };
    await env.Q_STORES.send(poison, { contentType: "json" });
    const dead = await eventually(
      () =>
        env.OPS_DB.prepare("SELECT * FROM dead_letters WHERE message_id = ?")
          .bind(poison.id)
          .first<{ context: string; name: string; envelope: string; attempts: number; last_error: string; replay_count: number }>()
          .then((r) => r ?? undefined),
      20_000,
    );
    expect(dead).toMatchObject({ context: "stores", name: "stores.StoreCreated", attempts: 5, replay_count: 0 });
    expect(JSON.parse(dead.envelope)).toEqual(poison);
    expect(dead.last_error).toContain("name");
  });
});

describe("dead-letter queue consumer", () => {
  const poison = (): Envelope => ({
    id: crypto.randomUUID(),
    name: "stores.StoreCreated",
    payload: { name: 1 },
    metadata: cause,
    occurredAt: new Date().toISOString(),
  });
  /** An OPS_DB whose every statement fails, as during a D1 outage. */
  const unavailable = {
    prepare: () => ({
      bind: () => ({
        run: async () => {
          throw new Error("D1_ERROR: database unavailable");
        },
      }),
    }),
  } as unknown as D1Database;

  it("retries with a growing delay while OPS_DB fails, then stores the dead letter", async () => {
    const dead = poison();
    const batch = (attempts: number) =>
      createMessageBatch("mallbots-stores-dlq", [{ id: `d${attempts}`, timestamp: new Date(), attempts, body: dead }]);
    const down = { ...env, OPS_DB: unavailable, QUEUE_RETRY_BASE_SECONDS: "10" };
    const delays: (number | undefined)[] = [];
    for (const attempts of [1, 2, 3, 6, 20]) {
      const b = batch(attempts);
      // the pool's result leaves out retry delays: record them on the way
      const message = b.messages[0]!;
      const retry = message.retry.bind(message);
      message.retry = (options) => {
        delays.push(options?.delaySeconds);
        retry(options);
      };
      const ctx = createExecutionContext();
      await worker.queue(b, down);
      expect(await getQueueResult(b, ctx)).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: `d${attempts}` }] });
    }
    expect(delays).toEqual([10, 20, 40, 300, 300]);
    expect(await env.OPS_DB.prepare("SELECT 1 FROM dead_letters WHERE message_id = ?").bind(dead.id).first()).toBeNull();

    // OPS_DB is back: the next attempt stores it
    const b = batch(7);
    const ctx = createExecutionContext();
    await worker.queue(b, env);
    expect((await getQueueResult(b, ctx)).explicitAcks).toEqual(["d7"]);
    const row = await env.OPS_DB.prepare("SELECT context, envelope FROM dead_letters WHERE message_id = ?").bind(dead.id).first<{ context: string; envelope: string }>();
    expect(row?.context).toBe("stores");
    expect(JSON.parse(row!.envelope)).toEqual(dead);
  });
});

describe("bounded D1 storage (SPEC §2.8)", () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it("prunes inbox and delivery_failures rows older than 14 days during consumer runs, at most once a minute", async () => {
    // a clock of its own, ahead of every earlier run in this isolate
    const now = Date.now() + 30 * day;
    const run = async (at: number) => {
      const unknown: Envelope = { id: crypto.randomUUID(), name: "nobody.Listens", payload: {}, metadata: cause, occurredAt: iso(at) };
      const batch = createMessageBatch("mallbots-stores", [{ id: "p", timestamp: new Date(), attempts: 1, body: unknown }]);
      const ctx = createExecutionContext();
      await consume(batch, env, modules, () => at);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["p"]);
    };
    const inbox = (id: string, at: number) =>
      env.STORES_DB.prepare("INSERT INTO inbox (message_id, handler, received_at) VALUES (?, 'stores.test', ?)").bind(id, iso(at));
    const failure = (id: string, at: number) =>
      env.OPS_DB.prepare("INSERT INTO delivery_failures (message_id, context, attempts, last_error, updated_at) VALUES (?, 'stores', 1, 'x', ?)").bind(id, iso(at));
    const tag = crypto.randomUUID();
    await env.STORES_DB.batch([inbox(`${tag}-old`, now - 15 * day), inbox(`${tag}-young`, now - 13 * day)]);
    await env.OPS_DB.batch([failure(`${tag}-old`, now - 15 * day), failure(`${tag}-young`, now - 13 * day)]);
    const left = async () => ({
      inbox: (await env.STORES_DB.prepare("SELECT message_id FROM inbox WHERE message_id LIKE ? ORDER BY message_id").bind(`${tag}-%`).all<{ message_id: string }>()).results.map((r) => r.message_id),
      failures: (await env.OPS_DB.prepare("SELECT message_id FROM delivery_failures WHERE message_id LIKE ? ORDER BY message_id").bind(`${tag}-%`).all<{ message_id: string }>()).results.map((r) => r.message_id),
    });

    await run(now);
    expect(await left()).toEqual({ inbox: [`${tag}-young`], failures: [`${tag}-young`] });

    // within the minute nothing more is pruned; a minute later it is
    await env.STORES_DB.batch([inbox(`${tag}-later`, now - 20 * day)]);
    await run(now + 30_000);
    expect((await left()).inbox).toEqual([`${tag}-later`, `${tag}-young`]);
    await run(now + 60_000);
    expect((await left()).inbox).toEqual([`${tag}-young`]);
  });
});
