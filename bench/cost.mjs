// Cost per 1,000 orders on Cloudflare, counted, not estimated: a system of its own runs with USAGE_LOG=true
// (src/kernel/usage.ts), so every invocation writes a usage line with what it counted (Worker invocations,
// Durable Object requests, object SQLite rows, D1 rows from D1's result metadata, queue messages and their
// 64 KB operations). The lines of the measured window are summed, divided by the completed orders and
// priced at Cloudflare's list prices (`prices`, bench/README.md "Cost per 1,000 orders").
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { allProcesses } from "../scripts/proc.mjs";
import { clockTicks } from "./cpu.mjs";
import { prepareOrder } from "./journeys.mjs";
import { apiClient, eventually, parallel, storeWithProducts, waitForCatalog } from "./scenarios.mjs";

/**
 * Cloudflare's list prices in USD (Workers Paid), as published on the Workers, Durable Objects, D1 and
 * Queues pricing pages as known on 2026-11-30. Free allowances (included requests, CPU, rows, operations)
 * are ignored: these are marginal prices.
 */
export const prices = {
  date: "2026-11-30",
  workerRequest: 0.3 / 1e6,
  workerCpuMs: 0.02 / 1e6,
  doRequest: 0.15 / 1e6,
  sqlRowRead: 0.001 / 1e6,
  sqlRowWritten: 1.0 / 1e6,
  d1RowRead: 0.001 / 1e6,
  d1RowWritten: 1.0 / 1e6,
  queueOperation: 0.4 / 1e6,
};

const counters = [
  "fetch", "queue", "scheduled", "doCalls", "doAlarms", "doStarts", "sqlRowsRead", "sqlRowsWritten", "alarmWrites",
  "d1Queries", "d1Requests", "d1RowsRead", "d1RowsWritten", "queueSent", "queueWriteOps", "queueReceived", "queueReadOps",
  "queueAcked", "queueDeleteOps", "queueRetried",
];

/** Sums the usage lines of a log (other lines are ignored); `lines` is how many there were. */
export function sumUsage(text) {
  const total = Object.fromEntries(counters.map((k) => [k, 0]));
  total.lines = 0;
  for (const line of text.split("\n")) {
    const at = line.indexOf('{"level":"info","msg":"usage"');
    if (at < 0) continue;
    const usage = JSON.parse(line.slice(at));
    for (const k of counters) total[k] += usage[k] ?? 0;
    total.lines++;
  }
  return total;
}

/**
 * Per-order counts and dollars from the summed usage of `orders` completed orders. `cpuMsPerOrder` (Worker
 * CPU) comes from outside: usage lines cannot see CPU time. Returns the table's rows and the total.
 */
export function costOf(total, orders, { cpuMsPerOrder = null, cpuSource = "given" } = {}) {
  const per = (n) => n / orders;
  const row = (item, count, unitPrice, note = "") => ({
    item,
    perOrder: count === null ? null : per(count),
    dollarsPer1000: count === null || unitPrice === null ? null : per(count) * 1000 * unitPrice,
    note,
  });
  const invocations = total.fetch + total.queue + total.scheduled;
  const rows = [
    row("Worker invocations", invocations, prices.workerRequest, `fetch ${per(total.fetch).toFixed(2)}, queue batches ${per(total.queue).toFixed(2)}, cron ${per(total.scheduled).toFixed(2)}`),
    row("Worker CPU ms", cpuMsPerOrder === null ? null : cpuMsPerOrder * orders, prices.workerCpuMs, cpuMsPerOrder === null ? "not measured" : cpuSource),
    row("Durable Object requests", total.doCalls + total.doAlarms, prices.doRequest, `calls ${per(total.doCalls).toFixed(2)}, alarms ${per(total.doAlarms).toFixed(2)}; ${per(total.doStarts).toFixed(2)} instances started`),
    row("DO SQLite rows read", total.sqlRowsRead, prices.sqlRowRead),
    row("DO SQLite rows written", total.sqlRowsWritten, prices.sqlRowWritten, "index updates included"),
    row("DO alarm writes", total.alarmWrites, prices.sqlRowWritten, "setAlarm/deleteAlarm, priced as a row written each"),
    row("D1 rows read", total.d1RowsRead, prices.d1RowRead, `${per(total.d1Queries).toFixed(1)} statements in ${per(total.d1Requests).toFixed(1)} requests`),
    row("D1 rows written", total.d1RowsWritten, prices.d1RowWritten),
    row(
      "Queue operations",
      total.queueWriteOps + total.queueReadOps + total.queueDeleteOps,
      prices.queueOperation,
      `${per(total.queueSent).toFixed(2)} messages sent, ${per(total.queueReceived).toFixed(2)} delivered, ${per(total.queueRetried).toFixed(2)} retried`,
    ),
  ];
  const dollarsPer1000 = rows.reduce((sum, r) => sum + (r.dollarsPer1000 ?? 0), 0);
  return { orders, pricesDate: prices.date, rows, dollarsPer1000, total, cpuMsPerOrder };
}

export function printCost(cost) {
  const fmtCount = (v) => (v === null ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const fmtDollars = (v) => (v === null ? "—" : `$${v.toFixed(v < 0.01 ? 6 : 4)}`);
  const header = ["per completed order", "count", "$ per 1,000 orders", "detail"];
  const lines = cost.rows.map((r) => [r.item, fmtCount(r.perOrder), fmtDollars(r.dollarsPer1000), r.note]);
  lines.push(["total (priced rows)", "", fmtDollars(cost.dollarsPer1000), `${cost.orders} orders, list prices of ${cost.pricesDate}, no free allowances, no DO duration`]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const line = (cells) => cells.map((cell, c) => (c === 0 || c === 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(line(l));
}

/** Waits until the log has not grown for `forMs` (the pipeline is drained and every line has arrived). */
async function quiet(logFile, forMs, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let size = -1;
  for (;;) {
    const now = statSync(logFile).size;
    if (now === size) return now;
    if (Date.now() > deadline) throw new Error(`the system did not go quiet within ${timeoutMs} ms`);
    size = now;
    await new Promise((r) => setTimeout(r, forMs));
  }
}

/** CPU ms (user + system) of the workerd processes in a process group, from /proc (null when there are none). */
export function workerdCpuMs(processGroup) {
  const workerd = allProcesses().filter((p) => p.name.startsWith("workerd") && p.pgrp === processGroup);
  return workerd.length === 0 ? null : (workerd.reduce((sum, p) => sum + p.ticks, 0) * 1000) / clockTicks;
}

/**
 * Starts a system of its own (`local` is scripts/local.mjs of the served tree) with USAGE_LOG=true and its
 * output in `dir`/system.log, prepares a store with a product, then measures `orders` orders end to end:
 * customer registered, basket started, one item added, payment authorized, checked out, and the
 * create-order saga completed (order approved), read from the saga's log lines so the bench adds no polling
 * requests. After the pipeline drains, one GET /liveness flushes the last counts (its own invocation is
 * taken off). `cpuMsPerOrder`, if given, replaces the workerd CPU read from /proc.
 */
export async function measureCost({ local, port, dir, orders, adminToken = "bench", cpuMsPerOrder = null, width = 8 }) {
  const logFile = join(dir, "system.log");
  const fd = openSync(logFile, "a");
  let system;
  try {
    system = await local.startSystem({ port, persistTo: join(dir, "state"), vars: { USAGE_LOG: "true", ADMIN_TOKEN: adminToken }, stdio: ["ignore", fd, fd], timeoutMs: 120_000 });
  } finally {
    closeSync(fd);
  }
  try {
    const api = apiClient(`http://127.0.0.1:${port}`);
    const flush = () => fetch(`${api.baseUrl}/liveness`).then((r) => r.text());
    const { storeId, productIds } = await storeWithProducts(api, 1, { label: "Cost" });
    await waitForCatalog(api, storeId, 1);
    await quiet(logFile, 2_000);
    await flush();
    const from = await quiet(logFile, 1_000);
    const cpuFrom = workerdCpuMs(system.pid);
    const started = performance.now();

    await parallel(orders, width, async (i) => {
      const order = await prepareOrder(api, [productIds[0]], "cost", i);
      await api.put(`/api/baskets/${order.basketId}/checkout`, { paymentId: order.paymentId });
    });
    const sagaEnds = () => {
      const text = readFileSync(logFile).subarray(from).toString("utf8");
      const ends = { completed: 0, other: 0 };
      for (const m of text.matchAll(/"msg":"saga status".*?"to":"(\w+)"/g)) if (m[1] === "completed") ends.completed++; else if (m[1] !== "running") ends.other++;
      return ends;
    };
    await eventually(
      async () => {
        const ends = sagaEnds();
        if (ends.other > 0) throw new Error(`${ends.other} sagas did not complete`);
        return ends.completed >= orders ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 200, what: `${orders} create-order sagas to complete` },
    );
    const secondsToComplete = (performance.now() - started) / 1000;
    await quiet(logFile, 3_000); // what the approvals set off (events to search and notifications) drains
    await flush();
    const to = await quiet(logFile, 1_000);
    const cpuTo = workerdCpuMs(system.pid);
    const total = sumUsage(readFileSync(logFile).subarray(from, to).toString("utf8"));
    total.fetch -= 1; // the flush request itself
    const measuredCpu = cpuFrom === null || cpuTo === null ? null : (cpuTo - cpuFrom) / orders;
    const cpuSource = cpuMsPerOrder !== null ? "given" : "workerd user+system CPU over the window (/proc): an upper bound";
    const cost = costOf(total, orders, { cpuMsPerOrder: cpuMsPerOrder ?? measuredCpu, cpuSource });
    return { ...cost, cpuSource, secondsToComplete: Math.round(secondsToComplete * 10) / 10, logFile };
  } finally {
    await local.stopSystem(system);
  }
}
