import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { type UsageCounts, resetUsage, takeUsage, usageOn } from "../../src/kernel/usage";
import { event } from "./saga-support";
import { eventually, stubOf } from "./helpers";

/**
 * Usage metering inside workerd (src/kernel/usage.ts): requests made through the Worker entry with
 * USAGE_LOG = "true" write usage lines whose counts come from the real bindings (SQLite cursors in the
 * objects, D1 result metadata, queue producers and the consumer's batch).
 */

type Line = UsageCounts & { level: string; msg: string; entry: string };
let written: string[] = [];
beforeEach(() => {
  written = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(" ")));
});
afterEach(() => {
  vi.restoreAllMocks();
  resetUsage();
});

const usageLines = (): Line[] => written.flatMap((w) => (w.startsWith('{"level":"info","msg":"usage"') ? [JSON.parse(w) as Line] : []));
const meteredEnv = { ...env, USAGE_LOG: "true" };

/** One request through the Worker entry; waits for what it left to ctx.waitUntil. */
async function call(method: string, path: string, body?: unknown, vars: object = meteredEnv) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://mallbots${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }),
    vars as typeof env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text.startsWith("{") ? (JSON.parse(text) as Record<string, string>) : {};
}

/** Waits until no line has been written for 300 ms (the real queues deliver what objects relayed). */
async function quiet(): Promise<void> {
  let seen = -1;
  await eventually(async () => {
    if (written.length === seen) return true;
    seen = written.length;
    await new Promise((r) => setTimeout(r, 300));
    return undefined;
  });
}

/**
 * Lines interleave (a queue delivery's line may carry an object's rows), so counts are read as sums: the
 * lines written by `work`, a flush request (GET /liveness) and everything they set off, totalled.
 */
async function usageOf(work: () => Promise<unknown>): Promise<UsageCounts & { lines: number }> {
  await quiet();
  const from = usageLines().length;
  await work();
  await call("GET", "/liveness");
  await quiet();
  const lines = usageLines().slice(from);
  const total = { ...takeUsage(), lines: lines.length };
  for (const line of lines) for (const key of Object.keys(total) as (keyof UsageCounts)[]) if (key in line) total[key] += line[key];
  return total;
}

describe("usage lines", () => {
  it("are not written, and nothing is wrapped, while USAGE_LOG is unset", async () => {
    await call("GET", "/liveness", undefined, env);
    expect(usageOn()).toBe(false);
    expect(usageLines()).toEqual([]);
  });

  it("count a basket add-item: its invocation, object calls, SQLite rows written, D1 reads", async () => {
    const { id: storeId } = await call("POST", "/api/stores", { name: "Metered", location: "Mall" });
    const { id: productId } = await call("POST", `/api/stores/${storeId}/products`, { name: "Thing", description: "", sku: "t", price: 2 });
    const { id: basketId } = await call("POST", "/api/baskets", { customerId: "C" });
    expect(usageLines().filter((l) => l.entry === "fetch")).toHaveLength(3); // one line per request

    const used = await usageOf(() => call("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity: 1 }));
    // the add-item and the flush; the item event has no subscriber, so no queue work follows
    expect(used).toMatchObject({ fetch: 2, queue: 0, scheduled: 0, queueSent: 0, lines: 2 });
    // the basket's execute, and the product lookup's snapshots if the baskets cache had no row yet
    expect(used.doCalls).toBeGreaterThanOrEqual(1);
    expect(used.sqlRowsWritten).toBeGreaterThanOrEqual(1); // the event row in the Basket object
    expect(used.sqlRowsRead).toBeGreaterThanOrEqual(1); // the append's version check
    expect(used.d1Queries).toBeGreaterThanOrEqual(1); // the baskets cache lookup
  });

  it("count what the relay (ctx.waitUntil in the object) sends and what the consumers do with it", async () => {
    // a new store is announced to baskets, depot and search
    const used = await usageOf(() => call("POST", "/api/stores", { name: "Relayed", location: "Mall" }));
    expect(used.fetch).toBe(2);
    expect(used.doCalls).toBeGreaterThanOrEqual(1); // the Store's execute
    expect(used.queueSent).toBeGreaterThanOrEqual(3); // storesapi.StoreCreated to three contexts (and stores.* to stores)
    expect(used.queueWriteOps).toBe(used.queueSent); // small messages: one operation each
    expect(used.queueReceived).toBe(used.queueSent); // every copy delivered once …
    expect(used.queueAcked).toBe(used.queueSent); // … and acknowledged
    expect(used.queueDeleteOps).toBe(used.queueAcked);
    expect(used.queue).toBeGreaterThanOrEqual(1);
    expect(used.d1RowsWritten).toBeGreaterThanOrEqual(3); // the projections' rows and inbox marks
    expect(used.sqlRowsWritten).toBeGreaterThanOrEqual(3); // event, outbox message, deliveries
  });

  it("count a consumer batch: deliveries read, acks deleted, D1 rows written by the projection", async () => {
    const id = crypto.randomUUID();
    const m = event("storesapi.StoreCreated", { id, name: "Queued", location: "L" }, { name: "stores.Store", id, version: 1 });
    const batch = createMessageBatch("mallbots-baskets", [{ id: m.id, timestamp: new Date(), attempts: 1, body: m }]);
    await worker.queue(batch, meteredEnv as typeof env);
    expect(await getQueueResult(batch, createExecutionContext())).toMatchObject({ explicitAcks: [m.id], retryMessages: [] });
    const [line] = usageLines();
    expect(line).toMatchObject({ entry: "queue", queue: 1, fetch: 0, queueReceived: 1, queueReadOps: 1, queueAcked: 1, queueDeleteOps: 1, queueRetried: 0 });
    expect(line!.d1RowsWritten).toBeGreaterThanOrEqual(1);
    expect(line!.d1Queries).toBe(4); // one batch: the projection rule's read, the insert, the stream and inbox rows
    expect(line!.d1Requests).toBe(1);
  });

  it("count an object's alarm when it runs, and the alarm writes", async () => {
    await call("GET", "/liveness"); // switches metering on for this isolate
    const id = crypto.randomUUID();
    const stub = stubOf(env.TOY, id);
    const used = await usageOf(async () => {
      await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now() + 60_000));
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    });
    expect(usageLines().filter((l) => l.entry === "alarm")).toHaveLength(1);
    expect(used).toMatchObject({ doAlarms: 1, fetch: 1 });
    expect(used.alarmWrites).toBeGreaterThanOrEqual(1); // the setAlarm above
    expect(used.sqlRowsRead).toBeGreaterThanOrEqual(1); // the constructor's look for unsent outbox rows
    expect(used.doStarts).toBe(1); // the toy object, constructed by the first call into it
  });
});
