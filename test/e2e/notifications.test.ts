import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectOk } from "./expectations";
import { e2eVars } from "./global-setup";
import { call as globalCall } from "./http";
import {
  addItem,
  addProduct,
  authorizePayment,
  checkout,
  createdId,
  createStore,
  isoMillis,
  registerCustomer,
  startBasket,
  waitForOrderStatus,
} from "./ordering-flows";
import { type Call, type OwnSystem, startOwnSystem, Unexpected, waitFor } from "./system";
import { type Answer, startWebhook, type Webhook } from "./webhook";

/**
 * Notifications end to end (SPEC §3.7, §6.1 step 20, §6.2 R1 and R3): the system started like
 * `npm start` with real queues, and SMS_WEBHOOK_URL pointing at a real HTTP server in this process.
 * The webhook answers per SMS number, so each test steers only its own customer's deliveries. The
 * cron sweep is fired through the start script; SMS_RETRY_BASE_SECONDS=0 makes a failed row due
 * at the next sweep instead of 30 s later.
 */

interface NotificationView {
  id: string;
  customerId: string;
  orderId: string;
  kind: string;
  smsNumber: string;
  message: string;
  delivery: string;
  attempts: number;
  createdAt: string;
  sentAt: string;
}

const token = "notif-admin";
let hook: Webhook;
let system: OwnSystem;
let call: Call;
/** What the webhook answers, by the SMS number it is sent to (default 200). */
const answers = new Map<string, Answer>();
/** Customers registered in the own system (each one is a stream the rebuild refills). */
let customersRegistered = 0;

let store = "";
let widget = "";

beforeAll(async () => {
  hook = await startWebhook();
  hook.answer = (request) => answers.get((request.body as { to?: string }).to ?? "") ?? { status: 200 };
  system = await startOwnSystem(
    { ...e2eVars, ADMIN_TOKEN: token, SMS_WEBHOOK_URL: `${hook.url}/sms`, SMS_RETRY_BASE_SECONDS: "0" },
    "mallbots-notifications-",
  );
  call = system.call;
  store = await createStore(call, "Store ABC", "The mall");
  widget = await addProduct(call, store, { name: "Product ABC", description: "A thing", sku: "abc", price: 10.49 });
});
afterAll(async () => {
  await system?.stop();
  await hook?.close();
});

const customer = async (c: Call, name: string, sms: string) => {
  const id = await registerCustomer(c, name, sms);
  if (c === call) customersRegistered++;
  return id;
};

async function notificationsOf(c: Call, customerId: string, query = ""): Promise<{ notifications: NotificationView[]; next: string }> {
  const reply = await c("GET", `/api/notifications?customerId=${customerId}${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body).sort()).toStrictEqual(["next", "notifications"]);
  return reply.body;
}

/** Polls until the customer has `count` notifications and `settled` holds for all of them. */
const waitForNotifications = (c: Call, customerId: string, count: number, settled: (n: NotificationView) => boolean = () => true) =>
  waitFor(
    async () => {
      const { notifications } = await notificationsOf(c, customerId);
      if (notifications.length > count) throw new Unexpected(`${notifications.length} notifications, expected ${count}`);
      return notifications.length === count && notifications.every(settled) ? notifications : undefined;
    },
    `${count} notifications of ${customerId}`,
    { timeoutMs: 40_000 },
  );

const receivedFor = (sms: string) => hook.received.filter((r) => (r.body as { to?: string }).to === sms);

describe.sequential("notifications with a webhook", () => {
  it("§6.1 journey: order_created, order_ready (41.96) and order_completed are delivered and listed newest first", async () => {
    const sms = "555-555-1212";
    const C = await customer(call, "Ann", sms);
    const B = await startBasket(call, C);
    await addItem(call, B, widget, 4);
    const PAY = await authorizePayment(call, C, 41.96);
    await checkout(call, B, PAY);
    const L = (await waitForOrderStatus(call, B, "approved", ["missing", "pending"])).shoppingId;
    expectOk(await call("PUT", `/api/depot/shopping/${L}/assign`, { botId: "bot-7" }), {});
    expectOk(await call("PUT", `/api/depot/shopping/${L}/complete`, {}), {});
    await waitForOrderStatus(call, B, "ready", ["approved"]);
    await waitFor(async () => ((await call("GET", `/api/payments/invoices/${B}`)).status === 200 ? true : undefined), "invoice B");
    expectOk(await call("PUT", `/api/payments/invoices/${B}/pay`, {}), {});
    await waitForOrderStatus(call, B, "completed", ["ready"]);

    const listed = await waitForNotifications(call, C, 3, (n) => n.delivery === "sent");
    expect(listed.map((n) => n.kind)).toEqual(["order_completed", "order_ready", "order_created"]);
    expect(listed.map((n) => n.message)).toEqual([
      `Hi Ann, your order ${B} is complete. Thank you!`,
      `Hi Ann, your order ${B} is ready for pickup. Amount due: 41.96.`,
      `Hi Ann, we have received your order ${B}.`,
    ]);
    for (const n of listed) {
      expect(Object.keys(n).sort()).toStrictEqual(
        ["attempts", "createdAt", "customerId", "delivery", "id", "kind", "message", "orderId", "sentAt", "smsNumber"].sort(),
      );
      expect(n).toMatchObject({ customerId: C, orderId: B, smsNumber: sms, delivery: "sent", attempts: 0 });
      expect(n.createdAt).toMatch(isoMillis);
      expect(n.sentAt).toMatch(isoMillis);
    }
    // what the webhook got: one POST per notification, keyed by its id
    const received = receivedFor(sms);
    expect(received.map((r) => r.headers["idempotency-key"]).sort()).toEqual(listed.map((n) => n.id).sort());
    for (const r of received) {
      expect(r.path).toBe("/sms");
      expect(r.headers["content-type"]).toBe("application/json");
      const n = listed.find((x) => x.id === r.headers["idempotency-key"])!;
      expect(r.body).toStrictEqual({ to: sms, message: n.message });
    }

    // keyset paging over the same three
    const first = await notificationsOf(call, C, "&limit=2");
    expect(first.notifications.map((n) => n.kind)).toEqual(["order_completed", "order_ready"]);
    const second = await notificationsOf(call, C, `&limit=2&next=${encodeURIComponent(first.next)}`);
    expect(second).toStrictEqual({ notifications: [listed[2]], next: "" });
    expectError(await call("GET", `/api/notifications?customerId=${C}&next=garbage`), 400, 3, "invalid request: next");
    expectError(await call("GET", "/api/notifications?customerId="), 400, 3, "the customer id cannot be blank");
  });

  it("a failing webhook leaves the row pending; once it recovers, the cron sweep delivers it", async () => {
    const sms = "555-0101";
    answers.set(sms, { status: 503 });
    const C = await customer(call, "Bo", sms);
    const B = await startBasket(call, C);
    await addItem(call, B, widget, 1);
    await checkout(call, B, await authorizePayment(call, C, 10.49));
    const [pending] = await waitForNotifications(call, C, 1, (n) => n.attempts >= 1);
    expect(pending).toMatchObject({ kind: "order_created", delivery: "pending", attempts: 1, sentAt: "" });
    // the order goes on regardless
    await waitForOrderStatus(call, B, "approved", ["missing", "pending"]);

    answers.set(sms, { status: 200 });
    await system.cron();
    const [sent] = await waitForNotifications(call, C, 1, (n) => n.delivery === "sent");
    expect(sent).toMatchObject({ id: pending!.id, delivery: "sent", attempts: 1 });
    expect(receivedFor(sms).map((r) => r.headers["idempotency-key"])).toEqual([pending!.id, pending!.id]);
  });

  it("a webhook slower than 5 s counts as a failed attempt (timeout); the order still proceeds", async () => {
    const sms = "555-0202";
    answers.set(sms, { status: 200, delayMs: 7_000 });
    const C = await customer(call, "Cy", sms);
    const B = await startBasket(call, C);
    await addItem(call, B, widget, 1);
    await checkout(call, B, await authorizePayment(call, C, 10.49));
    await waitForOrderStatus(call, B, "approved", ["missing", "pending"]);
    const [n] = await waitForNotifications(call, C, 1, (x) => x.attempts >= 1);
    expect(n).toMatchObject({ kind: "order_created", delivery: "pending", attempts: 1, sentAt: "" });
    expect(receivedFor(sms)).toHaveLength(1);
    // last_error is not part of the API: read it from the instance's D1
    const [row] = await system.query<{ last_error: string }>("NOTIFICATIONS_DB", `SELECT last_error FROM notifications WHERE id = '${n!.id}'`);
    expect(row?.last_error).toMatch(/timeout/);
  });

  it("R1: a disabled customer's order is rejected and only order_created is sent", async () => {
    const sms = "555-0303";
    const C = await customer(call, "Dee", sms);
    const B = await startBasket(call, C);
    await addItem(call, B, widget, 1);
    const PAY = await authorizePayment(call, C, 10.49);
    expectOk(await call("PUT", `/api/customers/${C}/disable`, {}), {});
    await checkout(call, B, PAY);
    await waitForOrderStatus(call, B, "rejected", ["missing", "pending"]);
    const listed = await waitForNotifications(call, C, 1, (n) => n.delivery === "sent");
    expect(listed.map((n) => [n.kind, n.orderId])).toEqual([["order_created", B]]);
  });

  it("R3: cancelling a pending order sends order_canceled after order_created", async () => {
    // a system of its own whose payments context is stalled, so the saga waits at step 3 and the cancel
    // always comes first (saga commands go direct and could otherwise approve the order before the DELETE)
    const stalled = await startOwnSystem(
      { ...e2eVars, SMS_WEBHOOK_URL: `${hook.url}/sms`, SMS_RETRY_BASE_SECONDS: "0", ALLOW_TEST_FAULTS: "true", STALL_QUEUES: "payments" },
      "mallbots-notifications-r3-",
    );
    try {
      const c = stalled.call;
      const storeId = await createStore(c, "Store ABC", "The mall");
      const product = await addProduct(c, storeId, { name: "Product ABC", description: "A thing", sku: "abc", price: 10.49 });
      const C = await customer(c, "Eve", "555-0404");
      const line = { storeId, productId: product, storeName: "Store ABC", productName: "Product ABC", price: 10.49, quantity: 1 };
      const O = createdId(await c("POST", "/api/ordering", { items: [line], customerId: C, paymentId: await authorizePayment(c, C, 10.49) }));
      expect((await c("DELETE", `/api/ordering/${O}`)).status).toBe(200);
      const mine = await waitFor(
        async () => {
          const { notifications } = await notificationsOf(c, C);
          const forO = notifications.filter((n) => n.orderId === O);
          return forO.length === 2 && forO.every((n) => n.delivery === "sent") ? forO : undefined;
        },
        `order_created and order_canceled of ${O}`,
        { timeoutMs: 40_000 },
      );
      expect(mine.map((n) => n.kind)).toEqual(["order_canceled", "order_created"]);
      expect(mine[0]!.message).toBe(`Hi Eve, your order ${O} has been canceled.`);
    } finally {
      await stalled.stop();
    }
  });

  it("the rebuild refills the customer cache from the Customer objects and keeps the notification log", async () => {
    const sms = "555-0505";
    const C = await customer(call, "Fay", sms);
    const B = await startBasket(call, C);
    await addItem(call, B, widget, 1);
    await checkout(call, B, await authorizePayment(call, C, 10.49));
    const before = await waitForNotifications(call, C, 1, (n) => n.delivery === "sent");

    const auth = { authorization: `Bearer ${token}` };
    let next = "";
    let rebuilt = 0;
    do {
      const reply = await call("POST", "/api/admin/read-models/notifications/rebuild", { next, batchSize: 2 }, auth);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      rebuilt += reply.body.rebuilt;
      next = reply.body.next;
    } while (next !== "");
    // every customer this system has registered was seen through customersapi.CustomerRegistered
    expect(rebuilt).toBe(customersRegistered);
    expect(await notificationsOf(call, C)).toStrictEqual({ notifications: before, next: "" });
  });
});

describe("notifications without SMS_WEBHOOK_URL (the shared system)", () => {
  it("records the notification as `recorded` and delivers nothing", async () => {
    const C = await customer(globalCall, "Gus", "555-0606");
    const B = await startBasket(globalCall, C);
    const product = await addProduct(globalCall, await createStore(globalCall, "Store R", "Level 3"), { name: "Thing", price: 1 });
    await addItem(globalCall, B, product, 1);
    await checkout(globalCall, B, await authorizePayment(globalCall, C, 1));
    const [n] = await waitForNotifications(globalCall, C, 1);
    expect(n).toMatchObject({ kind: "order_created", orderId: B, smsNumber: "555-0606", delivery: "recorded", attempts: 0, sentAt: "" });
    expect(receivedFor("555-0606")).toEqual([]);
  });
});
