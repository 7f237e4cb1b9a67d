// The search cells of `npm run bench`: a search read model seeded through the real queue path, then
// POST /api/search/orders by customer and by store, and the delay from checkout until search shows the order.
import { eventually, parallel, storeWithProducts, waitForCatalog } from "./scenarios.mjs";

const env = (name, fallback) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
};

/** BENCH_SEARCH_ORDERS (default 10000) orders for ~100 customers over 4 stores × 5 products. */
export const searchConfig = {
  orders: env("BENCH_SEARCH_ORDERS", 10_000),
  customers: env("BENCH_SEARCH_CUSTOMERS", 100),
  /** Orders created before the previous batch must have reached search (bounds the queue backlog). */
  batch: env("BENCH_SEARCH_BATCH", 200),
  propagation: env("BENCH_SEARCH_PROPAGATION", 50),
};

const found = async (api, id) => {
  const { status, text } = await api.request("GET", `/api/search/orders/${id}`);
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`GET /api/search/orders/${id} → ${status}`);
  return JSON.parse(text).order;
};

/** Waits until search shows every order of `ids` as `status` (any status when null). */
async function untilSearched(api, ids, status) {
  let waiting = ids;
  await eventually(
    async () => {
      const seen = await parallel(waiting.length, 8, async (i) => {
        const order = await found(api, waiting[i]);
        return order !== undefined && (status === null || order.status === status);
      });
      waiting = waiting.filter((_, i) => !seen[i]);
      return waiting.length === 0 ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250, what: `search to show ${waiting.length} orders` },
  );
}

let seeded = null;

/**
 * Seeds once per bench run (both search cells share it). Orders go through POST /api/ordering, so each
 * reaches search over ordering → queue → projection. Customers are registered and then disabled: each
 * saga stops at its first step and rejects the order, which keeps the per-order work (two new objects:
 * the Order and its saga) and the file descriptors the local runtime holds low. Batches of
 * BENCH_SEARCH_BATCH orders; a batch starts only when the one before the last is Rejected in search.
 */
export function seedSearch(api) {
  seeded ??= (async () => {
    const t0 = performance.now();
    const stores = [];
    for (let s = 0; s < 4; s++) stores.push(await storeWithProducts(api, 5, { label: `Search ${s}` }));
    for (const s of stores) await waitForCatalog(api, s.storeId, 5);
    const customerIds = await parallel(searchConfig.customers, 8, async (i) => {
      const { id } = await api.post("/api/customers", { name: `Searcher ${i}`, smsNumber: `555-${i}` });
      await api.put(`/api/customers/${id}/disable`, {});
      return id;
    });
    const lineOf = (i, k) => {
      const store = stores[(i + k) % stores.length];
      const p = (i * 7 + k) % store.productIds.length;
      return { storeId: store.storeId, productId: store.productIds[p], storeName: "", productName: "", price: 1 + p, quantity: 1 + (i % 3) };
    };
    let previous = [];
    for (let start = 0; start < searchConfig.orders; start += searchConfig.batch) {
      const n = Math.min(searchConfig.batch, searchConfig.orders - start);
      const ids = await parallel(n, 8, async (j) => {
        const i = start + j;
        const items = Array.from({ length: 1 + (i % 3) }, (_, k) => lineOf(i, k));
        return (await api.post("/api/ordering", { customerId: customerIds[i % customerIds.length], paymentId: `pay-${i}`, items })).id;
      });
      await untilSearched(api, previous, "Rejected");
      previous = ids;
    }
    await untilSearched(api, previous, "Rejected");
    return {
      customerIds,
      storeIds: stores.map((s) => s.storeId),
      orders: searchConfig.orders,
      seedSeconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  })();
  return seeded;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Checkout → the order found by GET /api/search/orders/{id} (polled every 10 ms), for BENCH_SEARCH_PROPAGATION
 * baskets at each concurrency, on the system as the search cells left it.
 */
export async function checkoutToSearch(api, { concurrencies }) {
  const orders = searchConfig.propagation;
  if (orders === 0) return [];
  const { storeId, productIds } = await storeWithProducts(api, 1, { label: "Propagation" });
  await waitForCatalog(api, storeId, 1);
  const rows = [];
  for (const concurrency of concurrencies) {
    const prepared = await parallel(orders, 8, async (i) => {
      const { id: customerId } = await api.post("/api/customers", { name: `Prop ${i}`, smsNumber: `555-${i}` });
      const { id: basketId } = await api.post("/api/baskets", { customerId });
      await api.put(`/api/baskets/${basketId}/addItem`, { productId: productIds[0], quantity: 1 });
      const { id: paymentId } = await api.post("/api/payments", { customerId, amount: 100 });
      return { basketId, paymentId };
    });
    const t0 = performance.now();
    const latencies = (
      await parallel(orders, concurrency, async (i) => {
        const start = performance.now();
        await api.put(`/api/baskets/${prepared[i].basketId}/checkout`, { paymentId: prepared[i].paymentId });
        await eventually(() => found(api, prepared[i].basketId), { timeoutMs: 120_000, intervalMs: 10, what: `order ${prepared[i].basketId} in search` });
        return performance.now() - start;
      })
    ).sort((a, b) => a - b);
    const wallSeconds = (performance.now() - t0) / 1000;
    rows.push({
      journey: "checkout → in search",
      concurrency,
      orders,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p95Ms: Math.round(percentile(latencies, 95) * 10) / 10,
      maxMs: Math.round(latencies.at(-1) * 10) / 10,
      ordersPerSecond: Math.round((orders / wallSeconds) * 10) / 10,
      queueHops: 2,
    });
  }
  return rows;
}
