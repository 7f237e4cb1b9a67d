import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectOk, unknownId, uuidV4 } from "./expectations";
import { e2eVars } from "./global-setup";
import type { Reply } from "./http";
import {
  addItem,
  addProduct,
  authorizePayment,
  boardStatuses,
  checkout,
  createdId,
  createStore,
  expectHistoryShape,
  historyLines,
  invoiceNotFound,
  isoMillis,
  listNotFound,
  orderNotFound,
  readList,
  readOrder,
  readSaga,
  registerCustomer,
  type ShoppingListView,
  startBasket,
  waitForOrderStatus,
  searchAll,
  searchStatusOf,
  type SearchOrderView,
  waitForSagaDone,
  waitForSearchStatus,
  wholeBoard,
} from "./ordering-flows";
import { type Call, type OwnSystem, startOwnSystem, waitFor } from "./system";

/**
 * SPEC §6.2 R1–R3 and the error paths of ordering, payments and depot (§3.4–3.6, §8) over real HTTP
 * and real queues. This file runs its own system with an ADMIN_TOKEN so that the saga outcome is
 * visible at GET /api/admin/sagas/{id} (SPEC §7).
 */

const token = "t";
let system: OwnSystem;
let call: Call;

const invalid = (reply: Reply, message: string) => expectError(reply, 400, 3, message);
const invalidRequest = (reply: Reply, detail: RegExp) => {
  expect({ status: reply.status, body: reply.body }).toStrictEqual({
    status: 400,
    body: { code: 3, message: expect.stringMatching(detail), details: [] },
  });
};
const malformed = /^invalid request: .+/;

// a small mall shared by the tests of this file
let abc = "";
let deli = "";
let widget = "";
let bagel = "";

beforeAll(async () => {
  system = await startOwnSystem({ ...e2eVars, ADMIN_TOKEN: token }, "mallbots-rejections-");
  call = system.call;
  abc = await createStore(call, "Store ABC", "The mall");
  deli = await createStore(call, "Corner Deli", "Level 2");
  widget = await addProduct(call, abc, { name: "Widget", description: "A thing", sku: "w", price: 2.5 });
  bagel = await addProduct(call, deli, { name: "Bagel", price: 1.25 });
});
afterAll(async () => {
  await system?.stop();
});

const widgetLine = (quantity: number) => ({ storeId: abc, productId: widget, storeName: "Store ABC", productName: "Widget", price: 2.5, quantity });
const widgetStop = (quantity: number) => ({
  storeId: abc,
  storeName: "Store ABC",
  storeLocation: "The mall",
  items: [{ productId: widget, productName: "Widget", quantity }],
});

/** Customer, basket with `quantity` widgets, payment; returns the ids (checkout is left to the test). */
async function basketReady(quantity = 2, amount = 5) {
  const customer = await registerCustomer(call, "Ann", "555-555-1212");
  const basket = await startBasket(call, customer);
  await addItem(call, basket, widget, quantity);
  const payment = await authorizePayment(call, customer, amount);
  return { customer, basket, payment };
}

/** Every list on any board that belongs to the order. */
async function listsOfOrder(orderId: string): Promise<ShoppingListView[]> {
  const found: ShoppingListView[] = [];
  for (const status of boardStatuses) found.push(...(await wholeBoard(call, status)).filter((l) => l.orderId === orderId));
  return found;
}

describe("SPEC §6.2 rejections", () => {
  it("R1: a disabled customer's checkout is rejected at step 1; no shopping list exists; saga compensated", async () => {
    const { customer, basket, payment } = await basketReady(2, 5);
    expectOk(await call("PUT", `/api/customers/${customer}/disable`, {}), {});
    await checkout(call, basket, payment);

    const rejected = await waitForOrderStatus(call, basket, "rejected", ["missing", "pending"]);
    expect(rejected).toStrictEqual({
      id: basket,
      customerId: customer,
      paymentId: payment,
      shoppingId: "",
      invoiceId: "",
      items: [widgetLine(2)],
      total: 5,
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
      lastFailure: "customer is not authorized",
      failureReason: "",
      data: {
        orderId: basket,
        customerId: customer,
        paymentId: payment,
        shoppingId: "",
        items: [{ productId: widget, storeId: abc, price: 2.5, quantity: 2 }],
        total: 5,
      },
    });
    expect(historyLines(saga)).toStrictEqual([
      "1 command customersapi.AuthorizeCustomer",
      "1 reply am.Failure FAILURE",
      "0 command ordersapi.RejectOrder",
      "0 reply am.Success SUCCESS",
    ]);
    expectHistoryShape(saga);

    // No list was ever created: no board, in any status, has one for this order.
    expect(await listsOfOrder(basket)).toStrictEqual([]);
    // The rejected order stays rejected and cannot be cancelled.
    expectError(await call("DELETE", `/api/ordering/${basket}`), 400, 3, "the order cannot be cancelled");
    expect((await readOrder(call, basket))?.status).toBe("rejected");

    // Search shows it Rejected, with the names it knew at creation.
    expect(await waitForSearchStatus(call, basket, "Rejected", ["missing", "New"])).toStrictEqual({
      orderId: basket,
      customerId: customer,
      customerName: "Ann",
      items: [{ productId: widget, storeId: abc, productName: "Widget", storeName: "Store ABC", price: 2.5, quantity: 2 }],
      total: 5,
      status: "Rejected",
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    });
  });

  it('R2: checkout with paymentId "nope" creates list L, then cancels it and rejects the order', async () => {
    const { customer, basket } = await basketReady(3, 7.5);
    await checkout(call, basket, "nope");

    const rejected = await waitForOrderStatus(call, basket, "rejected", ["missing", "pending"]);
    expect(rejected).toStrictEqual({
      id: basket,
      customerId: customer,
      paymentId: "nope",
      shoppingId: "",
      invoiceId: "",
      items: [widgetLine(3)],
      total: 7.5,
      status: "rejected",
    });

    const saga = await waitForSagaDone(call, basket, token);
    const L = saga.data.shoppingId;
    expect(L).toMatch(uuidV4);
    expect(saga).toMatchObject({ status: "compensated", compensating: true, done: true, lastFailure: "payment cannot be confirmed", failureReason: "" });
    expect(historyLines(saga)).toStrictEqual([
      "1 command customersapi.AuthorizeCustomer",
      "1 reply am.Success SUCCESS",
      "2 command depotapi.CreateShoppingListCommand",
      "2 reply depotapi.CreatedShoppingListReply SUCCESS",
      "3 command paymentsapi.ConfirmPayment",
      "3 reply am.Failure FAILURE",
      "2 command depotapi.CancelShoppingListCommand",
      "2 reply am.Success SUCCESS",
      "0 command ordersapi.RejectOrder",
      "0 reply am.Success SUCCESS",
    ]);
    expectHistoryShape(saga);

    const list = await readList(call, L);
    expect(list).toStrictEqual({
      id: L,
      orderId: basket,
      status: "canceled",
      assignedBotId: "",
      stops: [widgetStop(3)],
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    });
    // The board ends with exactly this one list for the order, canceled.
    await waitFor(async () => {
      const lists = await listsOfOrder(basket);
      return lists.length === 1 && lists[0]!.status === "canceled" ? lists : undefined;
    }, "the board to show L canceled");
    expect(await listsOfOrder(basket)).toStrictEqual([list]);
    invalid(await call("PUT", `/api/depot/shopping/${L}/assign`, { botId: "bot-1" }), "the shopping list cannot be assigned");
  });

  it("R3: POST /api/ordering then an immediate DELETE: cancelled and compensated, or too late and approved", async () => {
    const customer = await registerCustomer(call, "Cy", "555-0003");
    const payment = await authorizePayment(call, customer, 5);
    const created = await call("POST", "/api/ordering", { items: [widgetLine(2)], customerId: customer, paymentId: payment });
    const O = createdId(created);
    const cancel = await call("DELETE", `/api/ordering/${O}`);
    const base = { id: O, customerId: customer, paymentId: payment, invoiceId: "", items: [widgetLine(2)], total: 5 };

    if (cancel.status === 200) {
      expectOk(cancel, {});
      expectOk(await call("GET", `/api/ordering/${O}`), { order: { ...base, shoppingId: "", status: "cancelled" } });
      expectError(await call("DELETE", `/api/ordering/${O}`), 400, 3, "the order cannot be cancelled");

      const saga = await waitForSagaDone(call, O, token);
      expect(saga).toMatchObject({ id: O, status: "compensated", done: true, compensating: true, failureReason: "" });
      expectHistoryShape(saga);
      const lines = historyLines(saga);
      // The approval fails because the order was cancelled; the list is canceled; RejectOrder is a no-op.
      expect(saga.lastFailure).toBe("the order cannot be approved");
      expect(lines.slice(-6)).toStrictEqual([
        "5 command ordersapi.ApproveOrder",
        "5 reply am.Failure FAILURE",
        "2 command depotapi.CancelShoppingListCommand",
        "2 reply am.Success SUCCESS",
        "0 command ordersapi.RejectOrder",
        "0 reply am.Success SUCCESS",
      ]);
      expect((await readList(call, saga.data.shoppingId)).status).toBe("canceled");
      // The order stays cancelled (RejectOrder was a no-op) and no invoice exists.
      expectOk(await call("GET", `/api/ordering/${O}`), { order: { ...base, shoppingId: "", status: "cancelled" } });
      invoiceNotFound(await call("GET", `/api/payments/invoices/${O}`));
      expect(await waitForSearchStatus(call, O, "Canceled", ["missing", "New"])).toMatchObject({ orderId: O, customerName: "Cy", total: 5 });
    } else {
      expectError(cancel, 400, 3, "the order cannot be cancelled");
      const order = await waitForOrderStatus(call, O, "approved", []);
      const saga = await waitForSagaDone(call, O, token);
      expect(saga).toMatchObject({ status: "completed", lastFailure: "", failureReason: "" });
      expect(order).toStrictEqual({ ...base, shoppingId: saga.data.shoppingId, status: "approved" });
      await waitForSearchStatus(call, O, "Approved", ["missing", "New"]);
    }
  });

  it("the admin saga endpoint needs the bearer token and answers 404 for an unknown saga", async () => {
    const id = unknownId();
    expectError(await call("GET", `/api/admin/sagas/${id}`), 401, 16, "unauthenticated");
    expectError(await call("GET", `/api/admin/sagas/${id}`, undefined, { authorization: "Bearer wrong" }), 401, 16, "unauthenticated");
    expect(await readSaga(call, id, token)).toBeUndefined();
  });
});

describe("ordering errors (POST /api/ordering, GET/DELETE /api/ordering/{id})", () => {
  it("validates in the documented order: items, customer id, payment id", async () => {
    const item = widgetLine(1);
    const noItems = "create order command: the order has no items";
    const noCustomer = "create order command: the customer id cannot be blank";
    const noPayment = "create order command: the payment id cannot be blank";
    invalid(await call("POST", "/api/ordering"), noItems);
    invalid(await call("POST", "/api/ordering", {}), noItems);
    invalid(await call("POST", "/api/ordering", { items: [], customerId: "", paymentId: "" }), noItems);
    invalid(await call("POST", "/api/ordering", { items: null, customerId: "c", paymentId: "p" }), noItems);
    invalid(await call("POST", "/api/ordering", { items: [item] }), noCustomer);
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: "   ", paymentId: "p" }), noCustomer);
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: null, paymentId: "p" }), noCustomer);
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: "c" }), noPayment);
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: "c", paymentId: " " }), noPayment);
  });

  it("accepts snake_case fields and rounds money; the new order starts pending", async () => {
    const customer = await registerCustomer(call, "Sam", "555-0004");
    const reply = await call("POST", "/api/ordering", {
      items: [{ store_id: abc, product_id: widget, store_name: "Store ABC", product_name: "Widget", price: 2.499, quantity: 2 }],
      customer_id: customer,
      payment_id: "nope",
      unknown_field: true,
    });
    const id = createdId(reply);
    const order = await readOrder(call, id);
    expect(order).toStrictEqual({
      id,
      customerId: customer,
      paymentId: "nope",
      shoppingId: "",
      invoiceId: "",
      items: [widgetLine(2)],
      total: 5,
      status: expect.stringMatching(/^(pending|rejected)$/),
    });
    // payment "nope" cannot be confirmed: the saga rejects it
    await waitForOrderStatus(call, id, "rejected", ["pending"]);
  });

  it("computes the total in whole cents (SPEC §2.2)", async () => {
    const cheap = { storeId: abc, productId: widget, storeName: "Store ABC", productName: "Widget" };
    const id = createdId(
      await call("POST", "/api/ordering", {
        items: [
          { ...cheap, price: 0.1, quantity: 3 },
          { ...cheap, productId: bagel, storeId: deli, price: 1.005, quantity: 1 },
          { ...cheap, price: 0, quantity: 0 },
        ],
        customerId: "someone",
        paymentId: "nope",
      }),
    );
    const order = await readOrder(call, id);
    expect(order?.items.map((i) => i.price)).toStrictEqual([0.1, 1.01, 0]);
    expect(order?.total).toBe(1.31);
  });

  it("answers invalid request for wrong types and malformed JSON", async () => {
    const item = widgetLine(1);
    invalid(await call("POST", "/api/ordering", { items: "x", customerId: "c", paymentId: "p" }), "invalid request: items");
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: 5, paymentId: "p" }), "invalid request: customerId");
    invalid(await call("POST", "/api/ordering", { items: [item], customerId: "c", paymentId: true }), "invalid request: paymentId");
    invalidRequest(await call("POST", "/api/ordering", { items: [{ ...item, quantity: 1.5 }], customerId: "c", paymentId: "p" }), /^invalid request: .*quantity/);
    invalidRequest(await call("POST", "/api/ordering", { items: [{ ...item, price: "2.5" }], customerId: "c", paymentId: "p" }), /^invalid request: .*price/);
    invalidRequest(await call("POST", "/api/ordering", { items: ["x"], customerId: "c", paymentId: "p" }), /^invalid request: items/);
    for (const raw of ['{"items":', "items=1", "[]", '"text"']) invalidRequest(await call("POST", "/api/ordering", raw), malformed);
  });

  it("answers 404 for an unknown order on GET and DELETE", async () => {
    const id = unknownId();
    orderNotFound(await call("GET", `/api/ordering/${id}`));
    orderNotFound(await call("DELETE", `/api/ordering/${id}`));
    orderNotFound(await call("GET", `/api/ordering/${id}`)); // the DELETE created nothing
  });
});

describe("payments errors", () => {
  it("POST /api/payments validates customer id, then amount (rounded to cents first)", async () => {
    invalid(await call("POST", "/api/payments"), "the customer id cannot be blank");
    invalid(await call("POST", "/api/payments", { amount: 5 }), "the customer id cannot be blank");
    invalid(await call("POST", "/api/payments", { customerId: "  ", amount: -1 }), "the customer id cannot be blank");
    invalid(await call("POST", "/api/payments", { customerId: "c", amount: -1 }), "the payment amount cannot be negative");
    invalid(await call("POST", "/api/payments", { customerId: "c", amount: -0.005 }), "the payment amount cannot be negative");
    createdId(await call("POST", "/api/payments", { customerId: "c", amount: -0.004 })); // rounds to 0
    createdId(await call("POST", "/api/payments", { customerId: "c" })); // amount 0 is allowed
    createdId(await call("POST", "/api/payments", { customer_id: "c", amount: 1 }));
  });

  it("POST /api/payments answers invalid request for wrong types and malformed JSON", async () => {
    invalid(await call("POST", "/api/payments", { customerId: "c", amount: "5" }), "invalid request: amount");
    invalid(await call("POST", "/api/payments", { customerId: 1, amount: 5 }), "invalid request: customerId");
    for (const raw of ['{"customerId":"c",', "[1]"]) invalidRequest(await call("POST", "/api/payments", raw), malformed);
  });

  it("an unknown invoice answers 404 on GET, pay and adjust", async () => {
    const id = unknownId();
    invoiceNotFound(await call("GET", `/api/payments/invoices/${id}`));
    invoiceNotFound(await call("PUT", `/api/payments/invoices/${id}/pay`, {}));
    invoiceNotFound(await call("PUT", `/api/payments/invoices/${id}/adjust`, { amount: 1 }));
    invoiceNotFound(await call("PUT", `/api/payments/invoices/${id}/adjust`, { amount: -1 })); // existence is checked first
    invoiceNotFound(await call("GET", `/api/payments/invoices/${id}`));
  });

  it("adjusts a pending invoice (not negative), pays it, then refuses to adjust or pay again", async () => {
    // drive an order to `ready` so that its invoice exists
    const { basket, payment } = await basketReady(2, 5);
    await checkout(call, basket, payment);
    const order = await waitForOrderStatus(call, basket, "approved", ["missing", "pending"]);
    expectOk(await call("PUT", `/api/depot/shopping/${order.shoppingId}/assign`, { botId: "bot-2" }), {});
    expectOk(await call("PUT", `/api/depot/shopping/${order.shoppingId}/complete`, {}), {});
    await waitFor(async () => {
      const reply = await call("GET", `/api/payments/invoices/${basket}`);
      if (reply.status === 404) return invoiceNotFound(reply);
      return reply;
    }, "the invoice");
    const invoice = (amount: number, status: string) => ({ invoice: { id: basket, orderId: basket, paymentId: payment, amount, status } });
    expectOk(await call("GET", `/api/payments/invoices/${basket}`), invoice(5, "pending"));

    invalid(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: -1 }), "the invoice amount cannot be negative");
    invalid(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: -0.005 }), "the invoice amount cannot be negative");
    invalid(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: "4" }), "invalid request: amount");
    invalidRequest(await call("PUT", `/api/payments/invoices/${basket}/adjust`, "{"), malformed);
    expectOk(await call("GET", `/api/payments/invoices/${basket}`), invoice(5, "pending"));
    expectOk(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: 4.005 }), {});
    expectOk(await call("GET", `/api/payments/invoices/${basket}`), invoice(4.01, "pending"));

    expectOk(await call("PUT", `/api/payments/invoices/${basket}/pay`, {}), {});
    expectOk(await call("GET", `/api/payments/invoices/${basket}`), invoice(4.01, "paid"));
    expectError(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: 3 }), 400, 9, "invoice cannot be adjusted");
    invalid(await call("PUT", `/api/payments/invoices/${basket}/adjust`, { amount: -3 }), "the invoice amount cannot be negative");
    invalid(await call("PUT", `/api/payments/invoices/${basket}/pay`, {}), "invoice cannot be paid for");
    const completed = await waitForOrderStatus(call, basket, "completed", ["approved", "ready"]);
    expect(completed.invoiceId).toBe(basket);
  });
});

describe("depot errors and REST-created lists", () => {
  it("POST /api/depot/shopping validates order id, items, then each item's store and product", async () => {
    const item = { productId: widget, storeId: abc, quantity: 1 };
    invalid(await call("POST", "/api/depot/shopping"), "the order id cannot be blank");
    invalid(await call("POST", "/api/depot/shopping", { items: [item] }), "the order id cannot be blank");
    invalid(await call("POST", "/api/depot/shopping", { orderId: "  ", items: [] }), "the order id cannot be blank");
    invalid(await call("POST", "/api/depot/shopping", { orderId: "o" }), "the shopping list has no items");
    invalid(await call("POST", "/api/depot/shopping", { orderId: "o", items: null }), "the shopping list has no items");

    const noStore = (reply: Reply) => expectError(reply, 404, 5, "building shopping list: store with that ID does not exist");
    const noProduct = (reply: Reply) => expectError(reply, 404, 5, "building shopping list: product with that ID does not exist");
    noStore(await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ ...item, storeId: unknownId() }] }));
    noStore(await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ productId: unknownId(), storeId: unknownId(), quantity: 1 }] }));
    noProduct(await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ ...item, productId: unknownId() }] }));
    noStore(await call("POST", "/api/depot/shopping", { orderId: "o", items: [item, { ...item, storeId: unknownId() }] }));
    noProduct(await call("POST", "/api/depot/shopping", { orderId: "o", items: [item, { productId: unknownId(), storeId: deli, quantity: 1 }] }));

    // a removed product is not found either
    const gone = await addProduct(call, abc, { name: "Gone", price: 1 });
    expectOk(await call("DELETE", `/api/stores/products/${gone}`), {});
    // (the depot cache learns the removal from storesapi.ProductRemoved, so poll)
    await waitFor(async () => {
      const reply = await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ productId: gone, storeId: abc, quantity: 1 }] });
      if (reply.status === 200) return undefined;
      noProduct(reply);
      return true;
    }, "the removed product to be unknown to the depot");
  });

  it("POST /api/depot/shopping answers invalid request for wrong types and malformed JSON", async () => {
    const item = { productId: widget, storeId: abc, quantity: 1 };
    invalid(await call("POST", "/api/depot/shopping", { orderId: 1, items: [item] }), "invalid request: orderId");
    invalid(await call("POST", "/api/depot/shopping", { orderId: "o", items: {} }), "invalid request: items");
    invalidRequest(await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ ...item, quantity: 1.5 }] }), /^invalid request: .*quantity/);
    invalidRequest(await call("POST", "/api/depot/shopping", { orderId: "o", items: [{ ...item, storeId: 3 }] }), /^invalid request: .*storeId/);
    for (const raw of ['{"orderId":"o"', "orderId=o"]) invalidRequest(await call("POST", "/api/depot/shopping", raw), malformed);
  });

  it("a list created over REST groups stops, sums duplicates and stays pending until cancelled", async () => {
    const orderId = `rest-order-${crypto.randomUUID()}`;
    const id = createdId(
      await call("POST", "/api/depot/shopping", {
        order_id: orderId,
        items: [
          { productId: widget, storeId: abc, quantity: 1 },
          { product_id: bagel, store_id: deli, quantity: 2 },
          { productId: widget, storeId: abc, quantity: 3 },
        ],
      }),
    );
    const expected = {
      id,
      orderId,
      status: "pending",
      assignedBotId: "",
      stops: [
        widgetStop(4),
        { storeId: deli, storeName: "Corner Deli", storeLocation: "Level 2", items: [{ productId: bagel, productName: "Bagel", quantity: 2 }] },
      ],
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    };
    const list = await readList(call, id);
    expect(list).toStrictEqual(expected);
    expect(list.createdAt).toBe(list.updatedAt);
    const onBoard = await waitFor(async () => (await wholeBoard(call, "pending")).find((l) => l.id === id), "the list on the pending board");
    expect(onBoard).toStrictEqual(list);

    // only the saga initiates lists: a pending list cannot be assigned or completed
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "" }), "the bot id cannot be blank");
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, {}), "the bot id cannot be blank");
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "  " }), "the bot id cannot be blank");
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "bot-3" }), "the shopping list cannot be assigned");
    invalid(await call("PUT", `/api/depot/shopping/${id}/complete`, {}), "the shopping list cannot be completed");
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: 7 }), "invalid request: botId");
    invalidRequest(await call("PUT", `/api/depot/shopping/${id}/assign`, '{"botId":'), malformed);
    expect(await readList(call, id)).toStrictEqual(list);
    expect((await wholeBoard(call, "available")).some((l) => l.id === id)).toBe(false);

    expectOk(await call("POST", `/api/depot/shopping/${id}`, {}), {});
    const canceled = await readList(call, id);
    expect(canceled).toStrictEqual({ ...expected, status: "canceled", createdAt: list.createdAt });
    expect(canceled.updatedAt >= canceled.createdAt).toBe(true);
    invalid(await call("POST", `/api/depot/shopping/${id}`, {}), "the shopping list cannot be canceled");
    invalid(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "bot-3" }), "the shopping list cannot be assigned");
    const onCanceled = await waitFor(async () => (await wholeBoard(call, "canceled")).find((l) => l.id === id), "the list on the canceled board");
    expect(onCanceled).toStrictEqual(canceled);
    expect((await wholeBoard(call, "pending")).some((l) => l.id === id)).toBe(false);
  });

  it("an unknown list answers 404 on GET, assign, complete and cancel", async () => {
    const id = unknownId();
    listNotFound(await call("GET", `/api/depot/shopping/${id}`));
    listNotFound(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "bot-1" }));
    listNotFound(await call("PUT", `/api/depot/shopping/${id}/assign`, { botId: "" })); // existence first
    listNotFound(await call("PUT", `/api/depot/shopping/${id}/complete`, {}));
    listNotFound(await call("POST", `/api/depot/shopping/${id}`, {}));
    listNotFound(await call("GET", `/api/depot/shopping/${id}`));
  });
});

describe("search read model rebuild (SPEC §7)", () => {
  const admin = { authorization: `Bearer ${token}` };
  const rebuild = (body: object) => call("POST", "/api/admin/read-models/search/rebuild", body, admin);

  /** Waits until search shows every order of this system with its Order's current status. */
  async function settled(): Promise<SearchOrderView[]> {
    return waitFor(async () => {
      const all = await searchAll(call, {});
      for (const o of all) {
        const order = await readOrder(call, o.orderId);
        if (!order || searchStatusOf[order.status] !== o.status) return undefined;
      }
      return all;
    }, "search to agree with every order");
  }

  it("answers the same queries before and after a rebuild in batches of 3", async () => {
    // one more order that goes all the way, so every status path is in the model
    const { customer, basket, payment } = await basketReady(1, 2.5);
    await checkout(call, basket, payment);
    await waitForOrderStatus(call, basket, "approved", ["missing", "pending"]);
    const all = await settled();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.map((o) => o.status)).toEqual(expect.arrayContaining(["Rejected", "Approved"]));
    const queries = [{}, { customerId: customer }, { storeIds: [abc] }, { productIds: [widget, bagel] }, { status: "Rejected" }, { minTotal: 5, maxTotal: 7.5 }];
    const before = [];
    for (const filters of queries) before.push(await searchAll(call, filters, 2));
    expect(before[0]).toStrictEqual(all);
    expect(before[1]!.map((o) => o.orderId)).toStrictEqual([basket]);

    expectError(await call("POST", "/api/admin/read-models/search/rebuild", {}), 401, 16, "unauthenticated");
    let next = "";
    let batches = 0;
    let rebuilt = 0;
    do {
      const reply = await rebuild({ next, batchSize: 3 });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.rebuilt).toBeLessThanOrEqual(3);
      rebuilt += reply.body.rebuilt;
      next = reply.body.next;
      batches++;
      expect(batches).toBeLessThan(1_000);
    } while (next !== "");
    expect(batches).toBeGreaterThan(1);
    // customers, stores, products and orders: at least every order and the two stores and products
    expect(rebuilt).toBeGreaterThanOrEqual(all.length + 4);

    const after = [];
    for (const filters of queries) after.push(await searchAll(call, filters, 2));
    expect(after).toStrictEqual(before);
  });
});
