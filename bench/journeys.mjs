// End-to-end latency of a user journey: checkout → order `approved`, through the create-order saga.
// Each order is prepared first (customer, basket with one item, authorized payment); the clock runs from
// the checkout request until GET /api/ordering/{id} answers status "approved".
import { eventually, parallel, storeWithProducts, waitForCatalog } from "./scenarios.mjs";

const pollMs = 10;

export async function prepareOrder(api, productId, i) {
  const { id: customerId } = await api.post("/api/customers", { name: `Bench ${i}`, smsNumber: `555-${i}` });
  const { id: basketId } = await api.post("/api/baskets", { customerId });
  await api.put(`/api/baskets/${basketId}/addItem`, { productId, quantity: 2 });
  const { id: paymentId } = await api.post("/api/payments", { customerId, amount: 100 });
  return { basketId, paymentId };
}

async function checkoutUntilApproved(api, order) {
  const start = performance.now();
  await api.put(`/api/baskets/${order.basketId}/checkout`, { paymentId: order.paymentId });
  await eventually(
    async () => {
      const res = await fetch(`${api.baseUrl}/api/ordering/${order.basketId}`);
      if (!res.ok) return undefined;
      const { order: o } = await res.json();
      if (o.status === "rejected") throw new Error(`order ${order.basketId} was rejected`);
      return o.status === "approved" ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: pollMs, what: `order ${order.basketId} to be approved` },
  );
  return performance.now() - start;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Queue hops from checkout to approval, read from one saga's history: BasketCheckedOut → ordering,
 * OrderCreated → cosec, then each step's command and its reply, except the approval's own reply.
 */
async function hopsOf(api, orderId, adminToken) {
  const res = await fetch(`${api.baseUrl}/api/admin/sagas/${orderId}`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) return null;
  const { saga } = await res.json();
  const commands = saga.history.filter((h) => h.kind === "command").length;
  const replies = saga.history.filter((h) => h.kind === "reply").length;
  return 2 + commands + replies - 1;
}

/** Runs `orders` checkouts at each concurrency and reports p50/p95 latency to approval. */
export async function checkoutToApproved(api, { orders, concurrencies, adminToken }) {
  const { storeId, productIds } = await storeWithProducts(api, 1, { label: "Journey" });
  await waitForCatalog(api, storeId, 1);
  const rows = [];
  for (const concurrency of concurrencies) {
    const prepared = await parallel(orders, 8, (i) => prepareOrder(api, productIds[0], `${concurrency}-${i}`));
    const t0 = performance.now();
    const latencies = (await parallel(orders, concurrency, (i) => checkoutUntilApproved(api, prepared[i]))).sort((a, b) => a - b);
    const wallSeconds = (performance.now() - t0) / 1000;
    rows.push({
      journey: "checkout → approved",
      concurrency,
      orders,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p95Ms: Math.round(percentile(latencies, 95) * 10) / 10,
      maxMs: Math.round(latencies.at(-1) * 10) / 10,
      ordersPerSecond: Math.round((orders / wallSeconds) * 10) / 10,
      queueHops: await hopsOf(api, prepared[0].basketId, adminToken),
    });
  }
  return rows;
}
