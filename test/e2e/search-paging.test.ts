import { expect, it } from "vitest";
import { call, waitFor } from "./http";
import { addProduct, createStore, registerCustomer } from "./ordering-flows";

/**
 * SPEC §3.8 paging over real HTTP and real queues: 120 orders of one customer, created through the API,
 * come back exactly once each, newest first by (createdAt, orderId), one small page at a time.
 */

interface Page {
  orders: { orderId: string; createdAt: string }[];
  next: string;
}

it("pages through 120 orders of one customer, each exactly once, newest first", { timeout: 120_000 }, async () => {
  const customer = await registerCustomer(call, "Pat", "555-0120");
  const store = await createStore(call, "Paging Store", "Level 1");
  const product = await addProduct(call, store, { name: "Page", price: 1.25 });
  const created: string[] = [];
  for (let batch = 0; batch < 12; batch++) {
    const ids = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const reply = await call("POST", "/api/ordering", {
          customerId: customer,
          paymentId: "pay-paging",
          items: [{ storeId: store, productId: product, storeName: "Paging Store", productName: "Page", price: 1.25, quantity: 2 }],
        });
        expect(reply.status).toBe(200);
        return reply.body.id as string;
      }),
    );
    created.push(...ids);
  }
  const filters = { customerId: customer };
  await waitFor(
    async () => {
      const first = await call<Page>("POST", "/api/search/orders", { filters, limit: 100 });
      const second = first.body.next ? await call<Page>("POST", "/api/search/orders", { filters, limit: 100, next: first.body.next }) : undefined;
      return first.body.orders.length + (second?.body.orders.length ?? 0) === 120 ? true : undefined;
    },
    "search to show all 120 orders",
    { timeoutMs: 60_000, intervalMs: 250 },
  );

  const seen: Page["orders"] = [];
  let next = "";
  let pages = 0;
  do {
    const reply = await call<Page>("POST", "/api/search/orders", { filters, limit: 7, next });
    expect(reply.status).toBe(200);
    expect(reply.body.orders.length).toBeLessThanOrEqual(7);
    seen.push(...reply.body.orders);
    next = reply.body.next;
    pages++;
  } while (next !== "");

  expect(pages).toBe(Math.ceil(120 / 7));
  expect(seen.map((o) => o.orderId).sort()).toEqual([...created].sort());
  const newestFirst = [...seen].sort((a, b) => (a.createdAt === b.createdAt ? b.orderId.localeCompare(a.orderId) : b.createdAt.localeCompare(a.createdAt)));
  expect(seen).toEqual(newestFirst);
});
