import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import worker from "../../src/index";
import { describe, expect, it } from "vitest";
import type { ShoppingListCommand } from "../../src/depot/domain";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import type { OrderItem } from "../../src/ordering/domain";
import { capturingQueues } from "./helpers";
import {
  type Captured,
  captureFrom,
  capturedReplies,
  deliver,
  event,
  eventNamesOf,
  expectPublished,
  relayed,
  repliesIn,
  sagaCommand,
  sagaName,
} from "./saga-support";

const cause = { correlationId: "setup", causationId: "setup" };
const uuid = () => crypto.randomUUID();

const customers = (id: string) => aggregate(env.CUSTOMER, id);
const lists = (id: string) => aggregate(env.SHOPPING_LIST, id);
const payments = (id: string) => aggregate(env.PAYMENT, id);
const orders = (id: string) => aggregate(env.ORDER, id);
const invoices = (id: string) => aggregate(env.INVOICE, id);

const must = async <T>(result: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> => {
  const r = await result;
  if (!r.ok) throw new Error(`setup failed: ${JSON.stringify(r.error)}`);
  return r.value;
};

/**
 * Delivers the same command envelope three times (twice in one batch, once in a later batch) and
 * checks every copy is acknowledged.
 */
async function deliverThrice(queue: string, message: Envelope): Promise<void> {
  const first = await deliver(queue, [message, message]);
  const again = await deliver(queue, [message]);
  expect(first.retryMessages).toEqual([]);
  expect(again.retryMessages).toEqual([]);
  expect(first.explicitAcks).toEqual(["m0", "m1"]);
  expect(again.explicitAcks).toEqual(["m0"]);
}

/**
 * Checks that the object answered `command` with exactly one reply, committed in its outbox and sent
 * to the cosec queue, with the saga headers of SPEC §5.1.
 */
async function expectOneReply(
  namespace: object,
  objectId: string,
  captured: Captured,
  command: Envelope,
  expected: { name: string; payload: unknown; outcome: "SUCCESS" | "FAILURE" },
): Promise<void> {
  const rows = repliesIn(await relayed(namespace, objectId)).filter((r) => r.envelope.metadata.causationId === command.id);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  expect(row!.destinations).toEqual(["cosec"]);
  expect(row!.envelope.name).toBe(expected.name);
  expect(row!.envelope.payload).toEqual(expected.payload);
  expect(row!.envelope.metadata).toEqual({
    correlationId: command.metadata.correlationId,
    causationId: command.id,
    REPLY_OUTCOME: expected.outcome,
    REPLY_SAGA_ID: command.metadata.COMMAND_SAGA_ID,
    REPLY_SAGA_NAME: sagaName,
  });
  // what the relay really sent to mallbots-cosec: that one reply, once
  expect(capturedReplies(captured, command.id)).toEqual([row!.envelope]);
}

// ---- fixtures ------------------------------------------------------------------------------------

async function newCustomer(captured: Captured, { disabled = false } = {}) {
  const id = uuid();
  await captureFrom(env.CUSTOMER, id, captured);
  await must(customers(id).execute({ type: "RegisterCustomer", name: "Ann", smsNumber: "555" }, cause));
  if (disabled) await must(customers(id).execute({ type: "DisableCustomer" }, cause));
  return id;
}

/** A store and a product, published for real (they only feed caches). */
async function newCatalog() {
  const store = uuid();
  const product = uuid();
  await must(aggregate(env.STORE, store).execute({ type: "CreateStore", name: "Store ABC", location: "The mall" }, cause));
  await must(
    aggregate(env.PRODUCT, product).execute(
      { type: "AddProduct", storeId: store, name: "Product ABC", description: "", sku: "abc", price: 2.5 },
      cause,
    ),
  );
  return { store, product };
}

/** A shopping list brought to `status` through its commands, publishing into `captured`. */
async function newList(captured: Captured, status: "pending" | "available" | "assigned" | "completed" | "canceled") {
  const id = uuid();
  await captureFrom(env.SHOPPING_LIST, id, captured);
  const stops = [{ storeId: "s", storeName: "S", storeLocation: "L", items: [{ productId: "p", productName: "P", quantity: 1 }] }];
  await must(lists(id).execute({ type: "CreateShoppingList", orderId: uuid(), itemCount: 1, stops: { ok: true, stops } }, cause));
  const path: ShoppingListCommand[] =
    status === "canceled"
      ? [{ type: "CancelShoppingList" }]
      : [{ type: "InitiateShopping" }, { type: "AssignShoppingList", botId: "bot-7" }, { type: "CompleteShoppingList" }].slice(
          0,
          ["pending", "available", "assigned", "completed"].indexOf(status),
        ) as ShoppingListCommand[];
  for (const command of path) await must(lists(id).execute(command, cause));
  return id;
}

async function newPayment(captured: Captured, amount = 7.5) {
  const id = uuid();
  await captureFrom(env.PAYMENT, id, captured);
  await must(payments(id).execute({ type: "AuthorizePayment", customerId: "c", amount }, cause));
  return id;
}

const items: OrderItem[] = [
  { storeId: "s1", productId: "p1", storeName: "S1", productName: "P1", price: 2.5, quantity: 3 },
  { storeId: "s2", productId: "p2", storeName: "S2", productName: "P2", price: 0.1, quantity: 2 },
];

/** A pending order whose publications (and so its OrderCreated) are captured: no real saga starts. */
async function newOrder(captured: Captured) {
  const id = uuid();
  await captureFrom(env.ORDER, id, captured);
  await must(orders(id).execute({ type: "CreateOrder", customerId: "cust", paymentId: "pay", items }, cause));
  return id;
}

const orderStatus = async (id: string) => (await must(orders(id).get())).status;

// ---- customers ---------------------------------------------------------------------------------

describe("customersapi.AuthorizeCustomer (mallbots-customers)", () => {
  it("answers an enabled customer with one am.Success, also when the command is redelivered", async () => {
    const captured = capturingQueues();
    const customer = await newCustomer(captured);
    const command = sagaCommand("customersapi.AuthorizeCustomer", { id: customer }, uuid());
    await deliverThrice("mallbots-customers", command);
    await expectOneReply(env.CUSTOMER, customer, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.CUSTOMER, customer)).toEqual(["customers.CustomerRegistered"]);
  });

  it("answers a disabled customer with am.Failure 16 customer is not authorized", async () => {
    const captured = capturingQueues();
    const customer = await newCustomer(captured, { disabled: true });
    const command = sagaCommand("customersapi.AuthorizeCustomer", { id: customer }, uuid());
    await deliverThrice("mallbots-customers", command);
    await expectOneReply(env.CUSTOMER, customer, captured, command, {
      name: "am.Failure",
      payload: { code: 16, message: "customer is not authorized" },
      outcome: "FAILURE",
    });
  });

  it("answers an unknown customer with am.Failure 5 and leaves the customer nonexistent", async () => {
    const captured = capturingQueues();
    const customer = uuid();
    await captureFrom(env.CUSTOMER, customer, captured);
    const command = sagaCommand("customersapi.AuthorizeCustomer", { id: customer }, uuid());
    await deliverThrice("mallbots-customers", command);
    await expectOneReply(env.CUSTOMER, customer, captured, command, {
      name: "am.Failure",
      payload: { code: 5, message: "customer with that ID does not exist" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.CUSTOMER, customer)).toEqual([]);
    expect(await customers(customer).get()).toEqual({ ok: false, error: { code: 5, message: "customer with that ID does not exist" } });
  });
});

// ---- depot -------------------------------------------------------------------------------------

describe("depotapi.CreateShoppingListCommand (mallbots-depot)", () => {
  /** A command for one item of a new catalog; the list object it creates relays into `captured`. */
  async function oneItemListCommand() {
    const { store, product } = await newCatalog();
    const captured = capturingQueues();
    const orderId = uuid();
    const command = sagaCommand("depotapi.CreateShoppingListCommand", { orderId, items: [{ productId: product, storeId: store, quantity: 1 }] }, orderId);
    await captureFrom(env.SHOPPING_LIST, command.id, captured);
    return { command, captured };
  }

  it("creates the list with the command's message id and answers one CreatedShoppingListReply {id}", async () => {
    const { store, product } = await newCatalog();
    const other = await newCatalog();
    const captured = capturingQueues();
    const orderId = uuid();
    const command = sagaCommand(
      "depotapi.CreateShoppingListCommand",
      {
        orderId,
        items: [
          { productId: product, storeId: store, quantity: 2 },
          { productId: other.product, storeId: other.store, quantity: 1 },
          { productId: product, storeId: store, quantity: 3 },
        ],
      },
      orderId,
    );
    await captureFrom(env.SHOPPING_LIST, command.id, captured);
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, command.id, captured, command, {
      name: "depotapi.CreatedShoppingListReply",
      payload: { id: command.id },
      outcome: "SUCCESS",
    });
    expect(await eventNamesOf(env.SHOPPING_LIST, command.id)).toEqual(["depot.ShoppingListCreated"]);
    expect(await lists(command.id).get()).toMatchObject({
      ok: true,
      value: {
        id: command.id,
        orderId,
        status: "pending",
        assignedBotId: "",
        stops: [
          { storeId: store, storeName: "Store ABC", storeLocation: "The mall", items: [{ productId: product, productName: "Product ABC", quantity: 5 }] },
          { storeId: other.store, storeName: "Store ABC", storeLocation: "The mall", items: [{ productId: other.product, productName: "Product ABC", quantity: 1 }] },
        ],
      },
    });
  });

  it("calls the new list object once for a first delivery: handle() alone, no inbox probe before it", async () => {
    const { command, captured } = await oneItemListCommand();
    const calls: string[] = [];
    const namespace = env.SHOPPING_LIST;
    const counting = {
      idFromName: (name: string) => namespace.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = namespace.get(id) as unknown as Record<string, (...args: unknown[]) => unknown>;
        return new Proxy(stub, { get: (_, method: string) => (...args: unknown[]) => (calls.push(method), stub[method]!(...args)) });
      },
    };
    const batch = createMessageBatch("mallbots-depot", [{ id: "m0", timestamp: new Date(), attempts: 1, body: command }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, SHOPPING_LIST: counting } as unknown as typeof env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m0"]);
    expect(calls).toEqual(["handle"]);
    await expectOneReply(env.SHOPPING_LIST, command.id, captured, command, {
      name: "depotapi.CreatedShoppingListReply",
      payload: { id: command.id },
      outcome: "SUCCESS",
    });
  });

  it("acknowledges a redelivered command from the inbox while every store and product lookup fails", async () => {
    const { command, captured } = await oneItemListCommand();
    expect((await deliver("mallbots-depot", [command])).explicitAcks).toEqual(["m0"]);
    // the depot's database and the Stores objects fail from now on: a lookup would fail the message
    const refuse = () => {
      throw new Error("unreachable");
    };
    const broken = { ...env, DEPOT_DB: { prepare: refuse, batch: refuse }, STORE: { idFromName: refuse }, PRODUCT: { idFromName: refuse } };
    const batch = createMessageBatch("mallbots-depot", [{ id: "m0", timestamp: new Date(), attempts: 2, body: command }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, broken as unknown as typeof env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m0"]);
    await expectOneReply(env.SHOPPING_LIST, command.id, captured, command, {
      name: "depotapi.CreatedShoppingListReply",
      payload: { id: command.id },
      outcome: "SUCCESS",
    });
  });

  it.each([
    ["an unknown store", "store", { code: 5, message: "building shopping list: store with that ID does not exist" }],
    ["an unknown product", "product", { code: 5, message: "building shopping list: product with that ID does not exist" }],
    ["a blank order id", "orderId", { code: 3, message: "the order id cannot be blank" }],
    ["no items", "items", { code: 3, message: "the shopping list has no items" }],
  ] as const)("answers %s with one am.Failure and creates no list", async (_, broken, failure) => {
    const { store, product } = await newCatalog();
    const captured = capturingQueues();
    const orderId = uuid();
    const item = {
      productId: broken === "product" ? uuid() : product,
      storeId: broken === "store" ? uuid() : store,
      quantity: 1,
    };
    const command = sagaCommand(
      "depotapi.CreateShoppingListCommand",
      { orderId: broken === "orderId" ? " " : orderId, items: broken === "items" ? [] : [item] },
      orderId,
    );
    await captureFrom(env.SHOPPING_LIST, command.id, captured);
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, command.id, captured, command, { name: "am.Failure", payload: failure, outcome: "FAILURE" });
    expect(await eventNamesOf(env.SHOPPING_LIST, command.id)).toEqual([]);
    expect(await lists(command.id).get()).toEqual({ ok: false, error: { code: 5, message: "shopping list with that ID does not exist" } });
  });
});

describe("depotapi.InitiateShoppingCommand (mallbots-depot)", () => {
  it("makes a pending list available with one am.Success, also when redelivered", async () => {
    const captured = capturingQueues();
    const list = await newList(captured, "pending");
    const command = sagaCommand("depotapi.InitiateShoppingCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, list, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.SHOPPING_LIST, list)).toEqual(["depot.ShoppingListCreated", "depot.ShoppingListInitiated"]);
    expect(await lists(list).get()).toMatchObject({ ok: true, value: { status: "available" } });

    // a second, distinct initiate is a rule violation, answered once
    const second = sagaCommand("depotapi.InitiateShoppingCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", second);
    await expectOneReply(env.SHOPPING_LIST, list, captured, second, {
      name: "am.Failure",
      payload: { code: 3, message: "the shopping list cannot be initiated" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.SHOPPING_LIST, list)).toHaveLength(2);
  });

  it("answers an unknown list with am.Failure 5", async () => {
    const captured = capturingQueues();
    const list = uuid();
    await captureFrom(env.SHOPPING_LIST, list, captured);
    const command = sagaCommand("depotapi.InitiateShoppingCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, list, captured, command, {
      name: "am.Failure",
      payload: { code: 5, message: "shopping list with that ID does not exist" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.SHOPPING_LIST, list)).toEqual([]);
  });
});

describe("depotapi.CancelShoppingListCommand (mallbots-depot)", () => {
  it.each(["pending", "available", "assigned"] as const)("cancels a %s list with one am.Success, also when redelivered", async (status) => {
    const captured = capturingQueues();
    const list = await newList(captured, status);
    const before = (await eventNamesOf(env.SHOPPING_LIST, list)).length;
    const command = sagaCommand("depotapi.CancelShoppingListCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, list, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    const names = await eventNamesOf(env.SHOPPING_LIST, list);
    expect(names).toHaveLength(before + 1);
    expect(names.at(-1)).toBe("depot.ShoppingListCanceled");
    expect(await lists(list).get()).toMatchObject({ ok: true, value: { status: "canceled" } });
  });

  it.each(["completed", "canceled"] as const)("answers a %s list with am.Failure 3 the shopping list cannot be canceled", async (status) => {
    const captured = capturingQueues();
    const list = await newList(captured, status);
    const before = await eventNamesOf(env.SHOPPING_LIST, list);
    const command = sagaCommand("depotapi.CancelShoppingListCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, list, captured, command, {
      name: "am.Failure",
      payload: { code: 3, message: "the shopping list cannot be canceled" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.SHOPPING_LIST, list)).toEqual(before);
  });

  it("answers an unknown list with am.Failure 5", async () => {
    const captured = capturingQueues();
    const list = uuid();
    await captureFrom(env.SHOPPING_LIST, list, captured);
    const command = sagaCommand("depotapi.CancelShoppingListCommand", { id: list }, uuid());
    await deliverThrice("mallbots-depot", command);
    await expectOneReply(env.SHOPPING_LIST, list, captured, command, {
      name: "am.Failure",
      payload: { code: 5, message: "shopping list with that ID does not exist" },
      outcome: "FAILURE",
    });
  });
});

// ---- payments ----------------------------------------------------------------------------------

describe("paymentsapi.ConfirmPayment (mallbots-payments)", () => {
  it("confirms once with one am.Success, records the amount, and answers a second distinct confirm with 9", async () => {
    const captured = capturingQueues();
    const payment = await newPayment(captured, 7.5);
    const command = sagaCommand("paymentsapi.ConfirmPayment", { id: payment, amount: 8.25 }, uuid());
    await deliverThrice("mallbots-payments", command);
    await expectOneReply(env.PAYMENT, payment, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.PAYMENT, payment)).toEqual(["payments.PaymentAuthorized", "payments.PaymentConfirmed"]);
    expect(await payments(payment).get()).toMatchObject({ ok: true, value: { status: "confirmed", amount: 8.25 } });

    const second = sagaCommand("paymentsapi.ConfirmPayment", { id: payment, amount: 8.25 }, uuid());
    await deliverThrice("mallbots-payments", second);
    await expectOneReply(env.PAYMENT, payment, captured, second, {
      name: "am.Failure",
      payload: { code: 9, message: "payment cannot be confirmed" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.PAYMENT, payment)).toHaveLength(2);
  });

  it("answers an unknown payment with am.Failure 5 payment cannot be confirmed", async () => {
    const captured = capturingQueues();
    const payment = uuid();
    await captureFrom(env.PAYMENT, payment, captured);
    const command = sagaCommand("paymentsapi.ConfirmPayment", { id: payment, amount: 1 }, uuid());
    await deliverThrice("mallbots-payments", command);
    await expectOneReply(env.PAYMENT, payment, captured, command, {
      name: "am.Failure",
      payload: { code: 5, message: "payment cannot be confirmed" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.PAYMENT, payment)).toEqual([]);
  });
});

// ---- ordering: saga commands -------------------------------------------------------------------

describe("ordersapi.ApproveOrder (mallbots-ordering)", () => {
  it("approves a pending order once, publishes OrderApproved, and answers one am.Success", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    const command = sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "list-1" }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.ORDER, order)).toEqual(["ordering.OrderCreated", "ordering.OrderApproved"]);
    expect(await must(orders(order).get())).toMatchObject({ status: "approved", shoppingId: "list-1" });
    const approved = await expectPublished(env.ORDER, order, "ordersapi.OrderApproved", { id: order, customerId: "cust", paymentId: "pay", shoppingId: "list-1" });
    for (const row of approved) expect(row.envelope.metadata).toMatchObject({ causationId: command.id, correlationId: command.metadata.correlationId });

    // approving an approved order again is a success with no event
    const again = sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "list-1" }, order);
    await deliverThrice("mallbots-ordering", again);
    await expectOneReply(env.ORDER, order, captured, again, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.ORDER, order)).toHaveLength(2);
  });

  it("answers a cancelled order with am.Failure 9 the order cannot be approved", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    await must(orders(order).execute({ type: "CancelOrder" }, cause));
    const command = sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "list-1" }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, {
      name: "am.Failure",
      payload: { code: 9, message: "the order cannot be approved" },
      outcome: "FAILURE",
    });
    expect(await orderStatus(order)).toBe("cancelled");
  });

  it("answers an unknown order with am.Failure 5", async () => {
    const captured = capturingQueues();
    const order = uuid();
    await captureFrom(env.ORDER, order, captured);
    const command = sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "x" }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, {
      name: "am.Failure",
      payload: { code: 5, message: "order with that ID does not exist" },
      outcome: "FAILURE",
    });
    expect(await eventNamesOf(env.ORDER, order)).toEqual([]);
  });
});

describe("ordersapi.RejectOrder (mallbots-ordering)", () => {
  it("rejects a pending order once, publishes OrderRejected, and answers one am.Success", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    const command = sagaCommand("ordersapi.RejectOrder", { id: order }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.ORDER, order)).toEqual(["ordering.OrderCreated", "ordering.OrderRejected"]);
    expect(await orderStatus(order)).toBe("rejected");
    await expectPublished(env.ORDER, order, "ordersapi.OrderRejected", { id: order, customerId: "cust", paymentId: "pay" });

    const again = sagaCommand("ordersapi.RejectOrder", { id: order }, order);
    await deliverThrice("mallbots-ordering", again);
    await expectOneReply(env.ORDER, order, captured, again, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.ORDER, order)).toHaveLength(2);
  });

  it("is a no-op success on a cancelled order", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    await must(orders(order).execute({ type: "CancelOrder" }, cause));
    const command = sagaCommand("ordersapi.RejectOrder", { id: order }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, { name: "am.Success", payload: {}, outcome: "SUCCESS" });
    expect(await eventNamesOf(env.ORDER, order)).toEqual(["ordering.OrderCreated", "ordering.OrderCanceled"]);
    expect(await orderStatus(order)).toBe("cancelled");
  });

  it("answers an approved order with am.Failure 9 the order cannot be rejected", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    await deliver("mallbots-ordering", [sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "l" }, order)]);
    const command = sagaCommand("ordersapi.RejectOrder", { id: order }, order);
    await deliverThrice("mallbots-ordering", command);
    await expectOneReply(env.ORDER, order, captured, command, {
      name: "am.Failure",
      payload: { code: 9, message: "the order cannot be rejected" },
      outcome: "FAILURE",
    });
    expect(await orderStatus(order)).toBe("approved");
  });
});

// ---- ordering and payments: events -------------------------------------------------------------

describe("order lifecycle events", () => {
  const listCompleted = (order: string, list: string) =>
    event("depotapi.ShoppingListCompleted", { id: list, orderId: order }, { name: "depot.ShoppingList", id: list, version: 4 });
  const invoicePaid = (order: string) =>
    event("paymentsapi.InvoicePaid", { id: order, orderId: order }, { name: "payments.Invoice", id: order, version: 2 });
  const failureOf = (messageId: string, context: string) =>
    env.OPS_DB.prepare("SELECT attempts, last_error FROM delivery_failures WHERE message_id = ? AND context = ?")
      .bind(messageId, context)
      .first<{ attempts: number; last_error: string }>();

  it("retries ShoppingListCompleted on a pending order, then readies the order once the saga approved it", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    const completed = listCompleted(order, "list-9");

    const early = await deliver("mallbots-ordering", [completed]);
    expect(early.retryMessages.map((m) => m.msgId)).toEqual(["m0"]);
    expect(early.explicitAcks).toEqual([]);
    expect((await failureOf(completed.id, "ordering"))?.last_error).toContain("the order cannot be readied");
    expect(await orderStatus(order)).toBe("pending");

    await deliver("mallbots-ordering", [sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "list-9" }, order)]);
    const late = await deliver("mallbots-ordering", [completed, completed]);
    expect(late.explicitAcks).toEqual(["m0", "m1"]);
    expect(await orderStatus(order)).toBe("ready");
    expect(await eventNamesOf(env.ORDER, order)).toEqual(["ordering.OrderCreated", "ordering.OrderApproved", "ordering.OrderReadied"]);
    const rows = await relayed(env.ORDER, order);
    await expectPublished(env.ORDER, order, "ordersapi.OrderReadied", { id: order, customerId: "cust", paymentId: "pay", total: 7.7 });
    // an event is not a saga command: no reply for it
    expect(repliesIn(rows).filter((r) => r.envelope.metadata.causationId === completed.id)).toEqual([]);
  });

  it("ignores ShoppingListCompleted for another list, for a cancelled order, and for a missing order", async () => {
    const captured = capturingQueues();
    const approved = await newOrder(captured);
    await deliver("mallbots-ordering", [sagaCommand("ordersapi.ApproveOrder", { id: approved, shoppingId: "mine" }, approved)]);
    const cancelled = await newOrder(captured);
    await must(orders(cancelled).execute({ type: "CancelOrder" }, cause));
    const missing = uuid();
    const result = await deliver("mallbots-ordering", [listCompleted(approved, "other"), listCompleted(cancelled, "l"), listCompleted(missing, "l")]);
    expect(result.explicitAcks).toEqual(["m0", "m1", "m2"]);
    expect(await orderStatus(approved)).toBe("approved");
    expect(await orderStatus(cancelled)).toBe("cancelled");
    expect(await eventNamesOf(env.ORDER, missing)).toEqual([]);
    expect(await orders(missing).get()).toEqual({ ok: false, error: { code: 5, message: "order with that ID does not exist" } });
  });

  it("completes a ready order on InvoicePaid once (invoiceId = the invoice id) and retries it on an order not ready", async () => {
    const captured = capturingQueues();
    const order = await newOrder(captured);
    await deliver("mallbots-ordering", [sagaCommand("ordersapi.ApproveOrder", { id: order, shoppingId: "l" }, order)]);
    const paid = invoicePaid(order);

    const early = await deliver("mallbots-ordering", [paid]);
    expect(early.retryMessages.map((m) => m.msgId)).toEqual(["m0"]);
    expect((await failureOf(paid.id, "ordering"))?.last_error).toContain("the order cannot be completed");
    expect(await orderStatus(order)).toBe("approved");

    await deliver("mallbots-ordering", [listCompleted(order, "l")]);
    const late = await deliver("mallbots-ordering", [paid, paid]);
    expect(late.explicitAcks).toEqual(["m0", "m1"]);
    expect(await must(orders(order).get())).toMatchObject({ status: "completed", invoiceId: order });
    expect((await eventNamesOf(env.ORDER, order)).filter((n) => n === "ordering.OrderCompleted")).toHaveLength(1);
    await expectPublished(env.ORDER, order, "ordersapi.OrderCompleted", { id: order, customerId: "cust", invoiceId: order });

    // a second, distinct InvoicePaid on the completed order is a no-op
    expect((await deliver("mallbots-ordering", [invoicePaid(order)])).explicitAcks).toEqual(["m0"]);
    expect((await eventNamesOf(env.ORDER, order)).filter((n) => n === "ordering.OrderCompleted")).toHaveLength(1);
  });

  it("retries InvoicePaid for a missing order", async () => {
    const result = await deliver("mallbots-ordering", [invoicePaid(uuid())]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m0"]);
  });

  it("creates the invoice (id = order id) on OrderReadied once, even when delivered twice or by two messages", async () => {
    const order = uuid();
    const captured = capturingQueues();
    await captureFrom(env.INVOICE, order, captured);
    const readied = event("ordersapi.OrderReadied", { id: order, customerId: "c", paymentId: "pay-1", total: 41.96 }, { name: "ordering.Order", id: order, version: 3 });
    expect((await deliver("mallbots-payments", [readied, readied])).explicitAcks).toEqual(["m0", "m1"]);
    expect((await deliver("mallbots-payments", [readied, { ...readied, id: uuid() }])).explicitAcks).toEqual(["m0", "m1"]);
    expect(await eventNamesOf(env.INVOICE, order)).toEqual(["payments.InvoiceCreated"]);
    expect(await must(invoices(order).get())).toMatchObject({ id: order, orderId: order, paymentId: "pay-1", amount: 41.96, status: "pending" });
  });
});
