// The saga cell "checkout-approved": checkout → order `approved` through the create-order saga.
// Preparation (not measured): a store with products, then per order a customer, a basket with 1–2 lines
// and an authorized payment. Measured: all orders checked out with `concurrency` in flight, each followed
// by GET /api/ordering/{id} every pollMs until it answers "approved"; the clock of an order runs from its
// checkout request to that answer. The system's CPU (from /proc) covers the whole cell: from the first
// checkout until the work the orders caused has drained (the system's processes are quiet again).
import { cpuBetween, ownCpuMs, perUnit, sampleTree, untilIdle } from "./cpu.mjs";
import { parallel, storeWithProducts, waitForCatalog } from "./scenarios.mjs";

/** Printed next to the values, not asserted. */
export const sagaTargets = { ordersPerSecond: 50, p50Ms: 300, singleP50Ms: 60 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round1 = (v) => Math.round(v * 10) / 10;

export async function prepareOrder(api, productIds, tag, i) {
  const { id: customerId } = await api.post("/api/customers", { name: `Saga ${tag}-${i}`, smsNumber: `555-${i}` });
  const { id: basketId } = await api.post("/api/baskets", { customerId });
  for (let k = 0; k < 1 + (i % 2); k++) {
    await api.put(`/api/baskets/${basketId}/addItem`, { productId: productIds[(i + k) % productIds.length], quantity: 1 + (i % 3) });
  }
  const { id: paymentId } = await api.post("/api/payments", { customerId, amount: 100 });
  return { basketId, paymentId };
}

/** The order's status, or null while it does not exist yet. */
async function orderStatus(api, id) {
  const { status, text } = await api.request("GET", `/api/ordering/${id}`);
  if (status === 404) return null;
  if (status !== 200) throw new Error(`GET /api/ordering/${id} → ${status} ${text.slice(0, 200)}`);
  return JSON.parse(text).order.status;
}

/** Checks one basket out, then polls its order until approved: { latencyMs, approvedAt, polls, sentAt }. */
async function checkoutUntilApproved(api, order, pollMs, timeoutMs = 120_000) {
  const sentAt = Date.now();
  const start = performance.now();
  await api.put(`/api/baskets/${order.basketId}/checkout`, { paymentId: order.paymentId });
  for (let polls = 1; ; polls++) {
    await sleep(pollMs);
    const status = await orderStatus(api, order.basketId);
    if (status === "approved") return { latencyMs: performance.now() - start, approvedAt: performance.now(), polls, sentAt };
    if (status === "rejected") throw new Error(`order ${order.basketId} was rejected`);
    if (performance.now() - start > timeoutMs) throw new Error(`order ${order.basketId} not approved within ${timeoutMs} ms (status ${status})`);
  }
}

/** A GET of the admin API: { status, text }. */
function adminGet(api, path, adminToken) {
  return api.request("GET", path, { headers: { authorization: `Bearer ${adminToken}` } });
}

async function sagaOf(api, orderId, adminToken) {
  const { status, text } = await adminGet(api, `/api/admin/sagas/${orderId}`, adminToken);
  return status === 200 ? JSON.parse(text).saga : null;
}

/**
 * Queue hops from checkout to approval, read from one saga's history: BasketCheckedOut → ordering,
 * OrderCreated → cosec, then each step's command and its reply, except the approval's own reply.
 */
function hopsOf(saga) {
  if (!saga) return null;
  const commands = saga.history.filter((h) => h.kind === "command").length;
  const replies = saga.history.filter((h) => h.kind === "reply").length;
  return 2 + commands + replies - 1;
}

/** The saga's history as [kind name, ms since the entry before] (where the slowest order waited). */
function timeline(saga) {
  if (!saga) return null;
  const at = (i) => Date.parse(saga.history[i].at);
  return saga.history.map((h, i) => [`${h.kind} ${h.name}`, i === 0 ? 0 : at(i) - at(i - 1)]);
}

/**
 * When the order's approval was committed, in ms after its checkout request was sent: the time of its
 * `ordering.OrderApproved` event (the system's clock, which the bench shares). Unlike the polled latency it
 * carries no wait for the next poll.
 */
async function approvalCommittedMs(api, orderId, sentAt, adminToken) {
  const { status, text } = await adminGet(api, `/api/admin/streams/ordering.Order/${orderId}/events`, adminToken);
  if (status !== 200) throw new Error(`GET the events of order ${orderId} → ${status} ${text.slice(0, 200)}`);
  const approved = JSON.parse(text).events.find((e) => e.name === "ordering.OrderApproved");
  if (!approved) throw new Error(`order ${orderId} has no OrderApproved event`);
  return Date.parse(approved.occurredAt) - sentAt;
}

/** The system's CPU per order GET (what one poll costs it), from `count` GETs of approved orders. */
async function pollCost(api, systemPid, ids, count = 200) {
  const before = sampleTree(systemPid);
  await parallel(count, 4, (i) => orderStatus(api, ids[i % ids.length]));
  return cpuBetween(before, sampleTree(systemPid)).ms / count;
}

/** One level: check out `prepared` with `concurrency` in flight, measured as described at the top. */
async function measure(api, { systemPid, prepared, concurrency, pollMs, adminToken }) {
  await untilIdle(systemPid); // the preparation's queued work is not part of the cell
  const systemBefore = sampleTree(systemPid);
  const ownBefore = process.cpuUsage();
  const t0 = performance.now();
  const runs = await parallel(prepared.length, concurrency, (i) => checkoutUntilApproved(api, prepared[i], pollMs));
  const wallSeconds = (Math.max(...runs.map((r) => r.approvedAt)) - t0) / 1000;
  const drainMs = await untilIdle(systemPid);
  const system = cpuBetween(systemBefore, sampleTree(systemPid));
  const loadMs = ownCpuMs(ownBefore);
  const latencies = runs.map((r) => r.latencyMs).sort((a, b) => a - b);
  const slowest = prepared[runs.findIndex((r) => r.latencyMs === latencies.at(-1))].basketId;
  const orders = prepared.length;
  const polls = runs.reduce((sum, r) => sum + r.polls, 0);
  const ids = prepared.map((p) => p.basketId);
  const committed = (await parallel(orders, 8, (i) => approvalCommittedMs(api, ids[i], runs[i].sentAt, adminToken))).sort((a, b) => a - b);
  return {
    journey: "checkout → approved",
    cell: "checkout-approved",
    concurrency,
    orders,
    p50Ms: round1(percentile(latencies, 50)),
    p95Ms: round1(percentile(latencies, 95)),
    committedP50Ms: round1(percentile(committed, 50)),
    maxMs: round1(latencies.at(-1)),
    ordersPerSecond: round1(orders / wallSeconds),
    queueHops: hopsOf(await sagaOf(api, ids[0], adminToken)),
    pollMs,
    pollsPerOrder: round1(polls / orders),
    pollCpuMsPerOrder: round1(((await pollCost(api, systemPid, ids)) * polls) / orders),
    drainMs,
    slowestSaga: { id: slowest, timeline: timeline(await sagaOf(api, slowest, adminToken)) },
    cpu: { system: perUnit(system, orders), load: perUnit({ ms: loadMs }, orders) },
    targets: concurrency === 1 ? { p50Ms: sagaTargets.singleP50Ms } : { ordersPerSecond: sagaTargets.ordersPerSecond, p50Ms: sagaTargets.p50Ms },
  };
}

/**
 * Runs the cell at each level of `concurrencies`: level 1 is the "single order" measurement (singleOrders
 * checkouts one after the other), every other level checks out `orders` baskets.
 */
export async function checkoutToApproved(api, { orders, singleOrders, concurrencies, pollMs, singlePollMs, adminToken, systemPid }) {
  const { storeId, productIds } = await storeWithProducts(api, 4, { label: "Saga" });
  await waitForCatalog(api, storeId, productIds.length);
  const rows = [];
  for (const concurrency of concurrencies) {
    const n = concurrency === 1 ? singleOrders : orders;
    if (n === 0) continue;
    const prepared = await parallel(n, 8, (i) => prepareOrder(api, productIds, concurrency, i));
    const poll = concurrency === 1 ? singlePollMs : pollMs;
    rows.push(await measure(api, { systemPid, prepared, concurrency, pollMs: poll, adminToken }));
  }
  return rows;
}
