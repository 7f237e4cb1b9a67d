import { expect } from "vitest";
import { expectError, expectOk, uuidV4 } from "./expectations";
import type { Reply } from "./http";
import { type Call, Unexpected, waitFor } from "./system";

/** Building blocks of the ordering journeys of SPEC §6 over HTTP, for any running system. */

export const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface OrderItem {
  storeId: string;
  productId: string;
  storeName: string;
  productName: string;
  price: number;
  quantity: number;
}
export interface OrderView {
  id: string;
  customerId: string;
  paymentId: string;
  shoppingId: string;
  invoiceId: string;
  items: OrderItem[];
  total: number;
  status: string;
}
export interface Stop {
  storeId: string;
  storeName: string;
  storeLocation: string;
  items: { productId: string; productName: string; quantity: number }[];
}
export interface ShoppingListView {
  id: string;
  orderId: string;
  status: string;
  assignedBotId: string;
  stops: Stop[];
  createdAt: string;
  updatedAt: string;
}
export interface SagaView {
  id: string;
  name: string;
  status: string;
  step: number;
  compensating: boolean;
  done: boolean;
  data: {
    orderId: string;
    customerId: string;
    paymentId: string;
    shoppingId: string;
    items: { productId: string; storeId: string; price: number; quantity: number }[];
    total: number;
  };
  awaiting: unknown;
  lastFailure: string;
  failureReason: string;
  history: { at: string; step: number; kind: string; name: string; outcome: string; messageId: string }[];
  createdAt: string;
  updatedAt: string;
}

export const orderNotFound = (reply: Reply) => expectError(reply, 404, 5, "order with that ID does not exist");
export const invoiceNotFound = (reply: Reply) => expectError(reply, 404, 5, "invoice with that ID does not exist");
export const listNotFound = (reply: Reply) => expectError(reply, 404, 5, "shopping list with that ID does not exist");

/** Asserts a create reply `{id}` with a server-generated id and returns the id. */
export function createdId(reply: Reply): string {
  expectOk(reply, { id: expect.stringMatching(uuidV4) });
  return reply.body.id;
}

export const createStore = async (call: Call, name: string, location: string) =>
  createdId(await call("POST", "/api/stores", { name, location }));

export const addProduct = async (call: Call, storeId: string, product: { name: string; description?: string; sku?: string; price: number }) =>
  createdId(await call("POST", `/api/stores/${storeId}/products`, product));

export const registerCustomer = async (call: Call, name = "Ann", smsNumber = "555-555-1212") =>
  createdId(await call("POST", "/api/customers", { name, smsNumber }));

export const startBasket = async (call: Call, customerId: string) => createdId(await call("POST", "/api/baskets", { customerId }));

export async function addItem(call: Call, basketId: string, productId: string, quantity: number): Promise<void> {
  expectOk(await call("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity }), {});
}

export const authorizePayment = async (call: Call, customerId: string, amount: number) =>
  createdId(await call("POST", "/api/payments", { customerId, amount }));

export async function checkout(call: Call, basketId: string, paymentId: string): Promise<void> {
  expectOk(await call("PUT", `/api/baskets/${basketId}/checkout`, { paymentId }), {});
}

/** The order as its DO answers it, or undefined while it does not exist (404 with the exact error). */
export async function readOrder(call: Call, id: string): Promise<OrderView | undefined> {
  const reply = await call("GET", `/api/ordering/${id}`);
  if (reply.status === 404) {
    orderNotFound(reply);
    return undefined;
  }
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["order"]);
  return reply.body.order;
}

/**
 * Polls the order until it has `status`. Only the states listed in `via` may be seen on the way
 * ("missing" = 404 before ordering has created it); anything else fails at once.
 */
export async function waitForOrderStatus(
  call: Call,
  id: string,
  status: string,
  via: readonly string[],
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<OrderView> {
  return waitFor(
    async () => {
      const order = await readOrder(call, id);
      const seen = order?.status ?? "missing";
      if (seen === status) return order;
      if (!via.includes(seen)) throw new Unexpected(`order ${id} is ${seen}, expected ${status} (via ${via.join(", ")})`);
      return undefined;
    },
    `order ${id} to be ${status}`,
    { timeoutMs: 30_000, ...options },
  );
}

/** The shopping list as its DO answers it. */
export async function readList(call: Call, id: string): Promise<ShoppingListView> {
  const reply = await call("GET", `/api/depot/shopping/${id}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["shoppingList"]);
  return reply.body.shoppingList;
}

/** One page of the shopping-list board, asserting the envelope. */
export async function boardPage(call: Call, query: string): Promise<{ shoppingLists: ShoppingListView[]; next: string }> {
  const reply = await call("GET", `/api/depot/shopping?${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body).sort()).toStrictEqual(["next", "shoppingLists"]);
  expect(typeof reply.body.next).toBe("string");
  return reply.body;
}

/** Every list on the board with this status, following `next` to the last page. */
export async function wholeBoard(call: Call, status: string, limit = 100): Promise<ShoppingListView[]> {
  const all: ShoppingListView[] = [];
  let next = "";
  for (let pages = 0; ; pages++) {
    expect(pages, "board paging does not terminate").toBeLessThan(10_000);
    const page = await boardPage(call, `status=${status}&limit=${limit}&next=${encodeURIComponent(next)}`);
    expect(page.shoppingLists.length).toBeLessThanOrEqual(limit);
    all.push(...page.shoppingLists);
    if (page.next === "") return all;
    next = page.next;
  }
}

export const boardStatuses = ["pending", "available", "assigned", "completed", "canceled"] as const;

/** Admin: the saga state of an order (undefined while it does not exist yet). */
export async function readSaga(call: Call, orderId: string, token: string): Promise<SagaView | undefined> {
  const reply = await call("GET", `/api/admin/sagas/${orderId}`, undefined, { authorization: `Bearer ${token}` });
  if (reply.status === 404) {
    expectError(reply, 404, 5, "saga with that ID does not exist");
    return undefined;
  }
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["saga"]);
  return reply.body.saga;
}

/** Polls the saga until it is done, then returns it. */
export async function waitForSagaDone(call: Call, orderId: string, token: string, timeoutMs = 30_000): Promise<SagaView> {
  return waitFor(
    async () => {
      const saga = await readSaga(call, orderId, token);
      if (saga?.done) return saga;
      throw new Error(saga ? `last seen ${saga.status} at step ${saga.step}: ${historyLines(saga).join(" | ")}` : "no saga yet");
    },
    `saga ${orderId} to finish`,
    { timeoutMs },
  );
}

/** The kinds and names of the saga history, in order: `"<step> <kind> <name> <outcome>"`. */
export const historyLines = (saga: SagaView) => saga.history.map((h) => `${h.step} ${h.kind} ${h.name} ${h.outcome}`.trimEnd());

/** Asserts the common shape of every saga history entry. */
export function expectHistoryShape(saga: SagaView): void {
  for (const entry of saga.history) {
    expect(Object.keys(entry).sort()).toStrictEqual(["at", "kind", "messageId", "name", "outcome", "step"]);
    expect(entry.at).toMatch(isoMillis);
    expect(entry.messageId).not.toBe("");
  }
}

// ---- search (SPEC §3.8) ---------------------------------------------------------------------------

export interface SearchOrderView {
  orderId: string;
  customerId: string;
  customerName: string;
  items: { productId: string; storeId: string; productName: string; storeName: string; price: number; quantity: number }[];
  total: number;
  status: string;
  createdAt: string;
  updatedAt: string;
}

/** The search statuses of the Order statuses (SPEC §3.8). */
export const searchStatusOf: Record<string, string> = {
  pending: "New",
  approved: "Approved",
  rejected: "Rejected",
  ready: "Ready For Pickup",
  cancelled: "Canceled",
  completed: "Completed",
};

/** The order as search shows it, or undefined while it is not in the read model (404 with the exact error). */
export async function readSearchOrder(call: Call, id: string): Promise<SearchOrderView | undefined> {
  const reply = await call("GET", `/api/search/orders/${id}`);
  if (reply.status === 404) {
    orderNotFound(reply);
    return undefined;
  }
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["order"]);
  return reply.body.order;
}

/** Polls search until the order shows `status`; only the statuses in `via` may be seen on the way. */
export async function waitForSearchStatus(call: Call, id: string, status: string, via: readonly string[]): Promise<SearchOrderView> {
  return waitFor(
    async () => {
      const order = await readSearchOrder(call, id);
      const seen = order?.status ?? "missing";
      if (seen === status) return order;
      if (!via.includes(seen)) throw new Unexpected(`search shows order ${id} as ${seen}, expected ${status} (via ${via.join(", ")})`);
      return undefined;
    },
    `search to show order ${id} as ${status}`,
    { timeoutMs: 30_000 },
  );
}

/** Every order a search matches, following `next` to the last page. */
export async function searchAll(call: Call, filters: object, limit = 100): Promise<SearchOrderView[]> {
  const all: SearchOrderView[] = [];
  let next = "";
  for (let pages = 0; ; pages++) {
    expect(pages, "search paging does not terminate").toBeLessThan(10_000);
    const reply = await call("POST", "/api/search/orders", { filters, limit, next });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(Object.keys(reply.body).sort()).toStrictEqual(["next", "orders"]);
    all.push(...reply.body.orders);
    if (reply.body.next === "") return all;
    next = reply.body.next;
  }
}
