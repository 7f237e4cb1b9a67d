import { describe, expect, it } from "vitest";
import { fold } from "../../src/kernel/decider";
import { Code } from "../../src/kernel/errors";
import { productEvents, storeEvents, storesApi } from "../../src/stores/contract";

const storesDomain: Record<string, import("zod").ZodType> = { ...storeEvents, ...productEvents };
import {
  type Product,
  type ProductCommand,
  type ProductEvent,
  productDecider,
  productNotFound,
  productType,
  productView,
  type Store,
  type StoreCommand,
  type StoreEvent,
  storeDecider,
  storeNotFound,
  storeType,
  storeView,
} from "../../src/stores/domain";
import { given } from "./given-when-then";

const STORE_ID = "6f1c2b9e-1111-4aaa-8bbb-000000000001";
const PRODUCT_ID = "6f1c2b9e-2222-4aaa-8bbb-000000000002";

const STORE_NOT_FOUND = "store with that ID does not exist";
const PRODUCT_NOT_FOUND = "product with that ID does not exist";

// ---- fixtures ----------------------------------------------------------------------------------

const storeCreated = (name = "Waldorf Books", location = "Level 1"): StoreEvent => ({
  name: "stores.StoreCreated",
  payload: { name, location },
});
const participationEnabled: StoreEvent = { name: "stores.StoreParticipationEnabled", payload: {} };
const participationDisabled: StoreEvent = { name: "stores.StoreParticipationDisabled", payload: {} };
const storeRebranded = (name: string): StoreEvent => ({ name: "stores.StoreRebranded", payload: { name } });

const productAdded = (
  over: Partial<{ storeId: string; name: string; description: string; sku: string; price: number }> = {},
): ProductEvent => ({
  name: "stores.ProductAdded",
  payload: { storeId: STORE_ID, name: "Gin", description: "London dry", sku: "GIN-1", price: 9.99, ...over },
});
const productRebranded = (name: string, description: string): ProductEvent => ({
  name: "stores.ProductRebranded",
  payload: { name, description },
});
const priceIncreased = (delta: number): ProductEvent => ({ name: "stores.ProductPriceIncreased", payload: { delta } });
const priceDecreased = (delta: number): ProductEvent => ({ name: "stores.ProductPriceDecreased", payload: { delta } });
const productRemoved: ProductEvent = { name: "stores.ProductRemoved", payload: {} };

const store = (...events: StoreEvent[]) => given<StoreCommand, StoreEvent, Store>(storeDecider, STORE_ID, events);
const product = (...events: ProductEvent[]) =>
  given<ProductCommand, ProductEvent, Product>(productDecider, PRODUCT_ID, events);

const addProduct = (
  over: Partial<{ storeId: string; name: string; description: string; sku: string; price: number }> = {},
): ProductCommand => ({
  type: "AddProduct",
  storeId: STORE_ID,
  name: "Gin",
  description: "London dry",
  sku: "GIN-1",
  price: 9.99,
  ...over,
});

const BLANKS = ["", " ", "   ", "\t", "\n \t"];

// ---- Store: decide -----------------------------------------------------------------------------

describe("Store decider", () => {
  describe("CreateStore", () => {
    it("records StoreCreated with name and location", () => {
      const { state } = store()
        .when({ type: "CreateStore", name: "Waldorf Books", location: "Level 1" })
        .then([{ name: "stores.StoreCreated", payload: { name: "Waldorf Books", location: "Level 1" } }]);
      expect(state).toEqual({ id: STORE_ID, name: "Waldorf Books", location: "Level 1", participating: false, version: 1 });
    });

    it.each(BLANKS)("rejects a blank name %j", (name) => {
      store()
        .when({ type: "CreateStore", name, location: "Level 1" })
        .thenFails(Code.InvalidArgument, "the store name cannot be blank");
    });

    it.each(BLANKS)("rejects a blank location %j", (location) => {
      store()
        .when({ type: "CreateStore", name: "Books", location })
        .thenFails(Code.InvalidArgument, "the store location cannot be blank");
    });

    it("checks the name before the location", () => {
      store()
        .when({ type: "CreateStore", name: "", location: "" })
        .thenFails(Code.InvalidArgument, "the store name cannot be blank");
    });

    it("does not recreate an existing store (reserved: IDs are server-generated)", () => {
      // SPEC §2.6: a create command on an existing aggregate fails; Stores does not give a text.
      store(storeCreated())
        .when({ type: "CreateStore", name: "Other", location: "Elsewhere" })
        .thenFails(Code.AlreadyExists, "the store already exists");
    });
  });

  describe("EnableParticipation", () => {
    it("records StoreParticipationEnabled on a non-participating store", () => {
      const { state } = store(storeCreated())
        .when({ type: "EnableParticipation" })
        .then([{ name: "stores.StoreParticipationEnabled", payload: {} }]);
      expect(state.participating).toBe(true);
      expect(state.version).toBe(2);
    });

    it("can re-enable after a disable", () => {
      store(storeCreated(), participationEnabled, participationDisabled)
        .when({ type: "EnableParticipation" })
        .then([participationEnabled]);
    });

    it("rejects an already participating store", () => {
      store(storeCreated(), participationEnabled)
        .when({ type: "EnableParticipation" })
        .thenFails(Code.InvalidArgument, "the store is already participating");
    });

    it("answers 404 for a store that does not exist", () => {
      store().when({ type: "EnableParticipation" }).thenFails(Code.NotFound, STORE_NOT_FOUND);
    });
  });

  describe("DisableParticipation", () => {
    it("records StoreParticipationDisabled on a participating store", () => {
      const { state } = store(storeCreated(), participationEnabled)
        .when({ type: "DisableParticipation" })
        .then([{ name: "stores.StoreParticipationDisabled", payload: {} }]);
      expect(state.participating).toBe(false);
      expect(state.version).toBe(3);
    });

    it("rejects a new store, which is not participating initially", () => {
      store(storeCreated())
        .when({ type: "DisableParticipation" })
        .thenFails(Code.InvalidArgument, "the store is already not participating");
    });

    it("rejects a store whose participation was disabled again", () => {
      store(storeCreated(), participationEnabled, participationDisabled)
        .when({ type: "DisableParticipation" })
        .thenFails(Code.InvalidArgument, "the store is already not participating");
    });

    it("checks existence first (a missing store is also not participating)", () => {
      store().when({ type: "DisableParticipation" }).thenFails(Code.NotFound, STORE_NOT_FOUND);
    });
  });

  describe("RebrandStore", () => {
    it("records StoreRebranded and keeps the location", () => {
      const { state } = store(storeCreated("Old", "Level 2"))
        .when({ type: "RebrandStore", name: "New" })
        .then([{ name: "stores.StoreRebranded", payload: { name: "New" } }]);
      expect(state).toMatchObject({ name: "New", location: "Level 2", version: 2 });
    });

    it("may rebrand to the same name", () => {
      store(storeCreated("Same")).when({ type: "RebrandStore", name: "Same" }).then([storeRebranded("Same")]);
    });

    it.each(BLANKS)("rejects a blank name %j", (name) => {
      store(storeCreated())
        .when({ type: "RebrandStore", name })
        .thenFails(Code.InvalidArgument, "the store name cannot be blank");
    });

    it("checks existence before the name", () => {
      store().when({ type: "RebrandStore", name: "" }).thenFails(Code.NotFound, STORE_NOT_FOUND);
      store().when({ type: "RebrandStore", name: "Fine" }).thenFails(Code.NotFound, STORE_NOT_FOUND);
    });
  });
});

// ---- Store: evolve -----------------------------------------------------------------------------

describe("Store evolve", () => {
  it("starts empty, not participating, at version 0", () => {
    expect(storeDecider.initialState(STORE_ID)).toEqual({
      id: STORE_ID,
      name: "",
      location: "",
      participating: false,
      version: 0,
    });
  });

  it("folds a whole history", () => {
    const state = fold(storeDecider, STORE_ID, [
      storeCreated("A", "L1"),
      participationEnabled,
      storeRebranded("B"),
      participationDisabled,
      participationEnabled,
      storeRebranded("C"),
    ]);
    expect(state).toEqual({ id: STORE_ID, name: "C", location: "L1", participating: true, version: 6 });
  });
});

// ---- Store: published integration events ------------------------------------------------------

describe("storeType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(storeType.name).toBe("stores.Store");
    expect(storeType.snapshotName).toBe("stores.StoreV1");
    expect(storeType.decider).toBe(storeDecider);
    expect(storeType.notFound).toEqual({ code: 5, message: STORE_NOT_FOUND });
    expect(storeNotFound).toEqual({ code: 5, message: STORE_NOT_FOUND });
  });

  /** Publishes the given command's event the way the aggregate object does: with the state after it. */
  const publishOf = (history: StoreEvent[], command: StoreCommand) => {
    const g = store(...history);
    const events = storeDecider.decide(command, g.state);
    expect(events).toHaveLength(1);
    const { state } = g.when(command).then(events);
    return storeType.publish(events[0]!, state);
  };

  it("CreateStore publishes storesapi.StoreCreated {id, name, location}", () => {
    expect(publishOf([], { type: "CreateStore", name: "Books", location: "Level 3" })).toEqual([
      { name: "storesapi.StoreCreated", payload: { id: STORE_ID, name: "Books", location: "Level 3" } },
    ]);
  });

  it("EnableParticipation publishes storesapi.StoreParticipatingToggled {id, participating: true}", () => {
    expect(publishOf([storeCreated()], { type: "EnableParticipation" })).toEqual([
      { name: "storesapi.StoreParticipatingToggled", payload: { id: STORE_ID, participating: true } },
    ]);
  });

  it("DisableParticipation publishes storesapi.StoreParticipatingToggled {id, participating: false}", () => {
    expect(publishOf([storeCreated(), participationEnabled], { type: "DisableParticipation" })).toEqual([
      { name: "storesapi.StoreParticipatingToggled", payload: { id: STORE_ID, participating: false } },
    ]);
  });

  it("RebrandStore publishes storesapi.StoreRebranded {id, name}", () => {
    expect(publishOf([storeCreated("Old")], { type: "RebrandStore", name: "New" })).toEqual([
      { name: "storesapi.StoreRebranded", payload: { id: STORE_ID, name: "New" } },
    ]);
  });

  it("every published payload satisfies the context's contract, and every stored event its schema", () => {
    const history: StoreEvent[] = [storeCreated(), participationEnabled, storeRebranded("X"), participationDisabled];
    let state = storeDecider.initialState(STORE_ID);
    for (const event of history) {
      expect(storesDomain[event.name]!.safeParse(event.payload).success).toBe(true);
      state = { ...storeDecider.evolve(state, event), version: state.version + 1 };
      for (const m of storeType.publish(event, state)) {
        const schema = storesApi[m.name as keyof typeof storesApi];
        expect(schema, m.name).toBeDefined();
        expect(schema.safeParse(m.payload).success).toBe(true);
      }
    }
  });

  it("storeView exposes exactly {id, name, location, participating}", () => {
    const state = fold(storeDecider, STORE_ID, [storeCreated("N", "L"), participationEnabled]);
    expect(storeView(state)).toEqual({ id: STORE_ID, name: "N", location: "L", participating: true });
  });
});

// ---- Product: decide ---------------------------------------------------------------------------

describe("Product decider", () => {
  describe("AddProduct", () => {
    it("records ProductAdded with every field", () => {
      const { state } = product()
        .when(addProduct())
        .then([
          {
            name: "stores.ProductAdded",
            payload: { storeId: STORE_ID, name: "Gin", description: "London dry", sku: "GIN-1", price: 9.99 },
          },
        ]);
      expect(state).toEqual({
        id: PRODUCT_ID,
        storeId: STORE_ID,
        name: "Gin",
        description: "London dry",
        sku: "GIN-1",
        price: 9.99,
        removed: false,
        version: 1,
      });
    });

    it("allows a price of 0", () => {
      const { state } = product().when(addProduct({ price: 0 })).then([productAdded({ price: 0 })]);
      expect(state.price).toBe(0);
    });

    it("allows a blank description and a blank sku", () => {
      product()
        .when(addProduct({ description: "", sku: "" }))
        .then([productAdded({ description: "", sku: "" })]);
      product()
        .when(addProduct({ description: "  ", sku: "\t" }))
        .then([productAdded({ description: "  ", sku: "\t" })]);
    });

    it.each(BLANKS)("rejects a blank name %j", (name) => {
      product()
        .when(addProduct({ name }))
        .thenFails(Code.InvalidArgument, "initializing product: the product name cannot be blank");
    });

    it.each([-0.01, -1, -1000])("rejects a negative price %d", (price) => {
      product()
        .when(addProduct({ price }))
        .thenFails(Code.InvalidArgument, "initializing product: the product price cannot be negative");
    });

    it("checks the name before the price", () => {
      product()
        .when(addProduct({ name: "", price: -1 }))
        .thenFails(Code.InvalidArgument, "initializing product: the product name cannot be blank");
    });

    it("does not re-add an existing product (reserved: IDs are server-generated)", () => {
      product(productAdded()).when(addProduct()).thenFails(Code.AlreadyExists, "the product already exists");
      product(productAdded(), productRemoved)
        .when(addProduct())
        .thenFails(Code.AlreadyExists, "the product already exists");
    });
  });

  describe("RebrandProduct", () => {
    it("records ProductRebranded with name and description", () => {
      const { state } = product(productAdded())
        .when({ type: "RebrandProduct", name: "Tonic", description: "Indian" })
        .then([{ name: "stores.ProductRebranded", payload: { name: "Tonic", description: "Indian" } }]);
      expect(state).toMatchObject({ name: "Tonic", description: "Indian", sku: "GIN-1", price: 9.99, version: 2 });
    });

    it("allows a blank description", () => {
      const { state } = product(productAdded())
        .when({ type: "RebrandProduct", name: "Tonic", description: "" })
        .then([productRebranded("Tonic", "")]);
      expect(state.description).toBe("");
    });

    it.each(BLANKS)("rejects a blank name %j", (name) => {
      product(productAdded())
        .when({ type: "RebrandProduct", name, description: "d" })
        .thenFails(Code.InvalidArgument, "the product name cannot be blank");
    });

    it("answers 404 for a missing or removed product, before the name check", () => {
      product().when({ type: "RebrandProduct", name: "", description: "" }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product().when({ type: "RebrandProduct", name: "Ok", description: "" }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product(productAdded(), productRemoved)
        .when({ type: "RebrandProduct", name: "", description: "" })
        .thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
    });
  });

  describe("IncreaseProductPrice", () => {
    it("records the delta = new − current, in whole cents (9.99 → 10.49 gives 0.5)", () => {
      const { events, state } = product(productAdded({ price: 9.99 }))
        .when({ type: "IncreaseProductPrice", price: 10.49 })
        .then([{ name: "stores.ProductPriceIncreased", payload: { delta: 0.5 } }]);
      expect((events[0]!.payload as { delta: number }).delta).toBe(0.5);
      expect(state.price).toBe(10.49);
      expect(state.version).toBe(2);
    });

    it("computes the delta in cents where float subtraction is inexact (10.1 → 10.3 gives 0.2)", () => {
      expect(10.3 - 10.1).not.toBe(0.2); // 0.20000000000000107: the test below would catch a naive delta
      const { state } = product(productAdded({ price: 10.1 }))
        .when({ type: "IncreaseProductPrice", price: 10.3 })
        .then([priceIncreased(0.2)]);
      expect(state.price).toBe(10.3);
    });

    it("allows an equal price with delta 0 (not −0)", () => {
      const { events, state } = product(productAdded({ price: 5 }))
        .when({ type: "IncreaseProductPrice", price: 5 })
        .then([priceIncreased(0)]);
      expect(Object.is((events[0]!.payload as { delta: number }).delta, 0)).toBe(true);
      expect(state.price).toBe(5);
    });

    it("increases from a price of 0", () => {
      const { state } = product(productAdded({ price: 0 }))
        .when({ type: "IncreaseProductPrice", price: 0.3 })
        .then([priceIncreased(0.3)]);
      expect(state.price).toBe(0.3);
    });

    it("compares against the current price after earlier changes", () => {
      // 0.10 + 0.20 = 0.30 in cents; a float sum (0.30000000000000004) would reject 0.30 as a decrease
      const g = product(productAdded({ price: 0.1 }), priceIncreased(0.2));
      expect(g.state.price).toBe(0.3);
      g.when({ type: "IncreaseProductPrice", price: 0.3 }).then([priceIncreased(0)]);
      g.when({ type: "IncreaseProductPrice", price: 0.29 }).thenFails(
        Code.InvalidArgument,
        "the price change would be a decrease",
      );
    });

    it.each([9.98, 0, -1])("rejects a lower price %d as a decrease", (price) => {
      product(productAdded({ price: 9.99 }))
        .when({ type: "IncreaseProductPrice", price })
        .thenFails(Code.InvalidArgument, "the price change would be a decrease");
    });

    it("answers 404 for a missing or removed product, before the price check", () => {
      product().when({ type: "IncreaseProductPrice", price: 1 }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product().when({ type: "IncreaseProductPrice", price: -1 }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product(productAdded(), productRemoved)
        .when({ type: "IncreaseProductPrice", price: 100 })
        .thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
    });
  });

  describe("DecreaseProductPrice", () => {
    it("records a negative delta in whole cents (10.49 → 9.99 gives −0.5)", () => {
      const { state } = product(productAdded({ price: 10.49 }))
        .when({ type: "DecreaseProductPrice", price: 9.99 })
        .then([{ name: "stores.ProductPriceDecreased", payload: { delta: -0.5 } }]);
      expect(state.price).toBe(9.99);
    });

    it("computes the delta in cents where float subtraction is inexact (10.3 → 10.1 gives −0.2)", () => {
      const { state } = product(productAdded({ price: 10.3 }))
        .when({ type: "DecreaseProductPrice", price: 10.1 })
        .then([priceDecreased(-0.2)]);
      expect(state.price).toBe(10.1);
    });

    it("decreases by one cent exactly", () => {
      const { state } = product(productAdded({ price: 10 }))
        .when({ type: "DecreaseProductPrice", price: 9.99 })
        .then([priceDecreased(-0.01)]);
      expect(state.price).toBe(9.99);
    });

    it("allows a decrease to 0", () => {
      const { state } = product(productAdded({ price: 9.99 }))
        .when({ type: "DecreaseProductPrice", price: 0 })
        .then([priceDecreased(-9.99)]);
      expect(state.price).toBe(0);
    });

    it("allows an equal price with delta 0 (delta ≤ 0)", () => {
      const { events } = product(productAdded({ price: 3.5 }))
        .when({ type: "DecreaseProductPrice", price: 3.5 })
        .then([priceDecreased(0)]);
      expect(Object.is((events[0]!.payload as { delta: number }).delta, 0)).toBe(true);
    });

    it("rejects a higher price as an increase", () => {
      product(productAdded({ price: 9.99 }))
        .when({ type: "DecreaseProductPrice", price: 10 })
        .thenFails(Code.InvalidArgument, "the price change would be an increase");
    });

    it("rejects a negative price", () => {
      product(productAdded({ price: 9.99 }))
        .when({ type: "DecreaseProductPrice", price: -0.01 })
        .thenFails(Code.InvalidArgument, "the product price cannot be negative");
      product(productAdded({ price: 0 }))
        .when({ type: "DecreaseProductPrice", price: -5 })
        .thenFails(Code.InvalidArgument, "the product price cannot be negative");
    });

    it("checks 'would be an increase' before 'cannot be negative'", () => {
      // Only reachable from a history with a negative current price: −1 < −0.5 < 0 fails both checks.
      product(productAdded({ price: -1 }))
        .when({ type: "DecreaseProductPrice", price: -0.5 })
        .thenFails(Code.InvalidArgument, "the price change would be an increase");
    });

    it("answers 404 for a missing or removed product, before the price checks", () => {
      // A missing product has price 0, so 1 would be an increase and −1 negative: 404 must win.
      product().when({ type: "DecreaseProductPrice", price: 1 }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product().when({ type: "DecreaseProductPrice", price: -1 }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
      product(productAdded(), productRemoved)
        .when({ type: "DecreaseProductPrice", price: 1 })
        .thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
    });
  });

  describe("RemoveProduct", () => {
    it("records ProductRemoved and marks the product removed", () => {
      const { state } = product(productAdded())
        .when({ type: "RemoveProduct" })
        .then([{ name: "stores.ProductRemoved", payload: {} }]);
      expect(state).toMatchObject({ removed: true, version: 2, name: "Gin", price: 9.99 });
    });

    it("answers 404 for a missing product", () => {
      product().when({ type: "RemoveProduct" }).thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
    });

    it("answers 404 for an already removed product", () => {
      product(productAdded(), productRemoved)
        .when({ type: "RemoveProduct" })
        .thenFails(Code.NotFound, PRODUCT_NOT_FOUND);
    });
  });
});

// ---- Product: evolve ---------------------------------------------------------------------------

describe("Product evolve", () => {
  it("starts empty, not removed, at version 0", () => {
    expect(productDecider.initialState(PRODUCT_ID)).toEqual({
      id: PRODUCT_ID,
      storeId: "",
      name: "",
      description: "",
      sku: "",
      price: 0,
      removed: false,
      version: 0,
    });
  });

  it("ProductAdded sets every product field but keeps the id", () => {
    const state = fold(productDecider, PRODUCT_ID, [
      productAdded({ storeId: "s-9", name: "N", description: "D", sku: "S", price: 1.23 }),
    ]);
    expect(state).toEqual({
      id: PRODUCT_ID,
      storeId: "s-9",
      name: "N",
      description: "D",
      sku: "S",
      price: 1.23,
      removed: false,
      version: 1,
    });
  });

  it("adds every delta in integer cents", () => {
    // In floats 0.1 + 0.2 = 0.30000000000000004; in cents it is exactly 0.3.
    expect(fold(productDecider, PRODUCT_ID, [productAdded({ price: 0.1 }), priceIncreased(0.2)]).price).toBe(0.3);
    expect(fold(productDecider, PRODUCT_ID, [productAdded({ price: 9.99 }), priceIncreased(0.5)]).price).toBe(10.49);
    const many = fold(productDecider, PRODUCT_ID, [
      productAdded({ price: 0 }),
      ...Array.from({ length: 10 }, () => priceIncreased(0.1)),
    ]);
    expect(many.price).toBe(1);
    expect(many.version).toBe(11);
    expect(
      fold(productDecider, PRODUCT_ID, [productAdded({ price: 10.49 }), priceDecreased(-0.5), priceDecreased(-9.99)])
        .price,
    ).toBe(0);
  });

  it("tolerates a float-noisy stored delta by working in cents", () => {
    // e.g. a delta computed as 10.3 − 10.1 = 0.20000000000000107 by some other writer
    expect(fold(productDecider, PRODUCT_ID, [productAdded({ price: 10.1 }), priceIncreased(10.3 - 10.1)]).price).toBe(
      10.3,
    );
  });

  it("rebrand sets name and description only; remove sets removed only", () => {
    const state = fold(productDecider, PRODUCT_ID, [
      productAdded(),
      productRebranded("Tonic", ""),
      priceDecreased(-0.99),
      productRemoved,
    ]);
    expect(state).toEqual({
      id: PRODUCT_ID,
      storeId: STORE_ID,
      name: "Tonic",
      description: "",
      sku: "GIN-1",
      price: 9,
      removed: true,
      version: 4,
    });
  });
});

// ---- Product: published integration events ----------------------------------------------------

describe("productType", () => {
  it("names the stream, the snapshot and the 404; removed products are not visible", () => {
    expect(productType.name).toBe("stores.Product");
    expect(productType.snapshotName).toBe("stores.ProductV1");
    expect(productType.decider).toBe(productDecider);
    expect(productType.notFound).toEqual({ code: 5, message: PRODUCT_NOT_FOUND });
    expect(productNotFound).toEqual({ code: 5, message: PRODUCT_NOT_FOUND });
    expect(productType.visible?.(fold(productDecider, PRODUCT_ID, [productAdded()]))).toBe(true);
    expect(productType.visible?.(fold(productDecider, PRODUCT_ID, [productAdded(), productRemoved]))).toBe(false);
  });

  const publishOf = (history: ProductEvent[], command: ProductCommand) => {
    const g = product(...history);
    const events = productDecider.decide(command, g.state);
    expect(events).toHaveLength(1);
    const { state } = g.when(command).then(events);
    return productType.publish(events[0]!, state);
  };

  it("AddProduct publishes storesapi.ProductAdded {id, storeId, name, description, sku, price}", () => {
    expect(publishOf([], addProduct({ price: 0, sku: "" }))).toEqual([
      {
        name: "storesapi.ProductAdded",
        payload: { id: PRODUCT_ID, storeId: STORE_ID, name: "Gin", description: "London dry", sku: "", price: 0 },
      },
    ]);
  });

  it("RebrandProduct publishes storesapi.ProductRebranded {id, name, description}", () => {
    expect(publishOf([productAdded()], { type: "RebrandProduct", name: "Tonic", description: "Bitter" })).toEqual([
      { name: "storesapi.ProductRebranded", payload: { id: PRODUCT_ID, name: "Tonic", description: "Bitter" } },
    ]);
  });

  it("IncreaseProductPrice publishes storesapi.ProductPriceIncreased {id, delta}", () => {
    expect(publishOf([productAdded({ price: 9.99 })], { type: "IncreaseProductPrice", price: 10.49 })).toEqual([
      { name: "storesapi.ProductPriceIncreased", payload: { id: PRODUCT_ID, delta: 0.5 } },
    ]);
  });

  it("DecreaseProductPrice publishes storesapi.ProductPriceDecreased {id, delta}", () => {
    expect(publishOf([productAdded({ price: 9.99 })], { type: "DecreaseProductPrice", price: 9.49 })).toEqual([
      { name: "storesapi.ProductPriceDecreased", payload: { id: PRODUCT_ID, delta: -0.5 } },
    ]);
  });

  it("RemoveProduct publishes storesapi.ProductRemoved {id}", () => {
    expect(publishOf([productAdded()], { type: "RemoveProduct" })).toEqual([
      { name: "storesapi.ProductRemoved", payload: { id: PRODUCT_ID } },
    ]);
  });

  it("every published payload satisfies the context's contract, and every stored event its schema", () => {
    const history: ProductEvent[] = [
      productAdded(),
      productRebranded("A", "B"),
      priceIncreased(1),
      priceDecreased(-0.5),
      productRemoved,
    ];
    let state = productDecider.initialState(PRODUCT_ID);
    const published: string[] = [];
    for (const event of history) {
      expect(storesDomain[event.name]!.safeParse(event.payload).success).toBe(true);
      state = { ...productDecider.evolve(state, event), version: state.version + 1 };
      for (const m of productType.publish(event, state)) {
        published.push(m.name);
        const schema = storesApi[m.name as keyof typeof storesApi];
        expect(schema, m.name).toBeDefined();
        expect(schema.safeParse(m.payload).success).toBe(true);
      }
    }
    expect(published).toEqual([
      "storesapi.ProductAdded",
      "storesapi.ProductRebranded",
      "storesapi.ProductPriceIncreased",
      "storesapi.ProductPriceDecreased",
      "storesapi.ProductRemoved",
    ]);
  });

  it("productView exposes exactly {id, storeId, name, description, sku, price}", () => {
    const state = fold(productDecider, PRODUCT_ID, [productAdded({ price: 9.99 }), priceIncreased(0.5)]);
    expect(productView(state)).toEqual({
      id: PRODUCT_ID,
      storeId: STORE_ID,
      name: "Gin",
      description: "London dry",
      sku: "GIN-1",
      price: 10.49,
    });
  });
});
