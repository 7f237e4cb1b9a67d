import { describe, expect, it } from "vitest";
import { addProduct, createStore, eventuallyEqual, expectError, expectOk, invalid, unknownId, uuidV4 } from "./expectations";
import { call, type Reply, waitFor } from "./http";

/** The Baskets context over real HTTP (SPEC §3.2, §2.2, §2.4, §6.1 steps 1–8, §6.2 R6, errors of §8). */

interface Item {
  storeId: string;
  productId: string;
  storeName: string;
  productName: string;
  productPrice: number;
  quantity: number;
}
interface BasketView {
  id: string;
  customerId: string;
  paymentId: string;
  status: string;
  items: Item[];
}

const basketNotFound = (reply: Reply) => expectError(reply, 404, 5, "basket with that ID does not exist");
const productNotLocated = (reply: Reply) => expectError(reply, 404, 5, "product fallback failed: product was not located");
const cannotModify = (reply: Reply) => invalid(reply, "the basket cannot be modified");
const cannotCancel = (reply: Reply) => invalid(reply, "the basket cannot be cancelled");
const negativeQuantity = (reply: Reply) => invalid(reply, "the item quantity cannot be negative");
const checkoutCannotModify = (reply: Reply) => invalid(reply, "baskets checkout: the basket cannot be modified");
const checkoutNoItems = (reply: Reply) => invalid(reply, "baskets checkout: the basket has no items");
const checkoutBlankPayment = (reply: Reply) => invalid(reply, "baskets checkout: the payment id cannot be blank");

const getBasket = (id: string) => call<{ basket: BasketView }>("GET", `/api/baskets/${id}`);
const addItem = (basketId: string, productId: string, quantity: number) =>
  call("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity });
const removeItem = (basketId: string, productId: string, quantity: number) =>
  call("PUT", `/api/baskets/${basketId}/removeItem`, { productId, quantity });
const cancel = (basketId: string) => call("DELETE", `/api/baskets/${basketId}`);
const checkout = (basketId: string, paymentId: string) => call("PUT", `/api/baskets/${basketId}/checkout`, { paymentId });

async function registerCustomer(name = "Ann", smsNumber = "555-555-1212"): Promise<string> {
  const reply = await call("POST", "/api/customers", { name, smsNumber });
  expectOk(reply, { id: expect.stringMatching(uuidV4) });
  return reply.body.id;
}

async function startBasket(customerId: string): Promise<string> {
  const reply = await call("POST", "/api/baskets", { customerId });
  expectOk(reply, { id: expect.stringMatching(uuidV4) });
  return reply.body.id;
}

/** The basket as its DO answers it (strongly consistent), asserting the exact envelope. */
async function basketOf(id: string): Promise<BasketView> {
  const reply = await getBasket(id);
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["basket"]);
  return reply.body.basket;
}

async function itemsOf(id: string): Promise<Item[]> {
  return (await basketOf(id)).items;
}

/** A basket with one customer and some items added, for the error-order tests. */
async function openBasketWith(productId: string, quantity = 1): Promise<string> {
  const basketId = await startBasket(await registerCustomer());
  expectOk(await addItem(basketId, productId, quantity), {});
  return basketId;
}

/** The line a brand-new basket gets for one unit of the product now (each poll uses a fresh basket). */
async function freshLine(customerId: string, productId: string): Promise<Item | undefined> {
  const basketId = await startBasket(customerId);
  expectOk(await addItem(basketId, productId, 1), {});
  return (await itemsOf(basketId))[0];
}

async function authorizePayment(customerId: string, amount: number): Promise<string> {
  const reply = await call("POST", "/api/payments", { customerId, amount });
  expectOk(reply, { id: expect.stringMatching(uuidV4) });
  return reply.body.id;
}

/** Two stores with products, and a registered customer. */
async function mall() {
  const abc = await createStore("Store ABC", "The mall");
  const deli = await createStore("Corner Deli", "Level 2");
  const widget = await addProduct(abc, { name: "Product ABC", description: "A thing", sku: "abc", price: 9.99 });
  const gizmo = await addProduct(abc, { name: "Gizmo", price: 1.005 }); // rounds to 1.01
  const bagel = await addProduct(deli, { name: "Bagel", description: "Sesame", sku: "bgl", price: 2.5 });
  const customer = await registerCustomer("Ann", "555-555-1212");
  const line = {
    widget: (quantity: number, price = 9.99, productName = "Product ABC", storeName = "Store ABC"): Item => ({
      storeId: abc,
      productId: widget,
      storeName,
      productName,
      productPrice: price,
      quantity,
    }),
    gizmo: (quantity: number): Item => ({ storeId: abc, productId: gizmo, storeName: "Store ABC", productName: "Gizmo", productPrice: 1.01, quantity }),
    bagel: (quantity: number, price = 2.5, productName = "Bagel", storeName = "Corner Deli"): Item => ({
      storeId: deli,
      productId: bagel,
      storeName,
      productName,
      productPrice: price,
      quantity,
    }),
  };
  return { abc, deli, widget, gizmo, bagel, customer, line };
}

describe("StartBasket and GetBasket", () => {
  it("starts an open, empty basket for the customer", async () => {
    const customerId = await registerCustomer();
    const created = await call("POST", "/api/baskets", { customerId });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    const id: string = created.body.id;
    expectOk(await getBasket(id), { basket: { id, customerId, paymentId: "", status: "open", items: [] } });
    expect(await startBasket(customerId)).not.toBe(id);
  });

  it("accepts snake_case customer_id; does not check that the customer exists", async () => {
    const customerId = await registerCustomer();
    const snake = await call("POST", "/api/baskets", { customer_id: customerId });
    expectOk(snake, { id: expect.stringMatching(uuidV4) });
    expectOk(await getBasket(snake.body.id), { basket: { id: snake.body.id, customerId, paymentId: "", status: "open", items: [] } });

    const stranger = unknownId();
    const id = await startBasket(stranger);
    expectOk(await getBasket(id), { basket: { id, customerId: stranger, paymentId: "", status: "open", items: [] } });
  });

  it("rejects a blank customer id (missing, null, empty body → zero value)", async () => {
    const blank = "the customer id cannot be blank";
    invalid(await call("POST", "/api/baskets", { customerId: "" }), blank);
    invalid(await call("POST", "/api/baskets", { customerId: "   " }), blank);
    invalid(await call("POST", "/api/baskets", { customerId: null }), blank);
    invalid(await call("POST", "/api/baskets", {}), blank);
    invalid(await call("POST", "/api/baskets"), blank);
  });

  it("answers 400 `invalid request: …` for wrong types and malformed JSON", async () => {
    invalid(await call("POST", "/api/baskets", { customerId: 5 }), "invalid request: customerId");
    invalid(await call("POST", "/api/baskets", { customerId: ["c"] }), "invalid request: customerId");
    for (const raw of ['{"customerId":', "customerId=c", "[]"]) {
      const reply = await call("POST", "/api/baskets", raw);
      expect({ raw, status: reply.status }).toStrictEqual({ raw, status: 400 });
      expect(reply.body, raw).toStrictEqual({ code: 3, message: expect.stringMatching(/^invalid request: .+/), details: [] });
    }
  });

  it("answers 404 for an unknown basket (R6)", async () => {
    basketNotFound(await getBasket("unknown"));
    basketNotFound(await getBasket(unknownId()));
  });
});

describe("the basket journey (SPEC §6.1 steps 1–8, across two stores)", () => {
  it("adds, re-adds and removes items from two stores; lines capture names and prices; checks out", async () => {
    const { widget, gizmo, bagel, customer, line } = await mall();
    const basketId = await startBasket(customer);

    // Products added a moment ago can be added at once (read-through fallback, SPEC §2.7).
    expectOk(await addItem(basketId, widget, 3), {});
    expectOk(await addItem(basketId, bagel, 1), {});
    expectOk(await addItem(basketId, widget, 2), {});
    expectOk(await addItem(basketId, gizmo, 4), {});
    expectOk(await getBasket(basketId), {
      basket: { id: basketId, customerId: customer, paymentId: "", status: "open", items: [line.widget(5), line.bagel(1), line.gizmo(4)] },
    });

    // Partial removal.
    expectOk(await removeItem(basketId, widget, 1), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4), line.bagel(1), line.gizmo(4)]);
    // Removing exactly the remaining quantity deletes the line; so does removing more.
    expectOk(await removeItem(basketId, bagel, 1), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4), line.gizmo(4)]);
    expectOk(await removeItem(basketId, gizmo, 10), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4)]);
    // Removing a known product that is not in the basket is a 200 `{}` no-op.
    expectOk(await removeItem(basketId, bagel, 1), {});
    expectOk(await removeItem(basketId, gizmo, 0), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4)]);
    // Removing 0 of a line keeps it.
    expectOk(await removeItem(basketId, widget, 0), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4)]);

    // A re-added product goes to the end (its line was deleted).
    expectOk(await addItem(basketId, bagel, 2), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(4), line.bagel(2)]);

    // Checkout (§6.1 steps 9–10): 4 × 9.99 + 2 × 2.5 = 44.96.
    const paymentId = await authorizePayment(customer, 44.96);
    expectOk(await checkout(basketId, paymentId), {});
    expectOk(await getBasket(basketId), {
      basket: { id: basketId, customerId: customer, paymentId, status: "checked_out", items: [line.widget(4), line.bagel(2)] },
    });

    // A checked-out basket can no longer change.
    checkoutCannotModify(await checkout(basketId, paymentId));
    checkoutCannotModify(await checkout(basketId, ""));
    cannotModify(await addItem(basketId, widget, 1));
    cannotModify(await removeItem(basketId, widget, 1));
    cannotModify(await removeItem(basketId, gizmo, 1));
    cannotCancel(await cancel(basketId));
    expectOk(await getBasket(basketId), {
      basket: { id: basketId, customerId: customer, paymentId, status: "checked_out", items: [line.widget(4), line.bagel(2)] },
    });
  });

  it("follows SPEC §6.1 steps 1–8 literally (price increased before the basket sees the product)", async () => {
    const s = await createStore("Store ABC", "The mall");
    const p = await addProduct(s, { name: "Product ABC", description: "A thing", sku: "abc", price: 9.99 });
    expectOk(await call("PUT", `/api/stores/products/${p}/increasePrice`, { price: 10.49 }), {});
    const c = await registerCustomer("Ann", "555-555-1212");
    const expected = { storeId: s, productId: p, storeName: "Store ABC", productName: "Product ABC", productPrice: 10.49 };
    // The baskets cache learns the new price eventually; the product's first addition into a basket may
    // race the price event, so wait until a fresh line shows it.
    await eventuallyEqual(() => freshLine(c, p), { ...expected, quantity: 1 }, "baskets cache price 10.49");

    const b = await startBasket(c);
    expectOk(await addItem(b, p, 3), {});
    expectOk(await addItem(b, p, 2), {});
    expectOk(await removeItem(b, p, 1), {});
    expectOk(await getBasket(b), {
      basket: { id: b, customerId: c, paymentId: "", status: "open", items: [{ ...expected, quantity: 4 }] },
    });
  });

  it("cancels an open basket: status canceled, items emptied; every command is then refused", async () => {
    const { widget, bagel, customer } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await addItem(basketId, widget, 2), {});
    expectOk(await addItem(basketId, bagel, 1), {});

    expectOk(await cancel(basketId), {});
    expectOk(await getBasket(basketId), { basket: { id: basketId, customerId: customer, paymentId: "", status: "canceled", items: [] } });

    cannotCancel(await cancel(basketId));
    cannotModify(await addItem(basketId, widget, 1));
    cannotModify(await removeItem(basketId, widget, 1));
    checkoutCannotModify(await checkout(basketId, "PAY"));
    checkoutCannotModify(await checkout(basketId, ""));
    expectOk(await getBasket(basketId), { basket: { id: basketId, customerId: customer, paymentId: "", status: "canceled", items: [] } });
  });

  it("cancels an empty basket", async () => {
    const customer = await registerCustomer();
    const basketId = await startBasket(customer);
    expectOk(await cancel(basketId), {});
    expectOk(await getBasket(basketId), { basket: { id: basketId, customerId: customer, paymentId: "", status: "canceled", items: [] } });
  });
});

describe("lines keep the names and price of their first addition", () => {
  it("a price increase and decrease reach new lines; existing lines keep their price", async () => {
    const { widget, customer, line } = await mall();
    const existing = await startBasket(customer);
    expectOk(await addItem(existing, widget, 2), {});
    expect(await itemsOf(existing)).toStrictEqual([line.widget(2)]);

    expectOk(await call("PUT", `/api/stores/products/${widget}/increasePrice`, { price: 12.5 }), {});
    await eventuallyEqual(() => freshLine(customer, widget), line.widget(1, 12.5), "a new line at the increased price");

    // The existing line keeps 9.99, also when the same product is added again.
    expect(await itemsOf(existing)).toStrictEqual([line.widget(2)]);
    expectOk(await addItem(existing, widget, 3), {});
    expect(await itemsOf(existing)).toStrictEqual([line.widget(5)]);

    // A basket started after the increase keeps 12.5 through a later decrease.
    const middle = await startBasket(customer);
    expectOk(await addItem(middle, widget, 1), {});
    expect(await itemsOf(middle)).toStrictEqual([line.widget(1, 12.5)]);

    expectOk(await call("PUT", `/api/stores/products/${widget}/decreasePrice`, { price: 7.25 }), {});
    await eventuallyEqual(() => freshLine(customer, widget), line.widget(1, 7.25), "a new line at the decreased price");
    expectOk(await addItem(middle, widget, 1), {});
    expect(await itemsOf(middle)).toStrictEqual([line.widget(2, 12.5)]);
    expect(await itemsOf(existing)).toStrictEqual([line.widget(5)]);
  });

  it("a product rebrand and a store rebrand reach new lines; existing lines keep their names", async () => {
    const { deli, widget, bagel, customer, line } = await mall();
    const existing = await startBasket(customer);
    expectOk(await addItem(existing, widget, 1), {});
    expectOk(await addItem(existing, bagel, 1), {});

    expectOk(await call("PUT", `/api/stores/products/${widget}/rebrand`, { name: "Widget Pro", description: "Better" }), {});
    await eventuallyEqual(() => freshLine(customer, widget), line.widget(1, 9.99, "Widget Pro"), "a new line with the new product name");

    expectOk(await call("PUT", `/api/stores/${deli}/rebrand`, { name: "Deli Deluxe" }), {});
    await eventuallyEqual(() => freshLine(customer, bagel), line.bagel(1, 2.5, "Bagel", "Deli Deluxe"), "a new line with the new store name");

    expectOk(await addItem(existing, widget, 1), {});
    expectOk(await addItem(existing, bagel, 1), {});
    expect(await itemsOf(existing)).toStrictEqual([line.widget(2), line.bagel(2)]);

    // The other store's products are unaffected by the deli's rebrand.
    const other = await startBasket(customer);
    expectOk(await addItem(other, widget, 1), {});
    expect(await itemsOf(other)).toStrictEqual([line.widget(1, 9.99, "Widget Pro")]);
  });

  it("a product added a moment ago in a store created a moment ago can be added at once", async () => {
    const storeId = await createStore("Pop-up", "Atrium");
    const productId = await addProduct(storeId, { name: "Fresh", price: 3.333 });
    const basketId = await startBasket(await registerCustomer());
    expectOk(await addItem(basketId, productId, 2), {});
    expect(await itemsOf(basketId)).toStrictEqual([
      { storeId, productId, storeName: "Pop-up", productName: "Fresh", productPrice: 3.33, quantity: 2 },
    ]);
  });
});

describe("removed products", () => {
  it("a removed product cannot be added, but an existing line of it can still be removed", async () => {
    const { widget, bagel, customer, line } = await mall();
    const holder = await startBasket(customer);
    expectOk(await addItem(holder, widget, 3), {});
    expectOk(await addItem(holder, bagel, 1), {});

    expectOk(await call("DELETE", `/api/stores/products/${widget}`), {});
    // The baskets cache learns of the removal eventually; probe with a scratch basket.
    const scratch = await startBasket(customer);
    await waitFor(
      async () => {
        const reply = await addItem(scratch, widget, 1);
        if (reply.status === 404) return reply;
        expect(reply.status).toBe(200);
        return undefined;
      },
      "addItem of the removed product to answer 404",
      { timeoutMs: 15_000 },
    ).then(productNotLocated);

    productNotLocated(await addItem(holder, widget, 1));
    productNotLocated(await call("PUT", `/api/baskets/${holder}/addItem`, { product_id: widget, quantity: 1 }));
    // Not a line of a fresh basket → the lookup decides → 404.
    const fresh = await startBasket(customer);
    productNotLocated(await removeItem(fresh, widget, 1));

    // The line is still known to the holder basket: partial, then full removal succeeds.
    expect(await itemsOf(holder)).toStrictEqual([line.widget(3), line.bagel(1)]);
    expectOk(await removeItem(holder, widget, 1), {});
    expect(await itemsOf(holder)).toStrictEqual([line.widget(2), line.bagel(1)]);
    expectOk(await removeItem(holder, widget, 5), {});
    expect(await itemsOf(holder)).toStrictEqual([line.bagel(1)]);
    // Once the line is gone the product is unknown to this basket too.
    productNotLocated(await removeItem(holder, widget, 1));
    expect(await itemsOf(holder)).toStrictEqual([line.bagel(1)]);
  });

  it("a product removed right after it was added is (eventually) not located", async () => {
    const storeId = await createStore("Gone Soon", "Basement");
    const productId = await addProduct(storeId, { name: "Ephemeral", price: 1 });
    expectOk(await call("DELETE", `/api/stores/products/${productId}`), {});
    const scratch = await startBasket(await registerCustomer());
    await waitFor(
      async () => {
        const reply = await addItem(scratch, productId, 1);
        if (reply.status === 404) return reply;
        expect(reply.status).toBe(200);
        return undefined;
      },
      "addItem of the removed product to answer 404",
      { timeoutMs: 15_000 },
    ).then(productNotLocated);
  });
});

describe("AddItem and RemoveItem inputs", () => {
  it("accepts snake_case product_id on both commands", async () => {
    const { widget, customer, line } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await call("PUT", `/api/baskets/${basketId}/addItem`, { product_id: widget, quantity: 4 }), {});
    expectOk(await call("PUT", `/api/baskets/${basketId}/removeItem`, { product_id: widget, quantity: 1 }), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(3)]);
  });

  it("allows a quantity of 0 (SPEC: only < 0 is refused); a missing quantity is 0", async () => {
    const { widget, bagel, customer, line } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await addItem(basketId, widget, 2), {});
    expectOk(await addItem(basketId, widget, 0), {});
    expectOk(await call("PUT", `/api/baskets/${basketId}/addItem`, { productId: widget }), {});
    expectOk(await call("PUT", `/api/baskets/${basketId}/addItem`, { productId: widget, quantity: null }), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(2)]);
    // A first addition of 0 appends a line of quantity 0 (SPEC §3.2 "otherwise the item is appended").
    expectOk(await addItem(basketId, bagel, 0), {});
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(2), line.bagel(0)]);
  });

  it("refuses a negative quantity and changes nothing", async () => {
    const { widget, bagel, customer, line } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await addItem(basketId, widget, 2), {});
    negativeQuantity(await addItem(basketId, widget, -1));
    negativeQuantity(await addItem(basketId, bagel, -1));
    negativeQuantity(await removeItem(basketId, widget, -1));
    // The quantity check comes before "not in the basket".
    negativeQuantity(await removeItem(basketId, bagel, -1));
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(2)]);
  });

  it("answers 400 `invalid request: quantity` for a non-integer or non-number quantity", async () => {
    const { widget, customer, line } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await addItem(basketId, widget, 1), {});
    for (const path of [`/api/baskets/${basketId}/addItem`, `/api/baskets/${basketId}/removeItem`]) {
      for (const quantity of [1.5, "2", -0.5, true, [1], { n: 1 }]) {
        invalid(await call("PUT", path, { productId: widget, quantity }), "invalid request: quantity");
      }
      invalid(await call("PUT", path, `{"productId":"${widget}","quantity":1e400}`), "invalid request: quantity");
      invalid(await call("PUT", path, { productId: 5, quantity: 1 }), "invalid request: productId");
      invalid(await call("PUT", path, { productId: [widget], quantity: 1 }), "invalid request: productId");
      const malformed = await call("PUT", path, `{"productId":"${widget}","quantity":`);
      expect(malformed.status).toBe(400);
      expect(malformed.body).toStrictEqual({ code: 3, message: expect.stringMatching(/^invalid request: .+/), details: [] });
    }
    // Input validation comes before any lookup: an unknown basket still answers 400.
    invalid(await call("PUT", `/api/baskets/${unknownId()}/addItem`, { productId: widget, quantity: "2" }), "invalid request: quantity");
    invalid(await call("PUT", `/api/baskets/${unknownId()}/checkout`, { paymentId: 5 }), "invalid request: paymentId");
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(1)]);
  });
});

describe("error check order (SPEC §3.2)", () => {
  it("AddItem: basket exists → product lookup → status open → quantity", async () => {
    const { widget } = await mall();
    const ghost = unknownId();
    // 1 before 2: an unknown basket with an unknown product is a missing basket.
    basketNotFound(await addItem(unknownId(), ghost, 1));
    basketNotFound(await addItem(unknownId(), widget, 1));
    basketNotFound(await addItem(unknownId(), ghost, -1));
    basketNotFound(await addItem(unknownId(), "", 1));

    const open = await openBasketWith(widget);
    // 2 before 5.
    productNotLocated(await addItem(open, ghost, 1));
    productNotLocated(await addItem(open, ghost, -1));
    // A missing productId is "" → not located (R6 example: unknown product → 404).
    productNotLocated(await call("PUT", `/api/baskets/${open}/addItem`, { quantity: 1 }));
    productNotLocated(await call("PUT", `/api/baskets/${open}/addItem`, {}));

    const canceled = await openBasketWith(widget);
    expectOk(await cancel(canceled), {});
    // 2 before 4.
    productNotLocated(await addItem(canceled, ghost, 1));
    // 4 before 5.
    cannotModify(await addItem(canceled, widget, -1));
  });

  it("RemoveItem: product known → basket exists → status open → quantity → not in basket", async () => {
    const { widget, bagel } = await mall();
    const ghost = unknownId();
    // 1 before 2: an unknown product on an unknown basket is "not located".
    productNotLocated(await removeItem(unknownId(), ghost, 1));
    productNotLocated(await removeItem(unknownId(), ghost, -1));
    basketNotFound(await removeItem(unknownId(), widget, 1));
    basketNotFound(await removeItem(unknownId(), widget, -1));

    const canceled = await openBasketWith(widget);
    expectOk(await cancel(canceled), {});
    productNotLocated(await removeItem(canceled, ghost, 1));
    // 3 before 4.
    cannotModify(await removeItem(canceled, widget, -1));
    cannotModify(await removeItem(canceled, bagel, 1));

    const open = await openBasketWith(widget);
    productNotLocated(await removeItem(open, ghost, 1));
    productNotLocated(await call("PUT", `/api/baskets/${open}/removeItem`, {}));
    // 4 before 5.
    negativeQuantity(await removeItem(open, bagel, -1));
    expectOk(await removeItem(open, bagel, 1), {});
  });

  it("CancelBasket: exists → status open", async () => {
    basketNotFound(await cancel(unknownId()));
    basketNotFound(await cancel("unknown"));
  });

  it("CheckoutBasket: exists → status open → has items → payment id", async () => {
    const { widget, customer, line } = await mall();
    basketNotFound(await checkout(unknownId(), "PAY"));
    basketNotFound(await checkout(unknownId(), ""));

    const empty = await startBasket(customer);
    checkoutNoItems(await checkout(empty, "PAY"));
    checkoutNoItems(await checkout(empty, ""));
    // An emptied basket has no items either.
    expectOk(await addItem(empty, widget, 1), {});
    expectOk(await removeItem(empty, widget, 1), {});
    checkoutNoItems(await checkout(empty, "PAY"));

    const full = await startBasket(customer);
    expectOk(await addItem(full, widget, 1), {});
    checkoutBlankPayment(await checkout(full, ""));
    checkoutBlankPayment(await checkout(full, "  "));
    checkoutBlankPayment(await call("PUT", `/api/baskets/${full}/checkout`, {}));
    checkoutBlankPayment(await call("PUT", `/api/baskets/${full}/checkout`));
    checkoutBlankPayment(await call("PUT", `/api/baskets/${full}/checkout`, { paymentId: null }));
    expectOk(await getBasket(full), { basket: { id: full, customerId: customer, paymentId: "", status: "open", items: [line.widget(1)] } });

    // snake_case payment_id; the payment's existence is not checked here (the saga does it).
    expectOk(await call("PUT", `/api/baskets/${full}/checkout`, { payment_id: "PAY-unchecked" }), {});
    expectOk(await getBasket(full), {
      basket: { id: full, customerId: customer, paymentId: "PAY-unchecked", status: "checked_out", items: [line.widget(1)] },
    });
    checkoutCannotModify(await checkout(full, ""));
    checkoutCannotModify(await checkout(full, "PAY-2"));
  });

  it("R6: the listed input errors", async () => {
    const { widget, customer } = await mall();
    const basketId = await startBasket(customer);
    productNotLocated(await addItem(basketId, "unknown", 1));
    negativeQuantity(await addItem(basketId, widget, -1));
    checkoutNoItems(await checkout(basketId, "PAY"));
    basketNotFound(await getBasket("unknown"));
  });
});

describe("concurrency", () => {
  it("50 parallel addItem requests on one basket all succeed and sum into one line", async () => {
    const storeId = await createStore("Rush Store", "Level 9");
    // A fresh product, so the parallel requests also race on the read-through fallback.
    const productId = await addProduct(storeId, { name: "Hot Item", price: 4.2 });
    const customer = await registerCustomer();
    const basketId = await startBasket(customer);

    const quantities = Array.from({ length: 50 }, (_, i) => i + 1);
    const replies = await Promise.all(quantities.map((q) => addItem(basketId, productId, q)));
    expect(replies.map((r) => ({ status: r.status, body: r.body }))).toStrictEqual(quantities.map(() => ({ status: 200, body: {} })));

    const total = quantities.reduce((a, b) => a + b, 0); // 1275
    expectOk(await getBasket(basketId), {
      basket: {
        id: basketId,
        customerId: customer,
        paymentId: "",
        status: "open",
        items: [{ storeId, productId, storeName: "Rush Store", productName: "Hot Item", productPrice: 4.2, quantity: total }],
      },
    });
  });

  it("parallel adds and removes of products from two stores land exactly", async () => {
    const { widget, bagel, customer, line } = await mall();
    const basketId = await startBasket(customer);
    expectOk(await addItem(basketId, widget, 100), {});
    const work = [
      ...Array.from({ length: 20 }, (_, i) => addItem(basketId, bagel, (i % 5) + 1)), // 20 × avg 3 = 60
      ...Array.from({ length: 20 }, () => removeItem(basketId, widget, 2)), // −40
      ...Array.from({ length: 10 }, () => addItem(basketId, widget, 1)), // +10
    ];
    const replies = await Promise.all(work);
    expect(replies.map((r) => ({ status: r.status, body: r.body }))).toStrictEqual(work.map(() => ({ status: 200, body: {} })));
    expect(await itemsOf(basketId)).toStrictEqual([line.widget(70), line.bagel(60)]);
  });
});
