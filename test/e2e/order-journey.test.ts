import { beforeAll, describe, expect, it } from "vitest";
import { expectError, expectOk, invalid, unknownId, uuidV4 } from "./expectations";
import { call } from "./http";
import {
  addItem,
  addProduct,
  authorizePayment,
  boardPage,
  boardStatuses,
  checkout,
  createdId,
  createStore,
  invoiceNotFound,
  isoMillis,
  readList,
  readOrder,
  registerCustomer,
  type ShoppingListView,
  startBasket,
  waitForOrderStatus,
  waitForSearchStatus,
  wholeBoard,
} from "./ordering-flows";
import { Unexpected, waitFor } from "./system";

/**
 * SPEC §6.1 steps 1–19 over real HTTP and real queues: the happy path from a new store to a
 * completed order found by search, with the exact bodies of the journey table, plus the
 * shopping-list board queries of §3.5. (Step 20 runs in notifications.test.ts, against a webhook.)
 */

// S, P, C, B (= order = invoice), PAY, L of SPEC §6
let S = "";
let P = "";
let C = "";
let B = "";
let PAY = "";
let L = "";

const orderItem = () => ({ storeId: S, productId: P, storeName: "Store ABC", productName: "Product ABC", price: 10.49, quantity: 4 });
const stops = () => [
  { storeId: S, storeName: "Store ABC", storeLocation: "The mall", items: [{ productId: P, productName: "Product ABC", quantity: 4 }] },
];
const orderBody = (status: string, invoiceId = "") => ({
  order: { id: B, customerId: C, paymentId: PAY, shoppingId: L, invoiceId, items: [orderItem()], total: 41.96, status },
});

/** Polls the board for `status` until list `id` is on it (following all pages); returns it. */
const onBoard = (status: string, id: string) =>
  waitFor(async () => (await wholeBoard(call, status)).find((l) => l.id === id), `list ${id} on the ${status} board`);

describe.sequential("SPEC §6.1 happy path (steps 1–19)", () => {
  it("steps 1–3: creates the store and product and raises the price; new basket lines see 10.49", async () => {
    S = createdId(await call("POST", "/api/stores", { name: "Store ABC", location: "The mall" }));
    P = createdId(
      await call("POST", `/api/stores/${S}/products`, { name: "Product ABC", description: "A thing", sku: "abc", price: 9.99 }),
    );
    expectOk(await call("PUT", `/api/stores/products/${P}/increasePrice`, { price: 10.49 }), {});
    expectOk(await call("GET", `/api/stores/products/${P}`), {
      product: { id: P, storeId: S, name: "Product ABC", description: "A thing", sku: "abc", price: 10.49 },
    });

    // The baskets cache learns the new price from storesapi.ProductPriceIncreased: poll with fresh baskets.
    const probeCustomer = unknownId();
    await waitFor(
      async () => {
        const probe = await startBasket(call, probeCustomer);
        await addItem(call, probe, P, 1);
        const reply = await call("GET", `/api/baskets/${probe}`);
        expect(reply.status).toBe(200);
        const price = reply.body.basket.items[0]?.productPrice;
        if (price === 10.49) return true;
        if (price !== 9.99) throw new Unexpected(`a new basket line has price ${price}`);
        return undefined;
      },
      "the baskets cache to see price 10.49",
    );
  });

  it("steps 4–8: registers the customer, fills the basket (3 + 2 − 1) and reads it", async () => {
    C = createdId(await call("POST", "/api/customers", { name: "Ann", smsNumber: "555-555-1212" }));
    B = createdId(await call("POST", "/api/baskets", { customerId: C }));
    expectOk(await call("PUT", `/api/baskets/${B}/addItem`, { productId: P, quantity: 3 }), {});
    expectOk(await call("PUT", `/api/baskets/${B}/addItem`, { productId: P, quantity: 2 }), {});
    expectOk(await call("PUT", `/api/baskets/${B}/removeItem`, { productId: P, quantity: 1 }), {});
    expectOk(await call("GET", `/api/baskets/${B}`), {
      basket: {
        id: B,
        customerId: C,
        paymentId: "",
        status: "open",
        items: [{ storeId: S, productId: P, storeName: "Store ABC", productName: "Product ABC", productPrice: 10.49, quantity: 4 }],
      },
    });
  });

  it("steps 9–12: authorizes 41.96, checks out, and the saga approves order B with shopping list L", async () => {
    PAY = createdId(await call("POST", "/api/payments", { customerId: C, amount: 41.96 }));
    expectOk(await call("PUT", `/api/baskets/${B}/checkout`, { paymentId: PAY }), {});
    expectOk(await call("GET", `/api/baskets/${B}`), {
      basket: {
        id: B,
        customerId: C,
        paymentId: PAY,
        status: "checked_out",
        items: [{ storeId: S, productId: P, storeName: "Store ABC", productName: "Product ABC", productPrice: 10.49, quantity: 4 }],
      },
    });

    // Before ordering has created order B it answers 404; then B is pending until the saga approves it.
    const approved = await waitForOrderStatus(call, B, "approved", ["missing", "pending"]);
    L = approved.shoppingId;
    expect(L).toMatch(uuidV4);
    expectOk(await call("GET", `/api/ordering/${B}`), orderBody("approved"));
  });

  it("step 13: the board of available lists shows L exactly; GET of L agrees", async () => {
    const listed = await onBoard("available", L);
    const expected: ShoppingListView = {
      id: L,
      orderId: B,
      status: "available",
      assignedBotId: "",
      stops: stops(),
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    };
    expect(listed).toStrictEqual(expected);
    expect(listed.updatedAt >= listed.createdAt).toBe(true);
    // status defaults to available
    const byDefault = await waitFor(
      async () => (await wholeBoard(call, "")).find((l) => l.id === L),
      "L on the default (available) board",
    );
    expect(byDefault).toStrictEqual(listed);

    // The DO's view is the same list with the same timestamps.
    expectOk(await call("GET", `/api/depot/shopping/${L}`), { shoppingList: listed });
  });

  it("step 14: a bot takes L; a second assign fails", async () => {
    expectOk(await call("PUT", `/api/depot/shopping/${L}/assign`, { botId: "bot-7" }), {});
    invalid(await call("PUT", `/api/depot/shopping/${L}/assign`, { botId: "bot-7" }), "the shopping list cannot be assigned");
    invalid(await call("PUT", `/api/depot/shopping/${L}/assign`, { botId: "bot-8" }), "the shopping list cannot be assigned");
    const list = await readList(call, L);
    expect(list).toStrictEqual({
      id: L,
      orderId: B,
      status: "assigned",
      assignedBotId: "bot-7",
      stops: stops(),
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    });
    const onAssigned = await onBoard("assigned", L);
    expect(onAssigned).toStrictEqual(list);
    // an approved order can no longer be cancelled
    invalid(await call("DELETE", `/api/ordering/${B}`), "the order cannot be cancelled");
  });

  it("steps 15–16: completing L readies order B and creates invoice B for 41.96", async () => {
    expectOk(await call("PUT", `/api/depot/shopping/${L}/complete`, {}), {});
    invalid(await call("PUT", `/api/depot/shopping/${L}/complete`, {}), "the shopping list cannot be completed");
    invalid(await call("POST", `/api/depot/shopping/${L}`, {}), "the shopping list cannot be canceled");

    await waitForOrderStatus(call, B, "ready", ["approved"]);
    expectOk(await call("GET", `/api/ordering/${B}`), orderBody("ready"));

    // The invoice is created asynchronously from ordersapi.OrderReadied: 404 until then.
    await waitFor(
      async () => {
        const reply = await call("GET", `/api/payments/invoices/${B}`);
        if (reply.status === 404) {
          invoiceNotFound(reply);
          return undefined;
        }
        return reply;
      },
      "invoice B",
    );
    expectOk(await call("GET", `/api/payments/invoices/${B}`), {
      invoice: { id: B, orderId: B, paymentId: PAY, amount: 41.96, status: "pending" },
    });
  });

  it("steps 17–18: paying invoice B completes the order; paying again fails", async () => {
    expectOk(await call("PUT", `/api/payments/invoices/${B}/pay`, {}), {});
    invalid(await call("PUT", `/api/payments/invoices/${B}/pay`, {}), "invoice cannot be paid for");
    expectOk(await call("GET", `/api/payments/invoices/${B}`), {
      invoice: { id: B, orderId: B, paymentId: PAY, amount: 41.96, status: "paid" },
    });

    await waitForOrderStatus(call, B, "completed", ["ready"]);
    expectOk(await call("GET", `/api/ordering/${B}`), orderBody("completed", B));
    invalid(await call("PUT", `/api/payments/invoices/${B}/pay`, {}), "invoice cannot be paid for");
  });

  it("step 19: search finds B Completed with the customer, product and store names and the total", async () => {
    const shown = await waitForSearchStatus(call, B, "Completed", ["missing", "New", "Approved", "Ready For Pickup"]);
    const expected = {
      orderId: B,
      customerId: C,
      customerName: "Ann",
      items: [{ productId: P, storeId: S, productName: "Product ABC", storeName: "Store ABC", price: 10.49, quantity: 4 }],
      total: 41.96,
      status: "Completed",
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    };
    expect(shown).toStrictEqual(expected);
    expect(shown.updatedAt > shown.createdAt).toBe(true);
    expectOk(await call("POST", "/api/search/orders", { filters: { customerId: C, minTotal: 40 } }), { orders: [shown], next: "" });
    expectOk(await call("POST", "/api/search/orders", { filters: { customerId: C, minTotal: 41.97 } }), { orders: [], next: "" });
    expectOk(await call("POST", "/api/search/orders", { filters: { customerId: C, status: "Completed", storeIds: [S], productIds: [P] } }), {
      orders: [shown],
      next: "",
    });
  });

  it("the completed list L: GET and the completed board agree; it is on no other board", async () => {
    const list = await readList(call, L);
    expect(list).toStrictEqual({
      id: L,
      orderId: B,
      status: "completed",
      assignedBotId: "bot-7",
      stops: stops(),
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    });
    expect(list.updatedAt >= list.createdAt).toBe(true);
    expect(await onBoard("completed", L)).toStrictEqual(list);
    for (const status of boardStatuses.filter((s) => s !== "completed")) {
      expect((await wholeBoard(call, status)).filter((l) => l.id === L), status).toStrictEqual([]);
    }
  });

  it("pages the completed board one list at a time, oldest first, with L exactly once", async () => {
    const seen: ShoppingListView[] = [];
    let next = "";
    for (;;) {
      const page = await boardPage(call, `status=completed&limit=1${next ? `&next=${encodeURIComponent(next)}` : ""}`);
      expect(page.shoppingLists.length).toBe(1); // L is completed, so no page is empty
      expect(page.shoppingLists[0]!.status).toBe("completed");
      seen.push(page.shoppingLists[0]!);
      if (page.next === "") break;
      expect(page.next).not.toBe(next);
      next = page.next;
      expect(seen.length).toBeLessThan(5_000);
    }
    expect(seen.filter((l) => l.id === L)).toHaveLength(1);
    expect(new Set(seen.map((l) => l.id)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id), `${a.id} before ${b.id}`).toBe(true);
    }
  });
});

describe("the shopping-list board (GET /api/depot/shopping)", () => {
  let store = "";
  let product = "";
  beforeAll(async () => {
    store = await createStore(call, "Board Store", "Level 3");
    product = await addProduct(call, store, { name: "Board Thing", price: 1 });
  });

  it("pages with limit=1 and next through lists created over REST (they stay pending), oldest first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const orderId = `board-order-${crypto.randomUUID()}`;
      ids.push(createdId(await call("POST", "/api/depot/shopping", { orderId, items: [{ productId: product, storeId: store, quantity: i + 1 }] })));
    }
    const lists = await Promise.all(ids.map((id) => readList(call, id)));
    for (const list of lists) expect(list.status).toBe("pending");
    const expectedOrder = [...lists].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));

    // wait until the read model has all three
    await waitFor(async () => {
      const board = await wholeBoard(call, "pending");
      return ids.every((id) => board.some((l) => l.id === id)) ? true : undefined;
    }, "the three lists on the pending board");

    const seen: ShoppingListView[] = [];
    let next = "";
    let pages = 0;
    for (;;) {
      const page = await boardPage(call, `status=pending&limit=1&next=${encodeURIComponent(next)}`);
      pages++;
      expect(page.shoppingLists.length).toBe(1);
      seen.push(...page.shoppingLists);
      if (page.next === "") break;
      next = page.next;
      expect(pages).toBeLessThan(5_000);
    }
    const ours = seen.filter((l) => ids.includes(l.id));
    expect(ours).toStrictEqual(expectedOrder);
    expect(new Set(seen.map((l) => l.id)).size).toBe(seen.length);

    // limit ≤ 0 or absent uses the default (50), more than 100 is capped at 100
    for (const query of ["status=pending", "status=pending&limit=0", "status=pending&limit=-3"]) {
      const page = await boardPage(call, query);
      expect(page.shoppingLists.length, query).toBeLessThanOrEqual(50);
      if (seen.length > 50) expect(page.shoppingLists.length, query).toBe(50);
    }
    const capped = await boardPage(call, "status=pending&limit=1000");
    expect(capped.shoppingLists.length).toBeGreaterThanOrEqual(Math.min(seen.length, 100));
    expect(capped.shoppingLists.length).toBeLessThanOrEqual(100);
  });

  it("accepts every status; rejects an unknown status and a malformed cursor", async () => {
    for (const status of boardStatuses) await boardPage(call, `status=${status}`);
    invalid(await call("GET", "/api/depot/shopping?status=bogus"), "invalid request: status");
    invalid(await call("GET", "/api/depot/shopping?status=Available"), "invalid request: status");
    invalid(await call("GET", "/api/depot/shopping?status=cancelled"), "invalid request: status");
    invalid(await call("GET", "/api/depot/shopping?status=available&limit=abc"), "invalid request: limit");
    for (const cursor of ["garbage!", "bm90IGpzb24", "e30", "WzFd"]) {
      invalid(await call("GET", `/api/depot/shopping?status=available&next=${encodeURIComponent(cursor)}`), "invalid request: next");
    }
  });

  it("answers 404 for an unknown list and an unknown order", async () => {
    const id = unknownId();
    expectError(await call("GET", `/api/depot/shopping/${id}`), 404, 5, "shopping list with that ID does not exist");
    expectError(await call("GET", `/api/ordering/${id}`), 404, 5, "order with that ID does not exist");
    expect(await readOrder(call, id)).toBeUndefined();
  });
});

describe("checkout of a second basket reuses the shared steps", () => {
  it("two lines from two stores: order items in basket order, total and stops", async () => {
    const abc = await createStore(call, "Store ABC", "The mall");
    const deli = await createStore(call, "Corner Deli", "Level 2");
    const widget = await addProduct(call, abc, { name: "Widget", price: 2.5 });
    const bagel = await addProduct(call, deli, { name: "Bagel", price: 1.25 });
    const customer = await registerCustomer(call, "Bob", "555-0100");
    const basket = await startBasket(call, customer);
    await addItem(call, basket, bagel, 2);
    await addItem(call, basket, widget, 3);
    const payment = await authorizePayment(call, customer, 10);
    await checkout(call, basket, payment);
    const order = await waitForOrderStatus(call, basket, "approved", ["missing", "pending"]);
    expect(order).toStrictEqual({
      id: basket,
      customerId: customer,
      paymentId: payment,
      shoppingId: expect.stringMatching(uuidV4),
      invoiceId: "",
      items: [
        { storeId: deli, productId: bagel, storeName: "Corner Deli", productName: "Bagel", price: 1.25, quantity: 2 },
        { storeId: abc, productId: widget, storeName: "Store ABC", productName: "Widget", price: 2.5, quantity: 3 },
      ],
      total: 10,
      status: "approved",
    });
    const list = await readList(call, order.shoppingId);
    expect(list).toStrictEqual({
      id: order.shoppingId,
      orderId: basket,
      status: "available",
      assignedBotId: "",
      stops: [
        { storeId: deli, storeName: "Corner Deli", storeLocation: "Level 2", items: [{ productId: bagel, productName: "Bagel", quantity: 2 }] },
        { storeId: abc, storeName: "Store ABC", storeLocation: "The mall", items: [{ productId: widget, productName: "Widget", quantity: 3 }] },
      ],
      createdAt: expect.stringMatching(isoMillis),
      updatedAt: expect.stringMatching(isoMillis),
    });
  });
});
