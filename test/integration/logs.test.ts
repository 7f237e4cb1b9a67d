import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import type { Envelope } from "../../src/kernel/envelope";
import worker from "../../src/index";
import { capturingQueues, inObject, patchEnv, stubOf } from "./helpers";
import { deliver, event, outboxOf, replyTo } from "./saga-support";

/** Everything written to the console while a test runs, one entry per call. */
let written: string[] = [];
beforeEach(() => {
  written = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(" ")));
  }
});
afterEach(() => vi.restoreAllMocks());

type Line = Record<string, unknown>;
const parsed = (): Line[] => written.flatMap((w) => (w.startsWith("{") ? [JSON.parse(w) as Line] : []));
const messageLines = (messageId: string) => parsed().filter((l) => l.msg === "message" && l.messageId === messageId);

describe("request lines", () => {
  it("logs one line per request with the X-Request-Id, status and duration", async () => {
    const res = await SELF.fetch("http://mallbots/liveness?x=1", { headers: { "X-Request-Id": "log-req-1" } });
    expect(res.status).toBe(200);
    const lines = parsed().filter((l) => l.msg === "request" && l.requestId === "log-req-1");
    expect(lines).toEqual([{ level: "info", msg: "request", requestId: "log-req-1", method: "GET", path: "/liveness", status: 200, ms: expect.any(Number) }]);
  });

  it("logs a 500 at error, with the error's cause on its own line", async () => {
    const broken = { ...env, OPS_DB: { prepare: () => { throw new Error("D1_ERROR: database unavailable"); } } };
    const res = await buildApp().fetch(
      new Request("http://mallbots/api/admin/dead-letters", { headers: { authorization: "Bearer test-admin-token", "X-Request-Id": "log-req-2" } }),
      broken,
    );
    expect(res.status).toBe(500);
    const lines = parsed().filter((l) => l.requestId === "log-req-2");
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: "request", status: 500 }));
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: "request failed", cause: expect.stringContaining("database unavailable") }));
  });
});

describe("no secret in the log", () => {
  it("never writes the admin token, with a wrong token, the right one, or a failing request", async () => {
    const token = "test-admin-token"; // vitest.config.ts binds it as ADMIN_TOKEN
    const wrong = await SELF.fetch("http://mallbots/api/admin/dead-letters", { headers: { authorization: "Bearer wrong-token" } });
    const right = await SELF.fetch(`http://mallbots/api/admin/dead-letters?token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    const broken = { ...env, OPS_DB: { prepare: () => { throw new Error("D1_ERROR: database unavailable"); } } };
    const failing = await buildApp().fetch(new Request("http://mallbots/api/admin/dead-letters", { headers: { authorization: `Bearer ${token}` } }), broken);
    expect([wrong.status, right.status, failing.status]).toEqual([401, 200, 500]);
    expect(parsed().filter((l) => l.msg === "request").map((l) => l.status)).toEqual([401, 200, 500]);
    expect(written.join("\n")).not.toContain(token);
  });
});

describe("message lines", () => {
  const storeCreated = (): Envelope => {
    const id = crypto.randomUUID();
    return event("storesapi.StoreCreated", { id, name: "S", location: "L" }, { name: "stores.Store", id, version: 1 });
  };

  it("logs acked, then duplicate on redelivery, with the envelope's ids and the attempt", async () => {
    const m = storeCreated();
    await deliver("mallbots-baskets", [m]);
    await deliver("mallbots-baskets", [m]);
    expect(messageLines(m.id)).toEqual([
      {
        level: "info",
        msg: "message",
        context: "baskets",
        handler: "baskets.storesapi.StoreCreated",
        name: "storesapi.StoreCreated",
        messageId: m.id,
        correlationId: m.metadata.correlationId,
        causationId: m.metadata.causationId,
        attempt: 1,
        outcome: "acked",
        ms: expect.any(Number),
      },
      expect.objectContaining({ level: "info", outcome: "duplicate", attempt: 1 }),
    ]);
  });

  it("logs retried for a failing handler and dead-lettered from the dead-letter queue's consumer", async () => {
    const poison = { ...storeCreated(), payload: { name: 1 } };
    const batch = createMessageBatch("mallbots-baskets", [{ id: "q1", timestamp: new Date(), attempts: 3, body: poison }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([expect.objectContaining({ msgId: "q1" })]);
    const dlq = createMessageBatch("mallbots-baskets-dlq", [{ id: "d1", timestamp: new Date(), attempts: 1, body: poison }]);
    await worker.queue(dlq, env);
    expect(messageLines(poison.id)).toEqual([
      expect.objectContaining({ level: "warn", context: "baskets", outcome: "retried", attempt: 3, name: "storesapi.StoreCreated" }),
      // the attempts the context's queue made, as recorded in delivery_failures
      expect.objectContaining({ level: "error", context: "baskets", outcome: "dead-lettered", attempt: 3, correlationId: poison.metadata.correlationId }),
    ]);
  });

  it("logs duplicate for a command an object has already recorded", async () => {
    const orderId = crypto.randomUUID();
    const created = event(
      "ordersapi.OrderCreated",
      { id: orderId, customerId: crypto.randomUUID(), paymentId: crypto.randomUUID(), shoppingId: "", items: [{ productId: "p", storeId: "s", price: 1, quantity: 1 }] },
      { name: "ordering.Order", id: orderId, version: 1 },
    );
    await inObject(stubOf(env.CREATE_ORDER_SAGA, orderId), (instance) => {
      patchEnv(instance, capturingQueues().queues);
    });
    await deliver("mallbots-cosec", [created]);
    await deliver("mallbots-cosec", [created]);
    expect(messageLines(created.id).map((l) => l.outcome)).toEqual(["acked", "duplicate"]);
  });
});

describe("saga status lines", () => {
  it("logs each status change once: running, compensating after a failure, compensated", async () => {
    const orderId = crypto.randomUUID();
    const created = event(
      "ordersapi.OrderCreated",
      { id: orderId, customerId: crypto.randomUUID(), paymentId: crypto.randomUUID(), shoppingId: "", items: [{ productId: "p", storeId: "s", price: 1, quantity: 1 }] },
      { name: "ordering.Order", id: orderId, version: 1 },
    );
    await inObject(stubOf(env.CREATE_ORDER_SAGA, orderId), (instance) => {
      patchEnv(instance, capturingQueues().queues);
    });
    const lastCommand = async () => (await outboxOf(env.CREATE_ORDER_SAGA, orderId)).map((r) => r.envelope).at(-1)!;
    const sagaLines = () => parsed().filter((l) => l.msg === "saga status" && l.sagaId === orderId);
    await deliver("mallbots-cosec", [created]);
    expect(sagaLines()).toEqual([
      { level: "info", msg: "saga status", saga: "cosec.CreateOrder", sagaId: orderId, from: null, to: "running", step: expect.any(Number), correlationId: created.metadata.correlationId },
    ]);
    const authorize = await lastCommand();
    expect(authorize.name).toBe("customersapi.AuthorizeCustomer");
    // a reply that changes no status (stale: wrong causation) adds no line
    await deliver("mallbots-cosec", [replyTo(authorize, "SUCCESS", "am.Success", {}, { causationId: crypto.randomUUID() })]);
    expect(sagaLines()).toHaveLength(1);
    await deliver("mallbots-cosec", [replyTo(authorize, "FAILURE", "am.Failure", { code: 16, message: "customer is not authorized" })]);
    const reject = await lastCommand();
    expect(reject.name).toBe("ordersapi.RejectOrder");
    await deliver("mallbots-cosec", [replyTo(reject, "SUCCESS")]);
    expect(sagaLines().map((l) => [l.from, l.to])).toEqual([
      [null, "running"],
      ["running", "compensating"],
      ["compensating", "compensated"],
    ]);
  });
});

describe("GET /readiness", () => {
  it("answers 200 ready when every database has its migrations", async () => {
    const res = await SELF.fetch("http://mallbots/readiness");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  it("answers 503 naming the database that misses a migration, and the one that misses the table", async () => {
    // this file's storage is its own: the rows come back in finally for the other tests of the file
    const removed = await env.SEARCH_DB.prepare("DELETE FROM d1_migrations WHERE name = '0001_search.sql' RETURNING *").all();
    expect(removed.results).toHaveLength(1);
    await env.NOTIFICATIONS_DB.exec("ALTER TABLE d1_migrations RENAME TO d1_migrations_away");
    try {
      const res = await SELF.fetch("http://mallbots/readiness");
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ready: false, failing: ["NOTIFICATIONS_DB", "SEARCH_DB"] });
    } finally {
      await env.NOTIFICATIONS_DB.exec("ALTER TABLE d1_migrations_away RENAME TO d1_migrations");
      const row = removed.results[0] as Record<string, unknown>;
      const columns = Object.keys(row);
      await env.SEARCH_DB.prepare(`INSERT INTO d1_migrations (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`)
        .bind(...columns.map((c) => row[c]))
        .run();
    }
    expect((await SELF.fetch("http://mallbots/readiness")).status).toBe(200);
  });
});
