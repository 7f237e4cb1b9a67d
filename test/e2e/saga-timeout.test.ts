import { afterAll, beforeAll, expect, it } from "vitest";
import { e2eVars } from "./global-setup";
import {
  addItem,
  addProduct,
  authorizePayment,
  checkout,
  createStore,
  expectHistoryShape,
  historyLines,
  isoMillis,
  readList,
  registerCustomer,
  startBasket,
  waitForOrderStatus,
  waitForSagaDone,
  wholeBoard,
} from "./ordering-flows";
import { type OwnSystem, startOwnSystem, waitFor } from "./system";

/**
 * SPEC §6.2 R4 and §4.2 step 4: the payments consumer is stalled (STALL_QUEUES defers every message),
 * so step 3 (ConfirmPayment) never gets a reply. After SAGA_REPLY_TIMEOUT_SECONDS the alarm fails the
 * step: the list is canceled, the order rejected, and the saga ends compensated.
 */

const token = "t";
let system: OwnSystem;

beforeAll(async () => {
  system = await startOwnSystem(
    { ...e2eVars, SAGA_REPLY_TIMEOUT_SECONDS: "2", STALL_QUEUES: "payments", ALLOW_TEST_FAULTS: "true", ADMIN_TOKEN: token },
    "mallbots-saga-timeout-",
  );
});
afterAll(async () => {
  await system?.stop();
});

it("R4: a step without a reply times out; the list is canceled, the order rejected, the saga compensated", async () => {
  const call = system.call;
  const store = await createStore(call, "Store ABC", "The mall");
  const product = await addProduct(call, store, { name: "Product ABC", price: 10.49 });
  const customer = await registerCustomer(call, "Ann", "555-555-1212");
  const basket = await startBasket(call, customer);
  await addItem(call, basket, product, 4);
  const payment = await authorizePayment(call, customer, 41.96);
  const startedAt = Date.now();
  await checkout(call, basket, payment);

  // Steps 1 and 2 succeed: the list is created (pending) for the order...
  const L = await waitFor(
    async () => {
      for (const status of ["pending", "canceled"]) {
        const list = (await wholeBoard(call, status)).find((l) => l.orderId === basket);
        if (list) return list.id;
      }
      return undefined;
    },
    "the shopping list of the order on the board",
  );

  // ...and, after the step-3 timeout, canceled; the order is rejected.
  const rejected = await waitForOrderStatus(call, basket, "rejected", ["missing", "pending"], { timeoutMs: 30_000 });
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000); // not before the 2 s reply timeout
  expect(rejected).toStrictEqual({
    id: basket,
    customerId: customer,
    paymentId: payment,
    shoppingId: "",
    invoiceId: "",
    items: [{ storeId: store, productId: product, storeName: "Store ABC", productName: "Product ABC", price: 10.49, quantity: 4 }],
    total: 41.96,
    status: "rejected",
  });

  const saga = await waitForSagaDone(call, basket, token);
  expect(saga).toMatchObject({
    id: basket,
    name: "cosec.CreateOrder",
    status: "compensated",
    compensating: true,
    done: true,
    awaiting: null,
    lastFailure: "the saga step timed out",
    failureReason: "",
    data: { orderId: basket, customerId: customer, paymentId: payment, shoppingId: L, total: 41.96 },
  });
  expect(saga.createdAt).toMatch(isoMillis);
  expect(saga.updatedAt).toMatch(isoMillis);
  expectHistoryShape(saga);
  expect(historyLines(saga)).toStrictEqual([
    "1 command customersapi.AuthorizeCustomer",
    "1 reply am.Success SUCCESS",
    "2 command depotapi.CreateShoppingListCommand",
    "2 reply depotapi.CreatedShoppingListReply SUCCESS",
    "3 command paymentsapi.ConfirmPayment",
    "3 timeout paymentsapi.ConfirmPayment FAILURE",
    "2 command depotapi.CancelShoppingListCommand",
    "2 reply am.Success SUCCESS",
    "0 command ordersapi.RejectOrder",
    "0 reply am.Success SUCCESS",
  ]);
  // the timeout entry names the command it gave up on, at least the timeout after it was sent
  const sent = saga.history.find((h) => h.kind === "command" && h.name === "paymentsapi.ConfirmPayment")!;
  const timeout = saga.history.find((h) => h.kind === "timeout")!;
  expect(timeout.messageId).toBe(sent.messageId);
  expect(Date.parse(timeout.at) - Date.parse(sent.at)).toBeGreaterThanOrEqual(2_000);

  expect(await readList(call, L)).toStrictEqual({
    id: L,
    orderId: basket,
    status: "canceled",
    assignedBotId: "",
    stops: [
      { storeId: store, storeName: "Store ABC", storeLocation: "The mall", items: [{ productId: product, productName: "Product ABC", quantity: 4 }] },
    ],
    createdAt: expect.stringMatching(isoMillis),
    updatedAt: expect.stringMatching(isoMillis),
  });
  await waitFor(
    async () => ((await wholeBoard(call, "canceled")).some((l) => l.id === L) ? true : undefined),
    "L on the canceled board",
  );

  // The stalled command is never handled: after its 5 deliveries the payments queue dead-letters it
  // (SPEC §5.2, §7), so the late reply of R4 never comes here.
  const deadLetter = await waitFor(
    async () => {
      const reply = await call("GET", "/api/admin/dead-letters?context=payments", undefined, { authorization: `Bearer ${token}` });
      expect(reply.status).toBe(200);
      return (reply.body.deadLetters as Record<string, unknown>[]).find((d) => d.messageId === sent.messageId);
    },
    "the ConfirmPayment dead letter",
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect(Object.keys(deadLetter).sort()).toStrictEqual(
    ["attempts", "context", "deadLetteredAt", "envelope", "id", "lastError", "messageId", "name", "replayCount", "replayedAt"],
  );
  expect(deadLetter).toMatchObject({ context: "payments", messageId: sent.messageId, name: "paymentsapi.ConfirmPayment", replayCount: 0 });
});
