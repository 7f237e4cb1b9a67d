import { afterAll, beforeAll, expect, it } from "vitest";
import { e2eVars } from "./global-setup";
import type { Reply } from "./http";
import { type Call, type OwnSystem, startOwnSystem, waitFor } from "./system";

/**
 * Property: whatever a command accepted, every later read, projection and saga step of that aggregate
 * succeeds (SPEC §2.8). Seeded random command sequences mix ordinary values with the limits and just past
 * them (long and wide-character text, control characters, huge and tiny numbers, wrong types, unknown and
 * overlong ids). Every answer must be 200, 400 or 404, never 500; afterwards every accepted aggregate
 * reads back, every catalog projection equals the products' own state, every checkout ends in an order
 * whose saga finished, and no message was dead-lettered. Runs its own system with an ADMIN_TOKEN.
 */

const seeds = [1, 2, 3, 4];
const commandsPerSeed = 60;
const token = "t";
let system: OwnSystem;

beforeAll(async () => {
  system = await startOwnSystem({ ...e2eVars, ADMIN_TOKEN: token }, "mallbots-invariants-");
});
afterAll(async () => {
  await system?.stop();
});

/** mulberry32: a small deterministic generator, so a failing seed can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const value = <T>(values: { fine: readonly T[]; hostile: readonly unknown[] }) => (next() < 0.75 ? pick(values.fine) : pick(values.hostile));
  return { next, pick, value };
}

/** Values a command should accept, and values at or past its limits; three in four picks are of the first kind. */
const texts = (limit: number) => ({
  fine: ["Plain", "  padded  ", "é".repeat(limit), "😀".repeat(limit)],
  hostile: ["", " ", null, 42, "x".repeat(limit + 1), "😀".repeat(limit + 1), "tab\there", "nul\u0000", "del\u007f"],
});
const moneys = { fine: [0, 1, 9.995, 10.49, 10_000_000, 1e-9], hostile: [-1, -0.004, -10_000_000, 10_000_000.01, 1e307, -1e307, "5", null] };
const quantities = { fine: [0, 1, 3, 10_000], hostile: [10_001, -1, 1.5, 9_007_199_254_740_991, "2", null] };

interface Model {
  stores: string[];
  products: { id: string; storeId: string; removed: boolean }[];
  customers: string[];
  baskets: { id: string; status: "open" | "checked_out" | "canceled" }[];
  payments: string[];
}

async function runSequence(call: Call, seed: number, model: Model): Promise<string[]> {
  const { next, pick, value } = random(seed);
  const problems: string[] = [];
  const idOf = (known: readonly string[]) => (known.length > 0 && next() < 0.85 ? pick(known) : pick([crypto.randomUUID(), "x".repeat(129), "constructor"]));
  const send = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const reply = await call(method, path, body);
    if (![200, 400, 404].includes(reply.status)) problems.push(`seed ${seed}: ${method} ${path} ${JSON.stringify(body)?.slice(0, 200)} → ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply;
  };
  const commands: (() => Promise<void>)[] = [
    async () => {
      const r = await send("POST", "/api/stores", { name: value(texts(100)), location: value(texts(200)) });
      if (r.status === 200) model.stores.push(r.body.id);
    },
    async () => {
      const storeId = idOf(model.stores);
      const r = await send("POST", `/api/stores/${storeId}/products`, {
        name: value(texts(100)),
        description: value(texts(1000)),
        sku: value(texts(64)),
        price: value(moneys),
      });
      if (r.status === 200) model.products.push({ id: r.body.id, storeId, removed: false });
    },
    async () => {
      await send("PUT", `/api/stores/${idOf(model.stores)}/rebrand`, { name: value(texts(100)) });
    },
    async () => {
      await send("PUT", `/api/stores/products/${idOf(model.products.map((p) => p.id))}/rebrand`, { name: value(texts(100)), description: value(texts(1000)) });
    },
    async () => {
      const direction = pick(["increasePrice", "decreasePrice"]);
      await send("PUT", `/api/stores/products/${idOf(model.products.map((p) => p.id))}/${direction}`, { price: value(moneys) });
    },
    async () => {
      if (next() > 0.2) return;
      const id = idOf(model.products.map((p) => p.id));
      const r = await send("DELETE", `/api/stores/products/${id}`);
      if (r.status === 200) model.products.find((p) => p.id === id)!.removed = true;
    },
    async () => {
      const r = await send("POST", "/api/customers", { name: value(texts(100)), smsNumber: value(texts(32)) });
      if (r.status === 200) model.customers.push(r.body.id);
    },
    async () => {
      const r = await send("POST", "/api/baskets", { customerId: next() < 0.8 ? idOf(model.customers) : value(texts(128)) });
      if (r.status === 200) model.baskets.push({ id: r.body.id, status: "open" });
    },
    async () => {
      for (let i = 0; i < 3; i++) {
        const action = pick(["addItem", "addItem", "removeItem"]);
        await send("PUT", `/api/baskets/${idOf(model.baskets.map((b) => b.id))}/${action}`, {
          productId: idOf(model.products.map((p) => p.id)),
          quantity: value(quantities),
        });
      }
    },
    async () => {
      const r = await send("POST", "/api/payments", { customerId: idOf(model.customers), amount: value(moneys) });
      if (r.status === 200) model.payments.push(r.body.id);
    },
    async () => {
      const basket = pick(model.baskets.length > 0 ? model.baskets : [{ id: crypto.randomUUID(), status: "open" as const }]);
      const r = await send("PUT", `/api/baskets/${basket.id}/checkout`, { paymentId: next() < 0.8 ? idOf(model.payments) : value(texts(128)) });
      if (r.status === 200) basket.status = "checked_out";
    },
    async () => {
      await send("POST", "/api/ordering", {
        customerId: idOf(model.customers),
        paymentId: idOf(model.payments),
        items: [{ storeId: idOf(model.stores), productId: idOf(model.products.map((p) => p.id)), storeName: value(texts(100)), productName: value(texts(100)), price: value(moneys), quantity: value(quantities) }],
      });
    },
  ];
  for (let i = 0; i < commandsPerSeed; i++) await pick(commands)();
  return problems;
}

it("whatever a command accepted can be read, projected and carried through the saga", { timeout: 240_000 }, async () => {
  const call = system.call;
  const model: Model = { stores: [], products: [], customers: [], baskets: [], payments: [] };
  const problems: string[] = [];
  for (const seed of seeds) problems.push(...(await runSequence(call, seed, model)));
  expect(problems).toEqual([]);
  expect(model.stores.length).toBeGreaterThan(0);
  expect(model.products.length).toBeGreaterThan(0);
  // the sequences reach the saga, so its steps are checked too
  expect(model.baskets.filter((b) => b.status === "checked_out").length).toBeGreaterThan(0);

  for (const id of model.stores) expect((await call("GET", `/api/stores/${id}`)).status, `store ${id}`).toBe(200);
  for (const { id, removed } of model.products) expect((await call("GET", `/api/stores/products/${id}`)).status, `product ${id}`).toBe(removed ? 404 : 200);
  for (const { id } of model.baskets) expect((await call("GET", `/api/baskets/${id}`)).status, `basket ${id}`).toBe(200);

  // every catalog projection converges on the products' own state
  for (const storeId of model.stores) {
    const live = model.products.filter((p) => p.storeId === storeId && !p.removed);
    const expected = await Promise.all(live.map(async (p) => (await call("GET", `/api/stores/products/${p.id}`)).body.product));
    await waitFor(
      async () => {
        const listed = (await call("GET", `/api/stores/${storeId}/products`)).body.products as { id: string }[];
        const byId = (xs: { id: string }[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
        return JSON.stringify(byId(listed)) === JSON.stringify(byId(expected)) ? true : undefined;
      },
      `the catalog of store ${storeId}`,
      { timeoutMs: 20_000 },
    );
  }

  // every checkout becomes an order whose saga finished
  for (const basket of model.baskets.filter((b) => b.status === "checked_out")) {
    await waitFor(
      async () => {
        const order = await call("GET", `/api/ordering/${basket.id}`);
        const saga = await call("GET", `/api/admin/sagas/${basket.id}`, undefined, { authorization: `Bearer ${token}` });
        return order.status === 200 && ["approved", "rejected"].includes(order.body.order.status) && saga.body.saga?.done ? true : undefined;
      },
      `the order of basket ${basket.id} through its saga`,
      { timeoutMs: 30_000 },
    );
  }

  const dead = await call("GET", "/api/admin/dead-letters", undefined, { authorization: `Bearer ${token}` });
  expect(dead.status).toBe(200);
  expect(dead.body.deadLetters).toEqual([]);
});
