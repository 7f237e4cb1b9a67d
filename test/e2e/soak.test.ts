import { afterAll, beforeAll, expect, it } from "vitest";
import { expectOk, uuidV4 } from "./expectations";
import { e2eVars } from "./global-setup";
import {
  addItem,
  addProduct,
  authorizePayment,
  checkout,
  createStore,
  readOrder,
  readSaga,
  registerCustomer,
  startBasket,
  wholeBoard,
} from "./ordering-flows";
import { type OwnSystem, startOwnSystem, Unexpected, waitFor } from "./system";

/**
 * Soak: 50 customers check out at the same time; every order is approved by its saga and no message
 * ends in a dead-letter table. Runs its own system with an ADMIN_TOKEN to read the dead letters.
 */

const flows = 50;
const token = "t";
const admin = { authorization: `Bearer ${token}` };
let system: OwnSystem;

beforeAll(async () => {
  system = await startOwnSystem({ ...e2eVars, ADMIN_TOKEN: token }, "mallbots-soak-");
});
afterAll(async () => {
  await system?.stop();
});

it(`${flows} concurrent checkouts by ${flows} customers are all approved, with no dead letters`, { timeout: 180_000 }, async () => {
  const call = system.call;
  const store = await createStore(call, "Soak Store", "Level 0");
  const product = await addProduct(call, store, { name: "Soak Thing", price: 1.99 });
  const deadline = Date.now() + 120_000;
  const started = Date.now();

  const results = await Promise.all(
    Array.from({ length: flows }, async (_, i) => {
      const quantity = (i % 5) + 1;
      const customer = await registerCustomer(call, `Customer ${i}`, `555-${String(i).padStart(4, "0")}`);
      const basket = await startBasket(call, customer);
      await addItem(call, basket, product, quantity);
      const payment = await authorizePayment(call, customer, 1.99 * quantity);
      await checkout(call, basket, payment);
      const order = await waitFor(
        async () => {
          const seen = await readOrder(call, basket);
          if (seen?.status === "approved") return seen;
          if (seen && seen.status !== "pending") throw new Unexpected(`order ${basket} is ${seen.status}`);
          return undefined;
        },
        `order ${basket} (flow ${i}) to be approved`,
        { timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 250 },
      );
      return { i, customer, basket, payment, quantity, order };
    }),
  );
  const approvedAfterMs = Date.now() - started;
  console.log(`soak: ${flows} checkouts approved after ${approvedAfterMs} ms`);

  for (const { customer, basket, payment, quantity, order } of results) {
    expect(order).toStrictEqual({
      id: basket,
      customerId: customer,
      paymentId: payment,
      shoppingId: expect.stringMatching(uuidV4),
      invoiceId: "",
      items: [{ storeId: store, productId: product, storeName: "Soak Store", productName: "Soak Thing", price: 1.99, quantity }],
      total: Math.round(199 * quantity) / 100,
      status: "approved",
    });
  }
  expect(new Set(results.map((r) => r.order.shoppingId)).size).toBe(flows);

  // Every saga completed, and every list is available on the board exactly once.
  for (const { basket } of results) {
    const saga = await readSaga(call, basket, token);
    expect(saga).toMatchObject({ status: "completed", done: true, lastFailure: "", failureReason: "" });
  }
  const byOrder = new Map(results.map((r) => [r.basket, r.order.shoppingId]));
  await waitFor(
    async () => {
      const board = (await wholeBoard(call, "available")).filter((l) => byOrder.has(l.orderId));
      return board.length === flows && board.every((l) => byOrder.get(l.orderId) === l.id) ? true : undefined;
    },
    "all lists on the available board",
  );

  // No message was dead-lettered in any context.
  expectOk(await call("GET", "/api/admin/dead-letters?limit=100", undefined, admin), { deadLetters: [], next: "" });
});
