import { describe, expect, it } from "vitest";
import { fold } from "../../src/kernel/decider";
import { Code } from "../../src/kernel/errors";
import { ordersApi } from "../../src/ordering/contract";
import {
  type Order,
  type OrderCommand,
  type OrderEvent,
  type OrderItem,
  orderDecider,
  orderNotFound,
  orderTotal,
  orderType,
  orderView,
} from "../../src/ordering/domain";
import { given } from "./given-when-then";

const ORDER_ID = "0b7c1d2e-1111-4aaa-8bbb-0000000000a1";
const CUSTOMER_ID = "0b7c1d2e-2222-4aaa-8bbb-0000000000a2";
const PAYMENT_ID = "0b7c1d2e-3333-4aaa-8bbb-0000000000a3";
const SHOPPING_ID = "0b7c1d2e-4444-4aaa-8bbb-0000000000a4";
const OTHER_SHOPPING_ID = "0b7c1d2e-5555-4aaa-8bbb-0000000000a5";
const INVOICE_ID = ORDER_ID; // an invoice has its order's ID (SPEC §2.1)
const STORE_1 = "0b7c1d2e-6666-4aaa-8bbb-0000000000a6";
const STORE_2 = "0b7c1d2e-7777-4aaa-8bbb-0000000000a7";
const GIN = "0b7c1d2e-8888-4aaa-8bbb-0000000000a8";
const LIME = "0b7c1d2e-9999-4aaa-8bbb-0000000000a9";

const ORDER_NOT_FOUND = "order with that ID does not exist";
const RECREATED = "create order command: the order cannot be recreated";
const NO_ITEMS = "create order command: the order has no items";
const CUSTOMER_BLANK = "create order command: the customer id cannot be blank";
const PAYMENT_BLANK = "create order command: the payment id cannot be blank";
const CANNOT_APPROVE = "the order cannot be approved";
const CANNOT_REJECT = "the order cannot be rejected";
const CANNOT_CANCEL = "the order cannot be cancelled";
const CANNOT_READY = "the order cannot be readied";
const CANNOT_COMPLETE = "the order cannot be completed";

const BLANKS = ["", " ", "\t", "\n \t"];

// ---- fixtures ----------------------------------------------------------------------------------

const gin: OrderItem = { storeId: STORE_1, productId: GIN, storeName: "Bottle Shop", productName: "Gin", price: 10.49, quantity: 4 };
const lime: OrderItem = { storeId: STORE_2, productId: LIME, storeName: "Greengrocer", productName: "Lime", price: 0.1, quantity: 3 };
const ITEMS = [gin, lime]; // 41.96 + 0.3 = 42.26

const created = (items: OrderItem[] = ITEMS): OrderEvent => ({
  name: "ordering.OrderCreated",
  payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, shoppingId: "", items },
});
const approved = (shoppingId = SHOPPING_ID): OrderEvent => ({ name: "ordering.OrderApproved", payload: { shoppingId } });
const rejected: OrderEvent = { name: "ordering.OrderRejected", payload: {} };
const canceled: OrderEvent = {
  name: "ordering.OrderCanceled",
  payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID },
};
const readied = (total = 42.26): OrderEvent => ({
  name: "ordering.OrderReadied",
  payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, total },
});
const completed = (invoiceId = INVOICE_ID): OrderEvent => ({
  name: "ordering.OrderCompleted",
  payload: { customerId: CUSTOMER_ID, invoiceId },
});

const order = (...events: OrderEvent[]) => given<OrderCommand, OrderEvent, Order>(orderDecider, ORDER_ID, events);

const createOrder = (over: Partial<{ customerId: string; paymentId: string; items: OrderItem[] }> = {}): OrderCommand => ({
  type: "CreateOrder",
  customerId: CUSTOMER_ID,
  paymentId: PAYMENT_ID,
  items: ITEMS,
  ...over,
});

/** Histories for every status. */
const STATUS: Record<"pending" | "approved" | "rejected" | "cancelled" | "ready" | "completed", OrderEvent[]> = {
  pending: [created()],
  approved: [created(), approved()],
  rejected: [created(), rejected],
  cancelled: [created(), canceled],
  ready: [created(), approved(), readied()],
  completed: [created(), approved(), readied(), completed()],
};

// ---- decide ------------------------------------------------------------------------------------

describe("Order decider", () => {
  describe("CreateOrder", () => {
    it("records OrderCreated {customerId, paymentId, shoppingId: \"\", items} → pending", () => {
      const { state } = order()
        .when(createOrder())
        .then([
          {
            name: "ordering.OrderCreated",
            payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, shoppingId: "", items: ITEMS },
          },
        ]);
      expect(state).toEqual({
        id: ORDER_ID,
        customerId: CUSTOMER_ID,
        paymentId: PAYMENT_ID,
        shoppingId: "",
        invoiceId: "",
        items: ITEMS,
        status: "pending",
        version: 1,
      });
    });

    it.each(Object.keys(STATUS) as (keyof typeof STATUS)[])("cannot recreate an existing %s order", (status) => {
      order(...STATUS[status]).when(createOrder()).thenFails(Code.InvalidArgument, RECREATED);
    });

    it("rejects an order without items", () => {
      order().when(createOrder({ items: [] })).thenFails(Code.InvalidArgument, NO_ITEMS);
    });

    it.each(BLANKS)("rejects a blank customer id %j", (customerId) => {
      order().when(createOrder({ customerId })).thenFails(Code.InvalidArgument, CUSTOMER_BLANK);
    });

    it.each(BLANKS)("rejects a blank payment id %j", (paymentId) => {
      order().when(createOrder({ paymentId })).thenFails(Code.InvalidArgument, PAYMENT_BLANK);
    });

    it.each([
      ["exists before no items", STATUS.pending, { items: [], customerId: "", paymentId: "" }, RECREATED],
      ["no items before customer id", [], { items: [], customerId: "", paymentId: "" }, NO_ITEMS],
      ["customer id before payment id", [], { customerId: " ", paymentId: "" }, CUSTOMER_BLANK],
      ["payment id last", [], { paymentId: "" }, PAYMENT_BLANK],
    ] as [string, OrderEvent[], Parameters<typeof createOrder>[0], string][])(
      "checks in the documented order: %s",
      (_, history, over, message) => {
        order(...history).when(createOrder(over)).thenFails(Code.InvalidArgument, message);
      },
    );
  });

  describe("ApproveOrder", () => {
    it("records OrderApproved {shoppingId} on a pending order and sets shoppingId", () => {
      const { state } = order(created())
        .when({ type: "ApproveOrder", shoppingId: SHOPPING_ID })
        .then([{ name: "ordering.OrderApproved", payload: { shoppingId: SHOPPING_ID } }]);
      expect(state).toMatchObject({ status: "approved", shoppingId: SHOPPING_ID, version: 2 });
    });

    it("answers 404 for an unknown order", () => {
      order().when({ type: "ApproveOrder", shoppingId: SHOPPING_ID }).thenFails(Code.NotFound, ORDER_NOT_FOUND);
    });

    it("is a no-op on an approved order (even with another shoppingId)", () => {
      order(...STATUS.approved).when({ type: "ApproveOrder", shoppingId: SHOPPING_ID }).then([]);
      order(...STATUS.approved).when({ type: "ApproveOrder", shoppingId: OTHER_SHOPPING_ID }).then([]);
    });

    it.each(["rejected", "cancelled", "ready", "completed"] as const)("fails with 9 on a %s order", (status) => {
      order(...STATUS[status])
        .when({ type: "ApproveOrder", shoppingId: SHOPPING_ID })
        .thenFails(Code.FailedPrecondition, CANNOT_APPROVE);
    });
  });

  describe("RejectOrder", () => {
    it("records OrderRejected {} on a pending order", () => {
      const { state } = order(created())
        .when({ type: "RejectOrder" })
        .then([{ name: "ordering.OrderRejected", payload: {} }]);
      expect(state).toMatchObject({ status: "rejected", version: 2, shoppingId: "" });
    });

    it("answers 404 for an unknown order", () => {
      order().when({ type: "RejectOrder" }).thenFails(Code.NotFound, ORDER_NOT_FOUND);
    });

    it.each(["rejected", "cancelled"] as const)("is a no-op on a %s order", (status) => {
      order(...STATUS[status]).when({ type: "RejectOrder" }).then([]);
    });

    it.each(["approved", "ready", "completed"] as const)("fails with 9 on a %s order", (status) => {
      order(...STATUS[status]).when({ type: "RejectOrder" }).thenFails(Code.FailedPrecondition, CANNOT_REJECT);
    });
  });

  describe("CancelOrder", () => {
    it("records OrderCanceled {customerId, paymentId} on a pending order → cancelled", () => {
      const { state } = order(created())
        .when({ type: "CancelOrder" })
        .then([{ name: "ordering.OrderCanceled", payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID } }]);
      expect(state).toMatchObject({ status: "cancelled", version: 2 });
    });

    it("answers 404 for an unknown order", () => {
      order().when({ type: "CancelOrder" }).thenFails(Code.NotFound, ORDER_NOT_FOUND);
    });

    it.each(["approved", "rejected", "cancelled", "ready", "completed"] as const)("fails with 3 on a %s order", (status) => {
      order(...STATUS[status]).when({ type: "CancelOrder" }).thenFails(Code.InvalidArgument, CANNOT_CANCEL);
    });
  });

  describe("ReadyOrder (depotapi.ShoppingListCompleted)", () => {
    const ready = (shoppingId = SHOPPING_ID): OrderCommand => ({ type: "ReadyOrder", shoppingId });

    it("1. ignores a missing order: no event and no error", () => {
      order().when(ready()).then([]);
    });

    it.each(["ready", "completed"] as const)("2. is a no-op on a %s order (even for another list)", (status) => {
      order(...STATUS[status]).when(ready()).then([]);
      order(...STATUS[status]).when(ready(OTHER_SHOPPING_ID)).then([]);
    });

    it("3. fails with 9 on a pending order (retried until the saga approves), whatever the list id", () => {
      order(...STATUS.pending).when(ready()).thenFails(Code.FailedPrecondition, CANNOT_READY);
      order(...STATUS.pending).when(ready(OTHER_SHOPPING_ID)).thenFails(Code.FailedPrecondition, CANNOT_READY);
      // a pending order has shoppingId "": an empty list id must still be an error, not a match
      order(...STATUS.pending).when(ready("")).thenFails(Code.FailedPrecondition, CANNOT_READY);
    });

    it.each(["rejected", "cancelled"] as const)("4. ignores a %s order (even for a matching-looking id)", (status) => {
      order(...STATUS[status]).when(ready()).then([]);
      order(...STATUS[status]).when(ready("")).then([]);
    });

    it("5. ignores an approved order whose shoppingId is another list", () => {
      order(...STATUS.approved).when(ready(OTHER_SHOPPING_ID)).then([]);
      order(...STATUS.approved).when(ready("")).then([]);
    });

    it("6. records OrderReadied {customerId, paymentId, total} for the matching list → ready", () => {
      const { state } = order(...STATUS.approved)
        .when(ready())
        .then([
          { name: "ordering.OrderReadied", payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, total: 42.26 } },
        ]);
      expect(state).toMatchObject({ status: "ready", shoppingId: SHOPPING_ID, invoiceId: "", version: 3 });
    });

    it("computes the total in integer cents", () => {
      const items = [{ ...lime, price: 0.1, quantity: 3 }];
      order(created(items), approved())
        .when(ready())
        .then([{ name: "ordering.OrderReadied", payload: { customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, total: 0.3 } }]);
    });
  });

  describe("CompleteOrder (paymentsapi.InvoicePaid)", () => {
    const complete = (invoiceId = INVOICE_ID): OrderCommand => ({ type: "CompleteOrder", invoiceId });

    it("records OrderCompleted {customerId, invoiceId} on a ready order and sets invoiceId", () => {
      const { state } = order(...STATUS.ready)
        .when(complete("inv-77"))
        .then([{ name: "ordering.OrderCompleted", payload: { customerId: CUSTOMER_ID, invoiceId: "inv-77" } }]);
      expect(state).toMatchObject({ status: "completed", invoiceId: "inv-77", version: 4 });
    });

    it("fails with 404 on a missing order (an error, so the message is retried)", () => {
      order().when(complete()).thenFails(Code.NotFound, ORDER_NOT_FOUND);
    });

    it("is a no-op on a completed order", () => {
      order(...STATUS.completed).when(complete()).then([]);
      order(...STATUS.completed).when(complete("another")).then([]);
    });

    it.each(["pending", "approved", "rejected", "cancelled"] as const)("fails with 9 on a %s order", (status) => {
      order(...STATUS[status]).when(complete()).thenFails(Code.FailedPrecondition, CANNOT_COMPLETE);
    });
  });
});

// ---- evolve ------------------------------------------------------------------------------------

describe("Order evolve", () => {
  it("starts empty at version 0", () => {
    expect(orderDecider.initialState(ORDER_ID)).toEqual({
      id: ORDER_ID,
      customerId: "",
      paymentId: "",
      shoppingId: "",
      invoiceId: "",
      items: [],
      status: "",
      version: 0,
    });
  });

  it("folds the whole happy path", () => {
    expect(fold(orderDecider, ORDER_ID, STATUS.completed)).toEqual({
      id: ORDER_ID,
      customerId: CUSTOMER_ID,
      paymentId: PAYMENT_ID,
      shoppingId: SHOPPING_ID,
      invoiceId: INVOICE_ID,
      items: ITEMS,
      status: "completed",
      version: 4,
    });
  });
});

// ---- total and view ----------------------------------------------------------------------------

describe("orderTotal", () => {
  it.each([
    [[], 0],
    [[{ price: 0.1, quantity: 3 }], 0.3],
    [[{ price: 10.49, quantity: 4 }], 41.96],
    [[{ price: 10.49, quantity: 4 }, { price: 0.1, quantity: 3 }], 42.26],
    [[{ price: 0.1, quantity: 1 }, { price: 0.2, quantity: 1 }], 0.3],
    [[{ price: 1.15, quantity: 100 }], 115],
    [[{ price: 0, quantity: 7 }, { price: 9.99, quantity: 0 }], 0],
  ] as [{ price: number; quantity: number }[], number][])("%j → %d", (items, total) => {
    expect(orderTotal(items)).toBe(total);
  });
});

describe("orderView", () => {
  it("exposes exactly {id, customerId, paymentId, shoppingId, invoiceId, items, total, status}", () => {
    const state = fold(orderDecider, ORDER_ID, STATUS.completed);
    expect(orderView(state)).toStrictEqual({
      id: ORDER_ID,
      customerId: CUSTOMER_ID,
      paymentId: PAYMENT_ID,
      shoppingId: SHOPPING_ID,
      invoiceId: INVOICE_ID,
      items: ITEMS,
      total: 42.26,
      status: "completed",
    });
  });

  it("shows zero values on a pending order", () => {
    expect(orderView(fold(orderDecider, ORDER_ID, [created([lime])]))).toStrictEqual({
      id: ORDER_ID,
      customerId: CUSTOMER_ID,
      paymentId: PAYMENT_ID,
      shoppingId: "",
      invoiceId: "",
      items: [lime],
      total: 0.3,
      status: "pending",
    });
  });
});

// ---- published integration events ------------------------------------------------------------

describe("orderType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(orderType.name).toBe("ordering.Order");
    expect(orderType.snapshotName).toBe("ordering.OrderV1");
    expect(orderType.decider).toBe(orderDecider);
    expect(orderType.notFound).toEqual({ code: 5, message: ORDER_NOT_FOUND });
    expect(orderNotFound).toEqual({ code: 5, message: ORDER_NOT_FOUND });
  });

  /** Publishes the given command's event the way the aggregate object does: with the state after it. */
  const publishOf = (history: OrderEvent[], command: OrderCommand) => {
    const g = order(...history);
    const events = orderDecider.decide(command, g.state);
    expect(events).toHaveLength(1);
    const { state } = g.when(command).then(events);
    return orderType.publish(events[0]!, state);
  };

  it("CreateOrder publishes ordersapi.OrderCreated with items {productId, storeId, price, quantity} only", () => {
    const published = publishOf([], createOrder());
    expect(published).toStrictEqual([
      {
        name: "ordersapi.OrderCreated",
        payload: {
          id: ORDER_ID,
          customerId: CUSTOMER_ID,
          paymentId: PAYMENT_ID,
          shoppingId: "",
          items: [
            { productId: GIN, storeId: STORE_1, price: 10.49, quantity: 4 },
            { productId: LIME, storeId: STORE_2, price: 0.1, quantity: 3 },
          ],
        },
      },
    ]);
  });

  it("ApproveOrder publishes ordersapi.OrderApproved {id, customerId, paymentId, shoppingId}", () => {
    expect(publishOf(STATUS.pending, { type: "ApproveOrder", shoppingId: SHOPPING_ID })).toStrictEqual([
      {
        name: "ordersapi.OrderApproved",
        payload: { id: ORDER_ID, customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, shoppingId: SHOPPING_ID },
      },
    ]);
  });

  it("RejectOrder publishes ordersapi.OrderRejected {id, customerId, paymentId}", () => {
    expect(publishOf(STATUS.pending, { type: "RejectOrder" })).toStrictEqual([
      { name: "ordersapi.OrderRejected", payload: { id: ORDER_ID, customerId: CUSTOMER_ID, paymentId: PAYMENT_ID } },
    ]);
  });

  it("CancelOrder publishes ordersapi.OrderCanceled {id, customerId, paymentId}", () => {
    expect(publishOf(STATUS.pending, { type: "CancelOrder" })).toStrictEqual([
      { name: "ordersapi.OrderCanceled", payload: { id: ORDER_ID, customerId: CUSTOMER_ID, paymentId: PAYMENT_ID } },
    ]);
  });

  it("ReadyOrder publishes ordersapi.OrderReadied {id, customerId, paymentId, total}", () => {
    expect(publishOf(STATUS.approved, { type: "ReadyOrder", shoppingId: SHOPPING_ID })).toStrictEqual([
      {
        name: "ordersapi.OrderReadied",
        payload: { id: ORDER_ID, customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, total: 42.26 },
      },
    ]);
  });

  it("CompleteOrder publishes ordersapi.OrderCompleted {id, customerId, invoiceId}", () => {
    expect(publishOf(STATUS.ready, { type: "CompleteOrder", invoiceId: "inv-9" })).toStrictEqual([
      { name: "ordersapi.OrderCompleted", payload: { id: ORDER_ID, customerId: CUSTOMER_ID, invoiceId: "inv-9" } },
    ]);
  });

  it("every published payload satisfies the context's contract", () => {
    let state = orderDecider.initialState(ORDER_ID);
    const published: string[] = [];
    for (const event of STATUS.completed) {
      state = { ...orderDecider.evolve(state, event), version: state.version + 1 };
      for (const m of orderType.publish(event, state)) {
        published.push(m.name);
        const schema = ordersApi[m.name as keyof typeof ordersApi];
        expect(schema, m.name).toBeDefined();
        expect(schema.safeParse(m.payload).success).toBe(true);
      }
    }
    expect(published).toEqual([
      "ordersapi.OrderCreated",
      "ordersapi.OrderApproved",
      "ordersapi.OrderReadied",
      "ordersapi.OrderCompleted",
    ]);
  });
});
