import { describe, expect, it } from "vitest";
import { basketsApi } from "../../src/baskets/contract";
import {
  type Basket,
  type BasketCommand,
  type BasketEvent,
  type BasketItem,
  basketDecider,
  basketNotFound,
  basketType,
  basketView,
  type ProductLookup,
  productLookupFailed,
  productNotLocated,
  storeLookupFailed,
} from "../../src/baskets/domain";
import { fold } from "../../src/kernel/decider";
import { Code, type ErrorCode, type ErrorInfo } from "../../src/kernel/errors";
import { given } from "./given-when-then";

const BASKET_ID = "9a1d2c3b-4444-4eee-8fff-000000000004";
const CUSTOMER_ID = "9a1d2c3b-5555-4eee-8fff-000000000005";
const PAYMENT_ID = "9a1d2c3b-6666-4eee-8fff-000000000006";
const STORE_1 = "9a1d2c3b-7777-4eee-8fff-000000000007";
const STORE_2 = "9a1d2c3b-8888-4eee-8fff-000000000008";
const GIN = "9a1d2c3b-aaaa-4eee-8fff-00000000000a";
const TONIC = "9a1d2c3b-bbbb-4eee-8fff-00000000000b";
const LIME = "9a1d2c3b-cccc-4eee-8fff-00000000000c";

const BASKET_NOT_FOUND = "basket with that ID does not exist";
const CANNOT_MODIFY = "the basket cannot be modified";
const NEGATIVE_QUANTITY = "the item quantity cannot be negative";
const CANNOT_CANCEL = "the basket cannot be cancelled";
const CUSTOMER_BLANK = "the customer id cannot be blank";
const CHECKOUT_CANNOT_MODIFY = "baskets checkout: the basket cannot be modified";
const CHECKOUT_NO_ITEMS = "baskets checkout: the basket has no items";
const CHECKOUT_PAYMENT_BLANK = "baskets checkout: the payment id cannot be blank";
const NOT_LOCATED = "product fallback failed: product was not located";
const REQUESTING = "product fallback failed: requesting product";
const STORE_FALLBACK = "store fallback failed";
const QUANTITY_OVER = "the item quantity cannot exceed 10000";
const TOO_MANY_LINES = "the basket cannot hold more than 100 items";

// ---- fixtures ----------------------------------------------------------------------------------

type Line = Omit<BasketItem, "quantity">;

const gin: Line = { storeId: STORE_1, productId: GIN, storeName: "Bottle Shop", productName: "Gin", productPrice: 24.99 };
const tonic: Line = { storeId: STORE_1, productId: TONIC, storeName: "Bottle Shop", productName: "Tonic", productPrice: 2.5 };
const lime: Line = { storeId: STORE_2, productId: LIME, storeName: "Greengrocer", productName: "Lime", productPrice: 0.3 };

const found = (item: Line): ProductLookup => ({ ok: true, item });
const failed = (error: ErrorInfo): ProductLookup => ({ ok: false, error });
const notLocated = failed({ code: Code.NotFound, message: NOT_LOCATED });
const requestFailed = failed({ code: Code.Internal, message: REQUESTING });
const storeFailed = failed({ code: Code.Internal, message: STORE_FALLBACK });
const LOOKUP_FAILURES: [string, ProductLookup, ErrorCode, string][] = [
  ["not located", notLocated, Code.NotFound, NOT_LOCATED],
  ["requesting product", requestFailed, Code.Internal, REQUESTING],
  ["store fallback", storeFailed, Code.Internal, STORE_FALLBACK],
];

const started = (customerId = CUSTOMER_ID): BasketEvent => ({ name: "baskets.BasketStarted", payload: { customerId } });
const itemAdded = (line: Line, quantity: number): BasketEvent => ({
  name: "baskets.BasketItemAdded",
  payload: { item: { ...line, quantity } },
});
const itemRemoved = (productId: string, quantity: number): BasketEvent => ({
  name: "baskets.BasketItemRemoved",
  payload: { productId, quantity },
});
const canceled: BasketEvent = { name: "baskets.BasketCanceled", payload: {} };
const checkedOut = (paymentId = PAYMENT_ID): BasketEvent => ({ name: "baskets.BasketCheckedOut", payload: { paymentId } });

const basket = (...events: BasketEvent[]) => given<BasketCommand, BasketEvent, Basket>(basketDecider, BASKET_ID, events);

const addItem = (product: ProductLookup, quantity: number): BasketCommand => ({ type: "AddItem", product, quantity });
const removeItem = (productId: string, product: ProductLookup, quantity: number): BasketCommand => ({
  type: "RemoveItem",
  productId,
  product,
  quantity,
});

const BLANKS = ["", " ", "   ", "\t", "\n \t"];

// ---- decide ------------------------------------------------------------------------------------

describe("Basket decider", () => {
  describe("StartBasket", () => {
    it("records BasketStarted with the customer id and opens the basket", () => {
      const { state } = basket()
        .when({ type: "StartBasket", customerId: CUSTOMER_ID })
        .then([{ name: "baskets.BasketStarted", payload: { customerId: CUSTOMER_ID } }]);
      expect(state).toEqual({ id: BASKET_ID, customerId: CUSTOMER_ID, paymentId: "", status: "open", items: [], version: 1 });
    });

    it("does not check that the customer exists (any non-blank id is accepted)", () => {
      basket().when({ type: "StartBasket", customerId: "no-such-customer" }).then([started("no-such-customer")]);
    });

    it.each(BLANKS)("rejects a blank customer id %j", (customerId) => {
      basket().when({ type: "StartBasket", customerId }).thenFails(Code.InvalidArgument, CUSTOMER_BLANK);
    });

    it("rejects an existing basket, in every status, before the customer id check", () => {
      for (const history of [[started()], [started(), canceled], [started(), itemAdded(gin, 1), checkedOut()]]) {
        basket(...history).when({ type: "StartBasket", customerId: CUSTOMER_ID }).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(...history).when({ type: "StartBasket", customerId: "" }).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
      }
    });
  });

  describe("AddItem", () => {
    it("records BasketItemAdded with the looked-up names and price and the quantity", () => {
      const { state } = basket(started())
        .when(addItem(found(gin), 2))
        .then([
          {
            name: "baskets.BasketItemAdded",
            payload: {
              item: {
                storeId: STORE_1,
                productId: GIN,
                storeName: "Bottle Shop",
                productName: "Gin",
                productPrice: 24.99,
                quantity: 2,
              },
            },
          },
        ]);
      expect(state.items).toEqual([{ ...gin, quantity: 2 }]);
      expect(state.version).toBe(2);
    });

    it("allows a quantity of 0 (the event is still recorded)", () => {
      const { state } = basket(started()).when(addItem(found(gin), 0)).then([itemAdded(gin, 0)]);
      expect(state.items).toEqual([{ ...gin, quantity: 0 }]);
    });

    it.each([-1, -2, -100])("rejects a negative quantity %d", (quantity) => {
      basket(started()).when(addItem(found(gin), quantity)).thenFails(Code.InvalidArgument, NEGATIVE_QUANTITY);
    });

    it.each(LOOKUP_FAILURES)("passes the lookup error through (%s)", (_, lookup, code, message) => {
      basket(started()).when(addItem(lookup, 1)).thenFails(code, message);
    });

    it("passes any lookup error through unchanged", () => {
      basket(started())
        .when(addItem(failed({ code: Code.NotFound, message: "something else" }), 1))
        .thenFails(Code.NotFound, "something else");
    });

    it("rejects a basket that is not open", () => {
      basket(started(), canceled).when(addItem(found(gin), 1)).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
      basket(started(), itemAdded(gin, 1), checkedOut())
        .when(addItem(found(tonic), 1))
        .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
    });

    describe("limits (SPEC §2.8)", () => {
      const product = (n: number): Line => ({ ...tonic, productId: `product-${n}`, productName: `Product ${n}` });
      /** A basket with `lines` distinct products, one of each; gin is not among them. */
      const withLines = (lines: number) => [started(), ...Array.from({ length: lines }, (_, n) => itemAdded(product(n), 1))];

      it("lets a line reach exactly 10000", () => {
        const { state } = basket(started(), itemAdded(gin, 9_999)).when(addItem(found(gin), 1)).then([itemAdded(gin, 1)]);
        expect(state.items).toEqual([{ ...gin, quantity: 10_000 }]);
        basket(started()).when(addItem(found(gin), 10_000)).then([itemAdded(gin, 10_000)]);
      });

      it("rejects a line going over 10000, counting what the line already holds", () => {
        basket(started(), itemAdded(gin, 9_999)).when(addItem(found(gin), 2)).thenFails(Code.InvalidArgument, QUANTITY_OVER);
        basket(started(), itemAdded(gin, 10_000)).when(addItem(found(gin), 1)).thenFails(Code.InvalidArgument, QUANTITY_OVER);
        basket(started()).when(addItem(found(gin), 10_001)).thenFails(Code.InvalidArgument, QUANTITY_OVER);
      });

      it("counts only the product's own line, and what is left after a removal", () => {
        basket(started(), itemAdded(tonic, 10_000)).when(addItem(found(gin), 10_000)).then([itemAdded(gin, 10_000)]);
        basket(started(), itemAdded(gin, 10_000), itemRemoved(GIN, 1)).when(addItem(found(gin), 1)).then([itemAdded(gin, 1)]);
      });

      it("accepts a 100th distinct product", () => {
        const { state } = basket(...withLines(99)).when(addItem(found(gin), 1)).then([itemAdded(gin, 1)]);
        expect(state.items).toHaveLength(100);
      });

      it("rejects a 101st distinct product, even with a quantity of 0", () => {
        basket(...withLines(100)).when(addItem(found(gin), 1)).thenFails(Code.InvalidArgument, TOO_MANY_LINES);
        basket(...withLines(100)).when(addItem(found(gin), 0)).thenFails(Code.InvalidArgument, TOO_MANY_LINES);
      });

      it("still adds to a product already in a full basket", () => {
        basket(...withLines(100)).when(addItem(found(product(7)), 5)).then([itemAdded(product(7), 5)]);
      });

      it("comes after the documented checks 1-5", () => {
        basket().when(addItem(found(gin), 10_001)).thenFails(Code.NotFound, BASKET_NOT_FOUND);
        for (const [, lookup, code, message] of LOOKUP_FAILURES) {
          basket(...withLines(100)).when(addItem(lookup, 10_001)).thenFails(code, message);
        }
        basket(...withLines(100), checkedOut()).when(addItem(found(gin), 10_001)).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(...withLines(100)).when(addItem(found(gin), -1)).thenFails(Code.InvalidArgument, NEGATIVE_QUANTITY);
      });

      it("checks the line's quantity before the number of products", () => {
        basket(...withLines(100)).when(addItem(found(gin), 10_001)).thenFails(Code.InvalidArgument, QUANTITY_OVER);
      });
    });

    describe("check order", () => {
      it("1 existence comes before the lookup, the status and the quantity", () => {
        basket().when(addItem(found(gin), 1)).thenFails(Code.NotFound, BASKET_NOT_FOUND);
        for (const [, lookup] of LOOKUP_FAILURES) {
          basket().when(addItem(lookup, -1)).thenFails(Code.NotFound, BASKET_NOT_FOUND);
        }
      });

      it("2/3 the lookup error comes before the status and the quantity", () => {
        for (const [, lookup, code, message] of LOOKUP_FAILURES) {
          basket(started(), canceled).when(addItem(lookup, -1)).thenFails(code, message);
          basket(started(), itemAdded(gin, 1), checkedOut()).when(addItem(lookup, 1)).thenFails(code, message);
          basket(started()).when(addItem(lookup, -1)).thenFails(code, message);
        }
      });

      it("4 the status comes before the quantity", () => {
        basket(started(), canceled).when(addItem(found(gin), -1)).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(started(), itemAdded(gin, 1), checkedOut())
          .when(addItem(found(gin), -1))
          .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
      });
    });
  });

  describe("RemoveItem", () => {
    it("records BasketItemRemoved {productId, quantity}", () => {
      const { state } = basket(started(), itemAdded(gin, 3))
        .when(removeItem(GIN, found(gin), 1))
        .then([{ name: "baskets.BasketItemRemoved", payload: { productId: GIN, quantity: 1 } }]);
      expect(state.items).toEqual([{ ...gin, quantity: 2 }]);
      expect(state.version).toBe(3);
    });

    it("removes a line whose product can no longer be looked up (e.g. removed since)", () => {
      for (const [, lookup] of LOOKUP_FAILURES) {
        const { state } = basket(started(), itemAdded(gin, 2), itemAdded(tonic, 1))
          .when(removeItem(GIN, lookup, 2))
          .then([itemRemoved(GIN, 2)]);
        expect(state.items).toEqual([{ ...tonic, quantity: 1 }]);
      }
    });

    it("succeeds with no event when the product is not in the basket", () => {
      const { state } = basket(started(), itemAdded(gin, 1)).when(removeItem(TONIC, found(tonic), 1)).then([]);
      expect(state.version).toBe(2);
      basket(started()).when(removeItem(GIN, found(gin), 5)).then([]);
    });

    it("allows a quantity of 0 (the event is still recorded, the line stays)", () => {
      const { state } = basket(started(), itemAdded(gin, 2)).when(removeItem(GIN, found(gin), 0)).then([itemRemoved(GIN, 0)]);
      expect(state.items).toEqual([{ ...gin, quantity: 2 }]);
    });

    it("allows removing more than the line holds (the line is deleted)", () => {
      const { state } = basket(started(), itemAdded(gin, 2)).when(removeItem(GIN, found(gin), 5)).then([itemRemoved(GIN, 5)]);
      expect(state.items).toEqual([]);
    });

    it.each([-1, -2, -100])("rejects a negative quantity %d", (quantity) => {
      basket(started(), itemAdded(gin, 1)).when(removeItem(GIN, found(gin), quantity)).thenFails(Code.InvalidArgument, NEGATIVE_QUANTITY);
    });

    it("rejects a basket that is not open", () => {
      basket(started(), itemAdded(gin, 1), canceled)
        .when(removeItem(GIN, found(gin), 1))
        .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
      basket(started(), itemAdded(gin, 1), checkedOut())
        .when(removeItem(GIN, found(gin), 1))
        .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
    });

    it("identifies the line by the command's productId", () => {
      // The lookup answered for another product: the line of the requested product is still removed.
      basket(started(), itemAdded(gin, 2)).when(removeItem(GIN, found(tonic), 1)).then([itemRemoved(GIN, 1)]);
      // and a line of the looked-up product is not touched when the requested one is not in the basket
      basket(started(), itemAdded(tonic, 2)).when(removeItem(GIN, found(tonic), 1)).then([]);
    });

    describe("check order", () => {
      it.each(LOOKUP_FAILURES)(
        "1 an unknown product (%s) fails before existence, status, quantity and the not-in-basket success",
        (_, lookup, code, message) => {
          basket().when(removeItem(LIME, lookup, -1)).thenFails(code, message);
          basket(started(), canceled).when(removeItem(LIME, lookup, -1)).thenFails(code, message);
          basket(started(), itemAdded(gin, 1), checkedOut()).when(removeItem(LIME, lookup, 1)).thenFails(code, message);
          basket(started(), itemAdded(gin, 1)).when(removeItem(LIME, lookup, -1)).thenFails(code, message);
          basket(started(), itemAdded(gin, 1)).when(removeItem(LIME, lookup, 1)).thenFails(code, message);
        },
      );

      it("a line of a canceled basket is gone, so the lookup error wins there", () => {
        basket(started(), itemAdded(gin, 1), canceled).when(removeItem(GIN, notLocated, 1)).thenFails(Code.NotFound, NOT_LOCATED);
      });

      it("2 existence comes after a successful lookup and before status and quantity", () => {
        basket().when(removeItem(GIN, found(gin), 1)).thenFails(Code.NotFound, BASKET_NOT_FOUND);
        basket().when(removeItem(GIN, found(gin), -1)).thenFails(Code.NotFound, BASKET_NOT_FOUND);
      });

      it("3 the status comes before the quantity and the not-in-basket success", () => {
        basket(started(), itemAdded(gin, 1), checkedOut())
          .when(removeItem(GIN, found(gin), -1))
          .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(started(), itemAdded(gin, 1), checkedOut())
          .when(removeItem(GIN, notLocated, -1))
          .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(started(), itemAdded(gin, 1), checkedOut())
          .when(removeItem(TONIC, found(tonic), 1))
          .thenFails(Code.InvalidArgument, CANNOT_MODIFY);
        basket(started(), canceled).when(removeItem(TONIC, found(tonic), 1)).thenFails(Code.InvalidArgument, CANNOT_MODIFY);
      });

      it("4 the quantity comes before the not-in-basket success", () => {
        basket(started(), itemAdded(gin, 1))
          .when(removeItem(TONIC, found(tonic), -1))
          .thenFails(Code.InvalidArgument, NEGATIVE_QUANTITY);
        basket(started(), itemAdded(gin, 1))
          .when(removeItem(GIN, storeFailed, -1))
          .thenFails(Code.InvalidArgument, NEGATIVE_QUANTITY);
      });
    });
  });

  describe("CancelBasket", () => {
    it("records BasketCanceled on an open basket, emptying it", () => {
      const { state } = basket(started(), itemAdded(gin, 1), itemAdded(tonic, 2))
        .when({ type: "CancelBasket" })
        .then([{ name: "baskets.BasketCanceled", payload: {} }]);
      expect(state).toEqual({ id: BASKET_ID, customerId: CUSTOMER_ID, paymentId: "", status: "canceled", items: [], version: 4 });
    });

    it("cancels an empty open basket", () => {
      basket(started()).when({ type: "CancelBasket" }).then([canceled]);
    });

    it("rejects a basket that is not open", () => {
      basket(started(), canceled).when({ type: "CancelBasket" }).thenFails(Code.InvalidArgument, CANNOT_CANCEL);
      basket(started(), itemAdded(gin, 1), checkedOut())
        .when({ type: "CancelBasket" })
        .thenFails(Code.InvalidArgument, CANNOT_CANCEL);
    });

    it("answers 404 for a basket that does not exist", () => {
      basket().when({ type: "CancelBasket" }).thenFails(Code.NotFound, BASKET_NOT_FOUND);
    });
  });

  describe("CheckoutBasket", () => {
    it("records BasketCheckedOut with the payment id", () => {
      const { state } = basket(started(), itemAdded(gin, 1))
        .when({ type: "CheckoutBasket", paymentId: PAYMENT_ID })
        .then([{ name: "baskets.BasketCheckedOut", payload: { paymentId: PAYMENT_ID } }]);
      expect(state).toEqual({
        id: BASKET_ID,
        customerId: CUSTOMER_ID,
        paymentId: PAYMENT_ID,
        status: "checked_out",
        items: [{ ...gin, quantity: 1 }],
        version: 3,
      });
    });

    it("does not check that the payment exists (any non-blank id is accepted)", () => {
      basket(started(), itemAdded(gin, 1)).when({ type: "CheckoutBasket", paymentId: "p" }).then([checkedOut("p")]);
    });

    it("accepts a basket whose only line has quantity 0 (it has an item)", () => {
      basket(started(), itemAdded(gin, 0)).when({ type: "CheckoutBasket", paymentId: PAYMENT_ID }).then([checkedOut()]);
    });

    it.each(BLANKS)("rejects a blank payment id %j", (paymentId) => {
      basket(started(), itemAdded(gin, 1))
        .when({ type: "CheckoutBasket", paymentId })
        .thenFails(Code.InvalidArgument, CHECKOUT_PAYMENT_BLANK);
    });

    it("rejects a basket with no items, including one whose lines were all removed", () => {
      basket(started()).when({ type: "CheckoutBasket", paymentId: PAYMENT_ID }).thenFails(Code.InvalidArgument, CHECKOUT_NO_ITEMS);
      basket(started(), itemAdded(gin, 2), itemRemoved(GIN, 2))
        .when({ type: "CheckoutBasket", paymentId: PAYMENT_ID })
        .thenFails(Code.InvalidArgument, CHECKOUT_NO_ITEMS);
    });

    it("rejects a basket that is not open", () => {
      basket(started(), itemAdded(gin, 1), checkedOut())
        .when({ type: "CheckoutBasket", paymentId: PAYMENT_ID })
        .thenFails(Code.InvalidArgument, CHECKOUT_CANNOT_MODIFY);
      basket(started(), itemAdded(gin, 1), canceled)
        .when({ type: "CheckoutBasket", paymentId: PAYMENT_ID })
        .thenFails(Code.InvalidArgument, CHECKOUT_CANNOT_MODIFY);
    });

    describe("check order", () => {
      it("existence comes first", () => {
        basket().when({ type: "CheckoutBasket", paymentId: "" }).thenFails(Code.NotFound, BASKET_NOT_FOUND);
        basket().when({ type: "CheckoutBasket", paymentId: PAYMENT_ID }).thenFails(Code.NotFound, BASKET_NOT_FOUND);
      });

      it("then the status (a canceled basket has no items and no payment id given)", () => {
        basket(started(), canceled).when({ type: "CheckoutBasket", paymentId: "" }).thenFails(Code.InvalidArgument, CHECKOUT_CANNOT_MODIFY);
      });

      it("then the items, before the payment id", () => {
        basket(started()).when({ type: "CheckoutBasket", paymentId: " " }).thenFails(Code.InvalidArgument, CHECKOUT_NO_ITEMS);
      });
    });
  });
});

// ---- evolve ------------------------------------------------------------------------------------

describe("Basket evolve", () => {
  it("starts empty with no status at version 0", () => {
    expect(basketDecider.initialState(BASKET_ID)).toEqual({
      id: BASKET_ID,
      customerId: "",
      paymentId: "",
      status: "",
      items: [],
      version: 0,
    });
  });

  it("adding the same product again adds the quantities and keeps the first addition's names and price", () => {
    const renamed: Line = { ...gin, storeName: "Bottle Shop II", productName: "Gin (new)", productPrice: 29.99 };
    const { state } = basket(started(), itemAdded(gin, 2)).when(addItem(found(renamed), 3)).then([itemAdded(renamed, 3)]);
    expect(state.items).toEqual([{ ...gin, quantity: 5 }]);
  });

  it("keeps items in the order of their first addition", () => {
    const state = fold(basketDecider, BASKET_ID, [
      started(),
      itemAdded(gin, 1),
      itemAdded(tonic, 1),
      itemAdded(lime, 1),
      itemAdded(gin, 1),
      itemAdded(tonic, 4),
    ]);
    expect(state.items.map((i) => [i.productId, i.quantity])).toEqual([
      [GIN, 2],
      [TONIC, 5],
      [LIME, 1],
    ]);
  });

  it("a line removed entirely and added again goes to the end with the new names and price", () => {
    const renamed: Line = { ...gin, productName: "Gin (new)", productPrice: 19.99 };
    const state = fold(basketDecider, BASKET_ID, [
      started(),
      itemAdded(gin, 1),
      itemAdded(tonic, 1),
      itemRemoved(GIN, 1),
      itemAdded(renamed, 2),
    ]);
    expect(state.items).toEqual([
      { ...tonic, quantity: 1 },
      { ...renamed, quantity: 2 },
    ]);
  });

  it.each([
    [5, 2, [3]],
    [5, 4, [1]],
    [5, 5, []],
    [5, 6, []],
    [5, 0, [5]],
    [0, 0, []],
  ])("removing from a line of %d the quantity %d leaves %j", (had, removed, left) => {
    const state = fold(basketDecider, BASKET_ID, [
      started(),
      itemAdded(tonic, 1),
      itemAdded(gin, had),
      itemAdded(lime, 1),
      itemRemoved(GIN, removed),
    ]);
    expect(state.items.filter((i) => i.productId === GIN).map((i) => i.quantity)).toEqual(left);
    // the other lines and their order are untouched
    expect(state.items.map((i) => i.productId)).toEqual(left.length ? [TONIC, GIN, LIME] : [TONIC, LIME]);
    expect(state.items.find((i) => i.productId === GIN)).toEqual(left.length ? { ...gin, quantity: left[0] } : undefined);
  });

  it("removing a product that has no line changes nothing but the version", () => {
    const before = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1)]);
    const after = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1), itemRemoved(TONIC, 1)]);
    expect(after).toEqual({ ...before, version: 3 });
  });

  it("cancel empties the items and sets status canceled", () => {
    const state = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1), itemAdded(lime, 2), canceled]);
    expect(state).toEqual({ id: BASKET_ID, customerId: CUSTOMER_ID, paymentId: "", status: "canceled", items: [], version: 4 });
  });

  it("checkout sets the payment id and status checked_out, keeping the items", () => {
    const state = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1), itemAdded(lime, 2), checkedOut()]);
    expect(state).toEqual({
      id: BASKET_ID,
      customerId: CUSTOMER_ID,
      paymentId: PAYMENT_ID,
      status: "checked_out",
      items: [
        { ...gin, quantity: 1 },
        { ...lime, quantity: 2 },
      ],
      version: 4,
    });
  });

  it("does not mutate the state it folds", () => {
    const state = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1)]);
    const copy = JSON.parse(JSON.stringify(state));
    basketDecider.evolve(state, itemAdded(gin, 2));
    basketDecider.evolve(state, itemRemoved(GIN, 1));
    basketDecider.evolve(state, canceled);
    expect(state).toEqual(copy);
  });
});

// ---- published integration events --------------------------------------------------------------

describe("basketType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(basketType.name).toBe("baskets.Basket");
    expect(basketType.snapshotName).toBe("baskets.BasketV1");
    expect(basketType.decider).toBe(basketDecider);
    expect(basketType.notFound).toEqual({ code: 5, message: BASKET_NOT_FOUND });
    expect(basketNotFound).toEqual({ code: 5, message: BASKET_NOT_FOUND });
  });

  it("exports the lookup failures with their codes and texts", () => {
    expect(productNotLocated).toEqual({ code: 5, message: NOT_LOCATED });
    expect(productLookupFailed).toEqual({ code: 13, message: REQUESTING });
    expect(storeLookupFailed).toEqual({ code: 13, message: STORE_FALLBACK });
  });

  /** Publishes the given command's event the way the aggregate object does: with the state after it. */
  const publishOf = (history: BasketEvent[], command: BasketCommand) => {
    const g = basket(...history);
    const events = basketDecider.decide(command, g.state);
    expect(events).toHaveLength(1);
    const { state } = g.when(command).then(events);
    return basketType.publish(events[0]!, state);
  };

  it("StartBasket publishes basketsapi.BasketStarted {id, customerId}", () => {
    expect(publishOf([], { type: "StartBasket", customerId: CUSTOMER_ID })).toEqual([
      { name: "basketsapi.BasketStarted", payload: { id: BASKET_ID, customerId: CUSTOMER_ID } },
    ]);
  });

  it("CancelBasket publishes basketsapi.BasketCanceled {id}", () => {
    expect(publishOf([started(), itemAdded(gin, 1)], { type: "CancelBasket" })).toEqual([
      { name: "basketsapi.BasketCanceled", payload: { id: BASKET_ID } },
    ]);
  });

  it("CheckoutBasket publishes basketsapi.BasketCheckedOut with the lines in basket order, price = productPrice", () => {
    const renamed: Line = { ...tonic, productName: "Tonic (new)", productPrice: 3.1 };
    const history = [
      started(),
      itemAdded(tonic, 1),
      itemAdded(lime, 4),
      itemAdded(gin, 2),
      itemAdded(renamed, 2),
      itemRemoved(LIME, 1),
    ];
    expect(publishOf(history, { type: "CheckoutBasket", paymentId: PAYMENT_ID })).toEqual([
      {
        name: "basketsapi.BasketCheckedOut",
        payload: {
          id: BASKET_ID,
          customerId: CUSTOMER_ID,
          paymentId: PAYMENT_ID,
          items: [
            { storeId: STORE_1, productId: TONIC, storeName: "Bottle Shop", productName: "Tonic", price: 2.5, quantity: 3 },
            { storeId: STORE_2, productId: LIME, storeName: "Greengrocer", productName: "Lime", price: 0.3, quantity: 3 },
            { storeId: STORE_1, productId: GIN, storeName: "Bottle Shop", productName: "Gin", price: 24.99, quantity: 2 },
          ],
        },
      },
    ]);
  });

  it("item added and item removed publish nothing", () => {
    expect(publishOf([started()], addItem(found(gin), 2))).toEqual([]);
    expect(publishOf([started(), itemAdded(gin, 2)], removeItem(GIN, found(gin), 1))).toEqual([]);
    expect(publishOf([started(), itemAdded(gin, 2)], removeItem(GIN, found(gin), 2))).toEqual([]);
  });

  it("every published payload satisfies the context's contract", () => {
    const history: BasketEvent[] = [
      started(),
      itemAdded(gin, 2),
      itemAdded(lime, 1),
      itemRemoved(GIN, 1),
      checkedOut(),
    ];
    const published: string[] = [];
    let state = basketDecider.initialState(BASKET_ID);
    for (const event of [...history]) {
      state = { ...basketDecider.evolve(state, event), version: state.version + 1 };
      for (const m of basketType.publish(event, state)) {
        published.push(m.name);
        const schema = basketsApi[m.name as keyof typeof basketsApi];
        expect(schema, m.name).toBeDefined();
        expect(schema.safeParse(m.payload).success).toBe(true);
      }
    }
    const canceledState = fold(basketDecider, BASKET_ID, [started(), canceled]);
    for (const m of basketType.publish(canceled, canceledState)) {
      published.push(m.name);
      expect(basketsApi["basketsapi.BasketCanceled"].safeParse(m.payload).success).toBe(true);
    }
    expect(published).toEqual(["basketsapi.BasketStarted", "basketsapi.BasketCheckedOut", "basketsapi.BasketCanceled"]);
  });

  it("basketView exposes exactly {id, customerId, paymentId, status, items}", () => {
    const state = fold(basketDecider, BASKET_ID, [started(), itemAdded(gin, 1)]);
    expect(basketView(state)).toEqual({
      id: BASKET_ID,
      customerId: CUSTOMER_ID,
      paymentId: "",
      status: "open",
      items: [{ ...gin, quantity: 1 }],
    });
  });
});
