import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import type { Env } from "../../src/env";
import type { Envelope } from "../../src/kernel/envelope";
import worker from "../../src/index";
import { capturingQueues, eventually, inObject, patchEnv, stubOf } from "./helpers";

/**
 * Notifications (SPEC §3.7): the customer cache under the projection rule with its read-through
 * fallback, one notification per order event, idempotency, paging, and SMS delivery against a real
 * webhook server that runs in Node (test/integration/webhook-setup.ts). Customer events come from real
 * Customer objects with their queues captured; order events are built as Ordering publishes them.
 */

const cause = { correlationId: "req-notif", causationId: "req-notif" };
const webhook = inject("webhookUrl");

interface QueueOutcome {
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

async function deliver(envelopes: Envelope[], workerEnv: Env = env): Promise<QueueOutcome> {
  const batch = createMessageBatch(
    "mallbots-notifications",
    envelopes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv);
  return getQueueResult(batch, ctx);
}

/** The environment with SMS_WEBHOOK_URL set to a path of the test webhook (see test/e2e/webhook.ts). */
const withWebhook = (path: string): Env => ({ ...env, SMS_WEBHOOK_URL: `${webhook}${path}` });

/** The cron trigger through the Worker's real scheduled handler, as if fired at `at`. */
async function fireCron(at: number, workerEnv: Env): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), workerEnv);
}

/** Runs commands on a fresh Customer object with captured queues; returns what it published to notifications. */
async function customerEvents(commands: object[], expected: number, id = crypto.randomUUID()) {
  const captured = capturingQueues();
  await inObject(stubOf(env.CUSTOMER, id), async (instance) => {
    patchEnv(instance, captured.queues);
    for (const command of commands) expect(await instance.execute(id, command, cause)).toMatchObject({ ok: true });
  });
  const events = await eventually(async () => (captured.sent("notifications").length >= expected ? captured.sent("notifications") : undefined));
  expect(events).toHaveLength(expected);
  return { id, events: [...events].sort((a, b) => (a.metadata.aggregateVersion ?? 0) - (b.metadata.aggregateVersion ?? 0)) };
}

/** A customer that exists in its object but that notifications has never heard of. */
async function unseenCustomer(name = "Ann", smsNumber = "555-555-1212") {
  const { id } = await customerEvents([{ type: "RegisterCustomer", name, smsNumber }], 1);
  return id;
}

let clock = Date.parse("2026-03-01T12:00:00.000Z");
/** An order event as Ordering publishes it; each one occurs 1 s after the previous. */
function orderEvent(name: string, payload: Record<string, unknown>, version = 1): Envelope {
  clock += 1000;
  return {
    id: crypto.randomUUID(),
    name,
    payload,
    metadata: { correlationId: "req-order", causationId: "req-order", aggregateName: "ordering.Order", aggregateId: String(payload.id), aggregateVersion: version },
    occurredAt: new Date(clock).toISOString(),
  };
}
const ids = (orderId: string, customerId: string) => ({ id: orderId, customerId, paymentId: "PAY" });
const created = (orderId: string, customerId: string) => orderEvent("ordersapi.OrderCreated", { ...ids(orderId, customerId), shoppingId: "", items: [] });
const readied = (orderId: string, customerId: string, total: number) => orderEvent("ordersapi.OrderReadied", { ...ids(orderId, customerId), total }, 3);
const canceled = (orderId: string, customerId: string) => orderEvent("ordersapi.OrderCanceled", ids(orderId, customerId), 2);
const completed = (orderId: string, customerId: string) => orderEvent("ordersapi.OrderCompleted", { id: orderId, customerId, invoiceId: orderId }, 4);

const db = () => env.NOTIFICATIONS_DB;
const cacheRow = (id: string) => db().prepare("SELECT id, name, sms_number, version FROM customers_cache WHERE id = ?").bind(id).first();
const notification = (id: string) => db().prepare("SELECT * FROM notifications WHERE id = ?").bind(id).first<Record<string, unknown>>();
const notificationsOf = async (customerId: string) =>
  (await db().prepare("SELECT * FROM notifications WHERE customer_id = ? ORDER BY created_at").bind(customerId).all<Record<string, unknown>>()).results;
const inboxOf = async (messageId: string) =>
  (await db().prepare("SELECT handler FROM inbox WHERE message_id = ?").bind(messageId).all<{ handler: string }>()).results.map((r) => r.handler);
const streamsOf = async (id: string) =>
  (await db().prepare("SELECT aggregate_name FROM streams WHERE id = ?").bind(id).all<{ aggregate_name: string }>()).results.map((r) => r.aggregate_name);
const receivedBy = async (key: string) => (await (await fetch(`${webhook}/received?key=${key}`)).json()) as { path: string; headers: Record<string, string>; body: unknown }[];

describe("customer cache (SPEC §2.7 projection rule)", () => {
  it("inserts on CustomerRegistered and changes the number on CustomerSmsChanged; a redelivery changes nothing", async () => {
    const { id, events } = await customerEvents(
      [
        { type: "RegisterCustomer", name: "Ann", smsNumber: "555-1" },
        { type: "ChangeSmsNumber", smsNumber: "555-2" },
      ],
      2,
    );
    const [registered, changed] = events as [Envelope, Envelope];
    expect((await deliver([registered])).explicitAcks).toEqual(["m0"]);
    expect(await cacheRow(id)).toEqual({ id, name: "Ann", sms_number: "555-1", version: 1 });
    expect((await deliver([changed])).explicitAcks).toEqual(["m0"]);
    expect(await cacheRow(id)).toEqual({ id, name: "Ann", sms_number: "555-2", version: 2 });
    // both again, in one batch: nothing changes
    expect((await deliver([registered, changed])).explicitAcks).toEqual(["m0", "m1"]);
    expect(await cacheRow(id)).toEqual({ id, name: "Ann", sms_number: "555-2", version: 2 });
    expect(await streamsOf(id)).toEqual(["customers.Customer"]);
    expect(await inboxOf(changed.id)).toEqual(["notifications.customersapi.CustomerSmsChanged"]);
  });

  it("repairs a gap from the Customer object, and ignores the older event arriving afterwards", async () => {
    // v2 (disable) is never sent to notifications: the number change is v3
    const { id, events } = await customerEvents(
      [{ type: "RegisterCustomer", name: "Bo", smsNumber: "555-1" }, { type: "DisableCustomer" }, { type: "ChangeSmsNumber", smsNumber: "555-3" }],
      2,
    );
    const [registered, changed] = events as [Envelope, Envelope];
    expect(changed.metadata.aggregateVersion).toBe(3);
    expect((await deliver([changed])).explicitAcks).toEqual(["m0"]);
    expect(await cacheRow(id)).toEqual({ id, name: "Bo", sms_number: "555-3", version: 3 });
    expect((await deliver([registered])).explicitAcks).toEqual(["m0"]);
    expect(await cacheRow(id)).toEqual({ id, name: "Bo", sms_number: "555-3", version: 3 });
  });
});

describe("one notification per order event (SPEC §3.7)", () => {
  it("records the four kinds with SPEC's texts, the customer's current number, id = message id, recorded without a webhook", async () => {
    const { id: customerId, events } = await customerEvents(
      [
        { type: "RegisterCustomer", name: "Ann", smsNumber: "555-1" },
        { type: "ChangeSmsNumber", smsNumber: "555-2" },
      ],
      2,
    );
    await deliver([events[0]!]);
    const order = crypto.randomUUID();
    const first = created(order, customerId);
    expect((await deliver([first])).explicitAcks).toEqual(["m0"]);
    await deliver([events[1]!]);
    const rest = [readied(order, customerId, 41.96), canceled(order, customerId), completed(order, customerId)];
    expect((await deliver(rest)).explicitAcks).toEqual(["m0", "m1", "m2"]);

    const rows = await notificationsOf(customerId);
    expect(rows.map((r) => [r.id, r.kind, r.sms_number, r.message])).toEqual([
      [first.id, "order_created", "555-1", `Hi Ann, we have received your order ${order}.`],
      [rest[0]!.id, "order_ready", "555-2", `Hi Ann, your order ${order} is ready for pickup. Amount due: 41.96.`],
      [rest[1]!.id, "order_canceled", "555-2", `Hi Ann, your order ${order} has been canceled.`],
      [rest[2]!.id, "order_completed", "555-2", `Hi Ann, your order ${order} is complete. Thank you!`],
    ]);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({ customer_id: customerId, order_id: order, delivery: "recorded", attempts: 0, last_error: "", next_attempt_at: "", sent_at: "" });
      expect(row.created_at).toBe([first, ...rest][i]!.occurredAt);
    }
    expect(await inboxOf(first.id)).toEqual(["notifications.ordersapi.OrderCreated"]);
  });

  it("formats a whole total with 2 decimals", async () => {
    const customerId = await unseenCustomer("Cy");
    const event = readied(crypto.randomUUID(), customerId, 10);
    await deliver([event]);
    expect((await notification(event.id))?.message).toMatch(/Amount due: 10\.00\.$/);
  });

  it("falls back to the Customer object for a customer the cache has not seen, and caches it", async () => {
    const customerId = await unseenCustomer("Dee", "555-9");
    expect(await cacheRow(customerId)).toBeNull();
    const event = created(crypto.randomUUID(), customerId);
    expect((await deliver([event])).explicitAcks).toEqual(["m0"]);
    expect(await notification(event.id)).toMatchObject({ sms_number: "555-9", message: expect.stringMatching(/^Hi Dee, /) });
    expect(await cacheRow(customerId)).toEqual({ id: customerId, name: "Dee", sms_number: "555-9", version: 1 });
    expect(await streamsOf(customerId)).toEqual(["customers.Customer"]);
  });

  it("records nothing for an unknown customer and acknowledges the message", async () => {
    const customerId = crypto.randomUUID();
    const event = created(crypto.randomUUID(), customerId);
    expect(await deliver([event])).toMatchObject({ explicitAcks: ["m0"], retryMessages: [] });
    expect(await notification(event.id)).toBeNull();
    expect(await inboxOf(event.id)).toEqual([]);
    expect(await cacheRow(customerId)).toBeNull();
  });

  it("retries the message when the Customer object cannot be read", async () => {
    const broken = {
      idFromName: (name: string) => env.CUSTOMER.idFromName(name),
      get: () => ({
        snapshot: async () => {
          throw new Error("network connection lost");
        },
      }),
    };
    const event = created(crypto.randomUUID(), crypto.randomUUID());
    const outcome = await deliver([event], { ...env, CUSTOMER: broken } as unknown as Env);
    expect(outcome).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: "m0" }] });
    expect(await notification(event.id)).toBeNull();
    expect(await inboxOf(event.id)).toEqual([]);
  });

  it("is idempotent: a redelivered message, alone or in one batch with itself, changes nothing", async () => {
    const customerId = await unseenCustomer();
    const event = created(crypto.randomUUID(), customerId);
    await deliver([event]);
    const before = await notification(event.id);
    // the customer's number changes; a redelivery must not rewrite the recorded notification
    await db().prepare("UPDATE customers_cache SET sms_number = 'changed' WHERE id = ?").bind(customerId).run();
    expect((await deliver([event, event])).explicitAcks).toEqual(["m0", "m1"]);
    expect(await notification(event.id)).toEqual(before);
    expect(await notificationsOf(customerId)).toHaveLength(1);
  });
});

describe("GET /api/notifications", () => {
  const get = async (query: string) => {
    const res = await SELF.fetch(`https://mallbots.test/api/notifications?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  it("pages a customer's notifications newest first with an opaque cursor; sentAt is '' until sent", async () => {
    const customerId = await unseenCustomer("Eve", "555-7");
    const events = Array.from({ length: 5 }, () => created(crypto.randomUUID(), customerId));
    await deliver(events);
    const newestFirst = [...events].reverse();
    const seen: string[] = [];
    let next = "";
    let pages = 0;
    do {
      const page = await get(`customerId=${customerId}&limit=2&next=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
      expect(page.body.notifications.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.notifications.map((n: { id: string }) => n.id));
      next = page.body.next;
      pages++;
    } while (next !== "");
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst.map((e) => e.id));

    const all = await get(`customerId=${customerId}`);
    expect(all.body.next).toBe("");
    expect(all.body.notifications[0]).toStrictEqual({
      id: newestFirst[0]!.id,
      customerId,
      orderId: newestFirst[0]!.payload && (newestFirst[0]!.payload as { id: string }).id,
      kind: "order_created",
      smsNumber: "555-7",
      message: `Hi Eve, we have received your order ${(newestFirst[0]!.payload as { id: string }).id}.`,
      delivery: "recorded",
      attempts: 0,
      createdAt: newestFirst[0]!.occurredAt,
      sentAt: "",
    });
    // another customer's list is empty
    expect((await get(`customerId=${crypto.randomUUID()}`)).body).toEqual({ notifications: [], next: "" });
  });

  it("defaults the limit to 50 and caps it at 100", async () => {
    const customerId = crypto.randomUUID();
    const rows = Array.from({ length: 105 }, (_, i) => i);
    await db().batch(
      rows.map((i) =>
        db()
          .prepare(
            `INSERT INTO notifications (id, customer_id, order_id, kind, sms_number, message, delivery, created_at)
             VALUES (?, ?, 'o', 'order_created', 's', 'm', 'recorded', ?)`,
          )
          .bind(`n${String(i).padStart(3, "0")}`, customerId, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
      ),
    );
    const byDefault = await get(`customerId=${customerId}`);
    expect(byDefault.body.notifications).toHaveLength(50);
    expect(byDefault.body.notifications[0].id).toBe("n104");
    expect((await get(`customerId=${customerId}&limit=0`)).body.notifications).toHaveLength(50);
    const capped = await get(`customerId=${customerId}&limit=1000`);
    expect(capped.body.notifications).toHaveLength(100);
    const rest = await get(`customerId=${customerId}&limit=1000&next=${encodeURIComponent(capped.body.next)}`);
    expect(rest.body).toMatchObject({ next: "" });
    expect(rest.body.notifications.map((n: { id: string }) => n.id)).toEqual(["n004", "n003", "n002", "n001", "n000"]);
  });

  it("answers 400 for a blank customer id, a malformed cursor or a bad limit", async () => {
    const error = (message: string) => ({ status: 400, body: { code: 3, message, details: [] } });
    expect(await get("")).toEqual(error("the customer id cannot be blank"));
    expect(await get("customerId=%20%20")).toEqual(error("the customer id cannot be blank"));
    expect(await get("customerId=c&next=nope")).toEqual(error("invalid request: next"));
    expect(await get(`customerId=c&next=${btoa(JSON.stringify([1, 2]))}`)).toEqual(error("invalid request: next"));
    expect(await get("customerId=c&limit=x")).toEqual(error("invalid request: limit"));
    expect(await get(`customerId=${"x".repeat(129)}`)).toEqual(error("invalid request: customerId"));
    expect(await get("customerId=a%01b")).toEqual(error("invalid request: customerId"));
  });
});

describe("SMS delivery against a webhook (SPEC §3.7)", () => {
  // The sweep takes every due pending row of the database: settle the other tests' rows first.
  beforeEach(async () => {
    await db().prepare("UPDATE notifications SET delivery = 'failed' WHERE delivery = 'pending'").run();
  });

  it("POSTs {to, message} with the JSON type and the notification id as Idempotency-Key; a 2xx makes it sent", async () => {
    const customerId = await unseenCustomer("Fay", "555-3");
    const event = created(crypto.randomUUID(), customerId);
    expect((await deliver([event], withWebhook("/status/201"))).explicitAcks).toEqual(["m0"]);
    const row = await notification(event.id);
    expect(row).toMatchObject({ delivery: "sent", attempts: 0, last_error: "", next_attempt_at: "" });
    expect(Date.parse(String(row?.sent_at))).not.toBeNaN();
    const [received, ...more] = await receivedBy(event.id);
    expect(more).toEqual([]);
    expect(received?.path).toBe("/status/201");
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.headers["idempotency-key"]).toBe(event.id);
    expect(received?.body).toEqual({ to: "555-3", message: `Hi Fay, we have received your order ${(event.payload as { id: string }).id}.` });
    // the API shows sentAt
    const res = await SELF.fetch(`https://mallbots.test/api/notifications?customerId=${customerId}`);
    expect(((await res.json()) as any).notifications[0]).toMatchObject({ delivery: "sent", sentAt: row?.sent_at });
  });

  it("after a failure keeps the row pending with the backoff, and the cron sweep delivers it when due", async () => {
    const customerId = await unseenCustomer();
    const event = created(crypto.randomUUID(), customerId);
    const hook = withWebhook("/fail-first/1");
    const before = Date.now();
    expect((await deliver([event], hook)).explicitAcks).toEqual(["m0"]);
    const failed = await notification(event.id);
    expect(failed).toMatchObject({ delivery: "pending", attempts: 1, last_error: "webhook answered HTTP 503", sent_at: "" });
    const due = Date.parse(String(failed?.next_attempt_at));
    expect(due).toBeGreaterThanOrEqual(before + 30_000);

    // not due yet: the sweep leaves it alone
    await fireCron(before, hook);
    expect(await notification(event.id)).toMatchObject({ delivery: "pending", attempts: 1 });
    expect(await receivedBy(event.id)).toHaveLength(1);

    await fireCron(due, hook);
    expect(await notification(event.id)).toMatchObject({ delivery: "sent", attempts: 1, next_attempt_at: "" });
    expect((await receivedBy(event.id)).map((r) => r.headers["idempotency-key"])).toEqual([event.id, event.id]);
  });

  it("backs off 30, 60, 120, 240 s and fails the row after 5 attempts; a failed row is not retried", async () => {
    const customerId = await unseenCustomer();
    const event = created(crypto.randomUUID(), customerId);
    const hook = withWebhook("/status/500");
    await deliver([event], hook);
    let at = Date.now();
    const delays: number[] = [];
    for (let attempts = 1; attempts < 5; attempts++) {
      const row = await notification(event.id);
      expect(row).toMatchObject({ delivery: "pending", attempts, last_error: "webhook answered HTTP 500" });
      const due = Date.parse(String(row?.next_attempt_at));
      delays.push(Math.round((due - at) / 1000));
      at = due;
      await fireCron(at, hook);
    }
    // the first delay is measured from before the handler ran, so it may round up by a second
    expect(delays.slice(1)).toEqual([60, 120, 240]);
    expect(delays[0]).toBeGreaterThanOrEqual(30);
    expect(await notification(event.id)).toMatchObject({ delivery: "failed", attempts: 5, next_attempt_at: "" });
    await fireCron(at + 3_600_000, hook);
    expect(await receivedBy(event.id)).toHaveLength(5);
  });

  it("records a network error without failing the message, and sends URL credentials as Basic auth without logging them", async () => {
    const customerId = await unseenCustomer();
    const refused = created(crypto.randomUUID(), customerId);
    // port 9 on localhost: nothing listens
    expect((await deliver([refused], { ...env, SMS_WEBHOOK_URL: "http://user:pw-secret@127.0.0.1:9/sms" })).explicitAcks).toEqual(["m0"]);
    const row = await notification(refused.id);
    expect(row).toMatchObject({ delivery: "pending", attempts: 1 });
    expect(String(row?.last_error)).toMatch(/^webhook request failed: /);
    expect(String(row?.last_error)).not.toContain("pw-secret");

    const authed = created(crypto.randomUUID(), customerId);
    const url = new URL(webhook);
    await deliver([authed], { ...env, SMS_WEBHOOK_URL: `http://sms:pw-secret@${url.host}/ok` });
    expect(await notification(authed.id)).toMatchObject({ delivery: "sent" });
    expect((await receivedBy(authed.id))[0]?.headers.authorization).toBe(`Basic ${btoa("sms:pw-secret")}`);
  });

  it("a sweep takes at most 50 due rows, oldest due first", async () => {
    const customerId = crypto.randomUUID();
    const base = Date.parse("2026-02-01T00:00:00.000Z");
    const idsInDueOrder = Array.from({ length: 60 }, (_, i) => `sweep-${customerId}-${String(i).padStart(2, "0")}`);
    await db().batch(
      [...idsInDueOrder].reverse().map((id, j) =>
        db()
          .prepare(
            `INSERT INTO notifications (id, customer_id, order_id, kind, sms_number, message, delivery, attempts, next_attempt_at, created_at)
             VALUES (?, ?, 'o', 'order_created', 's', 'm', 'pending', 1, ?, ?)`,
          )
          .bind(id, customerId, new Date(base + (59 - j) * 1000).toISOString(), new Date(base).toISOString()),
      ),
    );
    await fireCron(base + 3_600_000, withWebhook("/ok"));
    const { results } = await db()
      .prepare("SELECT id, delivery FROM notifications WHERE customer_id = ? ORDER BY id")
      .bind(customerId)
      .all<{ id: string; delivery: string }>();
    expect(results.filter((r) => r.delivery === "sent").map((r) => r.id)).toEqual(idsInDueOrder.slice(0, 50));
    expect(results.filter((r) => r.delivery === "pending").map((r) => r.id)).toEqual(idsInDueOrder.slice(50));
  });
});

describe("read-model rebuild (SPEC §7)", () => {
  it("refills the customer cache from the Customer objects and keeps the notification log", async () => {
    const customerId = await unseenCustomer("Gus", "555-4");
    const event = created(crypto.randomUUID(), customerId);
    await deliver([event]);
    const logged = await notification(event.id);
    await db().prepare("UPDATE customers_cache SET name = 'stale' WHERE id = ?").bind(customerId).run();
    let next = "";
    do {
      const res = await SELF.fetch("https://mallbots.test/api/admin/read-models/notifications/rebuild", {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token" },
        body: JSON.stringify({ next, batchSize: 500 }),
      });
      expect(res.status).toBe(200);
      next = ((await res.json()) as { next: string }).next;
    } while (next !== "");
    expect(await cacheRow(customerId)).toEqual({ id: customerId, name: "Gus", sms_number: "555-4", version: 1 });
    expect(await notification(event.id)).toEqual(logged);
    expect(await inboxOf(event.id)).toEqual(["notifications.ordersapi.OrderCreated"]);
  });
});
