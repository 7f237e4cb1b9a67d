import { describe, expect, it } from "vitest";
import { depotApi, depotDomain, depotReplies } from "../../src/depot/contract";
import {
  buildStops,
  type KnownProduct,
  type KnownStore,
  productNotFoundForList,
  type RequestedItem,
  type ShoppingList,
  type ShoppingListCommand,
  type ShoppingListEvent,
  shoppingListDecider,
  shoppingListNotFound,
  shoppingListType,
  shoppingListView,
  type Stop,
  type StopsLookup,
  storeNotFoundForList,
} from "../../src/depot/domain";
import { fold } from "../../src/kernel/decider";
import { Code } from "../../src/kernel/errors";
import { given } from "./given-when-then";

const LIST_ID = "5e6f7a8b-1111-4aaa-8bbb-0000000000c1";
const ORDER_ID = "5e6f7a8b-2222-4aaa-8bbb-0000000000c2";
const BOT_ID = "5e6f7a8b-3333-4aaa-8bbb-0000000000c3";
const STORE_1 = "5e6f7a8b-4444-4aaa-8bbb-0000000000c4";
const STORE_2 = "5e6f7a8b-5555-4aaa-8bbb-0000000000c5";
const STORE_3 = "5e6f7a8b-6666-4aaa-8bbb-0000000000c6";
const GIN = "5e6f7a8b-7777-4aaa-8bbb-0000000000c7";
const TONIC = "5e6f7a8b-8888-4aaa-8bbb-0000000000c8";
const LIME = "5e6f7a8b-9999-4aaa-8bbb-0000000000c9";
const BREAD = "5e6f7a8b-aaaa-4aaa-8bbb-0000000000ca";

const LIST_NOT_FOUND = "shopping list with that ID does not exist";
const ORDER_BLANK = "the order id cannot be blank";
const NO_ITEMS = "the shopping list has no items";
const STORE_NOT_FOUND = "building shopping list: store with that ID does not exist";
const PRODUCT_NOT_FOUND = "building shopping list: product with that ID does not exist";
const CANNOT_INITIATE = "the shopping list cannot be initiated";
const BOT_BLANK = "the bot id cannot be blank";
const CANNOT_ASSIGN = "the shopping list cannot be assigned";
const CANNOT_COMPLETE = "the shopping list cannot be completed";
const CANNOT_CANCEL = "the shopping list cannot be canceled";

const BLANKS = ["", " ", "\t", "\n \t"];

// ---- fixtures ----------------------------------------------------------------------------------

const stores = new Map<string, KnownStore>([
  [STORE_1, { id: STORE_1, name: "Bottle Shop", location: "Level 1" }],
  [STORE_2, { id: STORE_2, name: "Greengrocer", location: "Level 2" }],
  [STORE_3, { id: STORE_3, name: "Bakery", location: "Ground" }],
]);
const products = new Map<string, KnownProduct>([
  [GIN, { id: GIN, name: "Gin" }],
  [TONIC, { id: TONIC, name: "Tonic" }],
  [LIME, { id: LIME, name: "Lime" }],
  [BREAD, { id: BREAD, name: "Bread" }],
]);

const item = (storeId: string, productId: string, quantity: number): RequestedItem => ({ storeId, productId, quantity });

const STOPS: Stop[] = [
  { storeId: STORE_1, storeName: "Bottle Shop", storeLocation: "Level 1", items: [{ productId: GIN, productName: "Gin", quantity: 2 }] },
  { storeId: STORE_2, storeName: "Greengrocer", storeLocation: "Level 2", items: [{ productId: LIME, productName: "Lime", quantity: 5 }] },
];

const listCreated = (stops: Stop[] = STOPS): ShoppingListEvent => ({
  name: "depot.ShoppingListCreated",
  payload: { orderId: ORDER_ID, stops },
});
const initiated: ShoppingListEvent = { name: "depot.ShoppingListInitiated", payload: {} };
const assigned = (botId = BOT_ID): ShoppingListEvent => ({ name: "depot.ShoppingListAssigned", payload: { botId } });
const listCompleted: ShoppingListEvent = { name: "depot.ShoppingListCompleted", payload: {} };
const listCanceled: ShoppingListEvent = { name: "depot.ShoppingListCanceled", payload: {} };

const STATUS: Record<"pending" | "available" | "assigned" | "completed" | "canceled", ShoppingListEvent[]> = {
  pending: [listCreated()],
  available: [listCreated(), initiated],
  assigned: [listCreated(), initiated, assigned()],
  completed: [listCreated(), initiated, assigned(), listCompleted],
  canceled: [listCreated(), listCanceled],
};
const ALL = Object.keys(STATUS) as (keyof typeof STATUS)[];
const others = (...allowed: (keyof typeof STATUS)[]) => ALL.filter((s) => !allowed.includes(s));

const list = (...events: ShoppingListEvent[]) =>
  given<ShoppingListCommand, ShoppingListEvent, ShoppingList>(shoppingListDecider, LIST_ID, events);

const found = (stops: Stop[] = STOPS): StopsLookup => ({ ok: true, stops });
const create = (over: Partial<{ orderId: string; itemCount: number; stops: StopsLookup }> = {}): ShoppingListCommand => ({
  type: "CreateShoppingList",
  orderId: ORDER_ID,
  itemCount: 2,
  stops: found(),
  ...over,
});

// ---- buildStops --------------------------------------------------------------------------------

describe("buildStops", () => {
  it("is empty for no items", () => {
    expect(buildStops([], stores, products)).toEqual([]);
  });

  it("makes one stop per store with the known store name and location, and the known product name", () => {
    expect(buildStops([item(STORE_1, GIN, 1)], stores, products)).toStrictEqual([
      { storeId: STORE_1, storeName: "Bottle Shop", storeLocation: "Level 1", items: [{ productId: GIN, productName: "Gin", quantity: 1 }] },
    ]);
  });

  it("groups by store in order of first appearance, products in order of first appearance, duplicates summed", () => {
    const items = [
      item(STORE_2, LIME, 3),
      item(STORE_1, TONIC, 1),
      item(STORE_2, BREAD, 1), // a product may be listed under any store the item names
      item(STORE_1, GIN, 2),
      item(STORE_2, LIME, 4),
      item(STORE_3, BREAD, 2),
      item(STORE_1, TONIC, 5),
      item(STORE_2, BREAD, 6),
    ];
    expect(buildStops(items, stores, products)).toStrictEqual([
      {
        storeId: STORE_2,
        storeName: "Greengrocer",
        storeLocation: "Level 2",
        items: [
          { productId: LIME, productName: "Lime", quantity: 7 },
          { productId: BREAD, productName: "Bread", quantity: 7 },
        ],
      },
      {
        storeId: STORE_1,
        storeName: "Bottle Shop",
        storeLocation: "Level 1",
        items: [
          { productId: TONIC, productName: "Tonic", quantity: 6 },
          { productId: GIN, productName: "Gin", quantity: 2 },
        ],
      },
      {
        storeId: STORE_3,
        storeName: "Bakery",
        storeLocation: "Ground",
        items: [{ productId: BREAD, productName: "Bread", quantity: 2 }],
      },
    ]);
  });

  it("sums duplicates (never keeps the last or the first quantity only)", () => {
    const stops = buildStops([item(STORE_1, GIN, 1), item(STORE_1, GIN, 2), item(STORE_1, GIN, 4)], stores, products);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.items).toStrictEqual([{ productId: GIN, productName: "Gin", quantity: 7 }]);
  });

  it("does not mutate the requested items", () => {
    const items = [item(STORE_1, GIN, 1), item(STORE_1, GIN, 2)];
    const before = JSON.stringify(items);
    buildStops(items, stores, products);
    expect(JSON.stringify(items)).toBe(before);
  });
});

// ---- decide ------------------------------------------------------------------------------------

describe("ShoppingList decider", () => {
  describe("CreateShoppingList", () => {
    it("records ShoppingListCreated {orderId, stops} → pending", () => {
      const { state } = list()
        .when(create())
        .then([{ name: "depot.ShoppingListCreated", payload: { orderId: ORDER_ID, stops: STOPS } }]);
      expect(state).toEqual({ id: LIST_ID, orderId: ORDER_ID, stops: STOPS, assignedBotId: "", status: "pending", version: 1 });
    });

    it.each(BLANKS)("rejects a blank order id %j", (orderId) => {
      list().when(create({ orderId })).thenFails(Code.InvalidArgument, ORDER_BLANK);
    });

    it("rejects a list without items", () => {
      list().when(create({ itemCount: 0, stops: found([]) })).thenFails(Code.InvalidArgument, NO_ITEMS);
    });

    it.each([
      ["store", storeNotFoundForList, STORE_NOT_FOUND],
      ["product", productNotFoundForList, PRODUCT_NOT_FOUND],
    ] as const)("fails with the %s lookup error passed in", (_, error, message) => {
      expect(error).toEqual({ code: Code.NotFound, message });
      list()
        .when(create({ stops: { ok: false, error } }))
        .thenFails(Code.NotFound, message);
    });

    it("passes any other lookup error through unchanged (e.g. an internal fault)", () => {
      list()
        .when(create({ stops: { ok: false, error: { code: Code.Internal, message: "internal error" } } }))
        .thenFails(Code.Internal, "internal error");
    });

    it("checks in the documented order: order id, items, then lookups", () => {
      const lookupFailed: StopsLookup = { ok: false, error: storeNotFoundForList };
      list().when(create({ orderId: "", itemCount: 0, stops: lookupFailed })).thenFails(Code.InvalidArgument, ORDER_BLANK);
      list().when(create({ itemCount: 0, stops: lookupFailed })).thenFails(Code.InvalidArgument, NO_ITEMS);
      list().when(create({ stops: lookupFailed })).thenFails(Code.NotFound, STORE_NOT_FOUND);
    });
  });

  describe("InitiateShopping", () => {
    it("records ShoppingListInitiated {} on a pending list → available", () => {
      const { state } = list(...STATUS.pending)
        .when({ type: "InitiateShopping" })
        .then([{ name: "depot.ShoppingListInitiated", payload: {} }]);
      expect(state).toMatchObject({ status: "available", version: 2 });
    });

    it("fails with 5 for an unknown list", () => {
      list().when({ type: "InitiateShopping" }).thenFails(Code.NotFound, LIST_NOT_FOUND);
    });

    it.each(others("pending"))("fails with 3 on a %s list", (status) => {
      list(...STATUS[status]).when({ type: "InitiateShopping" }).thenFails(Code.InvalidArgument, CANNOT_INITIATE);
    });
  });

  describe("AssignShoppingList", () => {
    it("records ShoppingListAssigned {botId} on an available list → assigned, sets assignedBotId", () => {
      const { state } = list(...STATUS.available)
        .when({ type: "AssignShoppingList", botId: BOT_ID })
        .then([{ name: "depot.ShoppingListAssigned", payload: { botId: BOT_ID } }]);
      expect(state).toMatchObject({ status: "assigned", assignedBotId: BOT_ID, version: 3 });
    });

    it("answers 404 for an unknown list, before the bot id", () => {
      list().when({ type: "AssignShoppingList", botId: BOT_ID }).thenFails(Code.NotFound, LIST_NOT_FOUND);
      list().when({ type: "AssignShoppingList", botId: "" }).thenFails(Code.NotFound, LIST_NOT_FOUND);
    });

    it.each(BLANKS)("rejects a blank bot id %j", (botId) => {
      list(...STATUS.available).when({ type: "AssignShoppingList", botId }).thenFails(Code.InvalidArgument, BOT_BLANK);
    });

    it.each(others("available"))("checks the bot id before the status (%s list)", (status) => {
      list(...STATUS[status]).when({ type: "AssignShoppingList", botId: "" }).thenFails(Code.InvalidArgument, BOT_BLANK);
    });

    it.each(others("available"))("fails with 3 on a %s list", (status) => {
      list(...STATUS[status])
        .when({ type: "AssignShoppingList", botId: BOT_ID })
        .thenFails(Code.InvalidArgument, CANNOT_ASSIGN);
    });
  });

  describe("CompleteShoppingList", () => {
    it("records ShoppingListCompleted {} on an assigned list → completed", () => {
      const { state } = list(...STATUS.assigned)
        .when({ type: "CompleteShoppingList" })
        .then([{ name: "depot.ShoppingListCompleted", payload: {} }]);
      expect(state).toMatchObject({ status: "completed", assignedBotId: BOT_ID, version: 4 });
    });

    it("answers 404 for an unknown list", () => {
      list().when({ type: "CompleteShoppingList" }).thenFails(Code.NotFound, LIST_NOT_FOUND);
    });

    it.each(others("assigned"))("fails with 3 on a %s list", (status) => {
      list(...STATUS[status]).when({ type: "CompleteShoppingList" }).thenFails(Code.InvalidArgument, CANNOT_COMPLETE);
    });
  });

  describe("CancelShoppingList", () => {
    it.each(["pending", "available", "assigned"] as const)("records ShoppingListCanceled {} on a %s list → canceled", (status) => {
      const { state } = list(...STATUS[status])
        .when({ type: "CancelShoppingList" })
        .then([{ name: "depot.ShoppingListCanceled", payload: {} }]);
      expect(state.status).toBe("canceled");
      expect(state.version).toBe(STATUS[status].length + 1);
    });

    it("answers 404 for an unknown list", () => {
      list().when({ type: "CancelShoppingList" }).thenFails(Code.NotFound, LIST_NOT_FOUND);
    });

    it.each(["completed", "canceled"] as const)("fails with 3 on a %s list", (status) => {
      list(...STATUS[status]).when({ type: "CancelShoppingList" }).thenFails(Code.InvalidArgument, CANNOT_CANCEL);
    });
  });
});

// ---- evolve, view ------------------------------------------------------------------------------

describe("ShoppingList evolve and view", () => {
  it("starts empty at version 0", () => {
    expect(shoppingListDecider.initialState(LIST_ID)).toEqual({
      id: LIST_ID,
      orderId: "",
      stops: [],
      assignedBotId: "",
      status: "",
      version: 0,
    });
  });

  it("folds the whole life of a list", () => {
    expect(fold(shoppingListDecider, LIST_ID, STATUS.completed)).toEqual({
      id: LIST_ID,
      orderId: ORDER_ID,
      stops: STOPS,
      assignedBotId: BOT_ID,
      status: "completed",
      version: 4,
    });
  });

  it("shoppingListView exposes exactly {id, orderId, status, assignedBotId, stops, createdAt, updatedAt}", () => {
    const state = fold(shoppingListDecider, LIST_ID, STATUS.assigned);
    expect(shoppingListView(state, "2026-03-01T12:00:00.000Z", "2026-03-01T12:05:00.000Z")).toStrictEqual({
      id: LIST_ID,
      orderId: ORDER_ID,
      status: "assigned",
      assignedBotId: BOT_ID,
      stops: STOPS,
      createdAt: "2026-03-01T12:00:00.000Z",
      updatedAt: "2026-03-01T12:05:00.000Z",
    });
  });
});

// ---- published events and replies --------------------------------------------------------------

describe("shoppingListType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(shoppingListType.name).toBe("depot.ShoppingList");
    expect(shoppingListType.snapshotName).toBe("depot.ShoppingListV1");
    expect(shoppingListType.decider).toBe(shoppingListDecider);
    expect(shoppingListType.notFound).toEqual({ code: 5, message: LIST_NOT_FOUND });
    expect(shoppingListNotFound).toEqual({ code: 5, message: LIST_NOT_FOUND });
  });

  it("publishes depotapi.ShoppingListCompleted {id, orderId} only on completion", () => {
    let state = shoppingListDecider.initialState(LIST_ID);
    const published: unknown[] = [];
    for (const event of [...STATUS.completed]) {
      expect(depotDomain[event.name].safeParse(event.payload).success).toBe(true);
      state = { ...shoppingListDecider.evolve(state, event), version: state.version + 1 };
      published.push(...shoppingListType.publish(event, state));
    }
    expect(published).toStrictEqual([
      { name: "depotapi.ShoppingListCompleted", payload: { id: LIST_ID, orderId: ORDER_ID } },
    ]);
    expect(depotApi["depotapi.ShoppingListCompleted"].safeParse((published[0] as { payload: unknown }).payload).success).toBe(
      true,
    );
    const canceled = fold(shoppingListDecider, LIST_ID, STATUS.canceled);
    expect(shoppingListType.publish(listCanceled, canceled)).toEqual([]);
  });

  it("replies depotapi.CreatedShoppingListReply {id} to CreateShoppingList", () => {
    const { state } = list().when(create()).then([listCreated()]);
    const reply = shoppingListType.successReply?.(create(), state);
    expect(reply).toStrictEqual({ name: "depotapi.CreatedShoppingListReply", payload: { id: LIST_ID } });
    expect(depotReplies["depotapi.CreatedShoppingListReply"].safeParse(reply!.payload).success).toBe(true);
  });

  it.each([{ type: "InitiateShopping" }, { type: "CancelShoppingList" }] as ShoppingListCommand[])(
    "uses the default am.Success for $type",
    (command) => {
      const state = fold(shoppingListDecider, LIST_ID, STATUS.canceled);
      expect(shoppingListType.successReply?.(command, state)).toBeUndefined();
    },
  );
});
