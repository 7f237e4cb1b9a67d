import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  configureUsage,
  meterAlarm,
  meterBatch,
  metered,
  meterEnv,
  meterObject,
  operationsOf,
  queueOperationBytes,
  resetUsage,
  takeUsage,
  usageOn,
  type UsageCounts,
} from "../../src/kernel/usage";

/** The counting and line logic of src/kernel/usage.ts, with fake bindings (test/integration/usage.test.ts has the real ones). */

let lines: (UsageCounts & { entry: string; msg: string; level: string })[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(console, "log").mockImplementation((text: string) => void lines.push(JSON.parse(text)));
});
afterEach(() => {
  vi.restoreAllMocks();
  resetUsage();
});

const on = { USAGE_LOG: "true" };

/** A D1 binding whose statements answer with the given metadata. */
function fakeD1(meta = { rows_read: 3, rows_written: 2 }) {
  const seen: string[] = [];
  const statement = (sql: string, params: unknown[] = []) => ({
    sql,
    params,
    bind: (...values: unknown[]) => statement(sql, values),
    all: async () => (seen.push(`all ${sql}`), { results: [{ a: 1, b: 2 }], success: true, meta }),
    run: async () => (seen.push(`run ${sql}`), { results: [], success: true, meta }),
    first: async () => {
      throw new Error("the metered first() runs all()");
    },
  });
  const db = {
    prepare: (sql: string) => statement(sql),
    batch: async (statements: { sql: string }[]) =>
      statements.map((s) => {
        if (!("bind" in s)) throw new Error("batch was given a wrapper, not the statement");
        seen.push(`batch ${s.sql}`);
        return { results: [], success: true, meta };
      }),
  };
  return { db: db as unknown as D1Database, seen };
}

describe("switching", () => {
  it("is off unless USAGE_LOG is exactly \"true\", and off means untouched bindings and no line", async () => {
    for (const value of [undefined, "", "false", "TRUE", "1"]) expect(configureUsage({ USAGE_LOG: value })).toBe(false);
    const env = { DB: fakeD1().db, LOG_LEVEL: "info" };
    expect(meterEnv(env)).toBe(env);
    expect(await metered("fetch", env, (e) => (expect(e).toBe(env), "answer"))).toBe("answer");
    const batch = { messages: [], queue: "q" } as unknown as MessageBatch;
    expect(meterBatch(batch)).toBe(batch);
    meterAlarm();
    expect(lines).toEqual([]);
    expect(takeUsage().fetch).toBe(0);
  });

  it("stays on for the isolate once an entry saw USAGE_LOG = \"true\" (an object's env without it does not switch it off)", () => {
    expect(configureUsage(on)).toBe(true);
    expect(configureUsage({})).toBe(true);
    expect(usageOn()).toBe(true);
  });
});

describe("lines", () => {
  it("one per invocation when it ends, with what was counted since the line before; then the counters restart", async () => {
    const { db } = fakeD1();
    await metered("fetch", { ...on, DB: db }, async (env) => {
      await env.DB.prepare("SELECT 1").all();
      await env.DB.prepare("UPDATE t").run();
    });
    await metered("queue", { ...on, DB: db }, async () => {});
    expect(lines).toEqual([
      expect.objectContaining({ level: "info", msg: "usage", entry: "fetch", fetch: 1, queue: 0, d1Queries: 2, d1RowsRead: 6, d1RowsWritten: 4 }),
      expect.objectContaining({ entry: "queue", fetch: 0, queue: 1, d1Queries: 0, d1RowsRead: 0 }),
    ]);
  });

  it("writes the line even when the invocation throws, and interleaved invocations sum exactly", async () => {
    const { db } = fakeD1({ rows_read: 1, rows_written: 0 });
    const env = { ...on, DB: db };
    await expect(metered("fetch", env, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    let release!: () => void;
    const slow = metered("fetch", env, async (e) => {
      await new Promise<void>((r) => (release = r));
      await e.DB.prepare("SELECT 2").all();
    });
    await metered("scheduled", env, (e) => e.DB.prepare("SELECT 1").all());
    release();
    await slow;
    const total = (key: keyof UsageCounts) => lines.reduce((n, l) => n + l[key], 0);
    expect(lines.map((l) => l.entry)).toEqual(["fetch", "scheduled", "fetch"]);
    expect([total("fetch"), total("scheduled"), total("d1Queries"), total("d1RowsRead")]).toEqual([2, 1, 2, 2]);
  });

  it("an alarm counts itself and writes the line at once", () => {
    configureUsage(on);
    meterAlarm();
    expect(lines).toEqual([expect.objectContaining({ entry: "alarm", doAlarms: 1 })]);
  });
});

describe("D1", () => {
  it("counts first() through all(), keeps its answer, and unwraps statements given to batch()", async () => {
    const { db, seen } = fakeD1({ rows_read: 5, rows_written: 1 });
    configureUsage(on);
    const env = meterEnv({ DB: db });
    expect(await env.DB.prepare("SELECT a").bind(1).first()).toEqual({ a: 1, b: 2 });
    expect(await env.DB.prepare("SELECT a").first("b")).toBe(2);
    await expect(env.DB.prepare("SELECT a").first("c")).rejects.toThrow("D1_COLUMN_NOTFOUND");
    await env.DB.batch([env.DB.prepare("INSERT x").bind(1), env.DB.prepare("INSERT y")]);
    expect(seen).toEqual(["all SELECT a", "all SELECT a", "all SELECT a", "batch INSERT x", "batch INSERT y"]);
    expect(takeUsage()).toMatchObject({ d1Queries: 5, d1Requests: 4, d1RowsRead: 25, d1RowsWritten: 5 });
  });
});

describe("queues", () => {
  it("counts each message sent once it was taken, in 64 KB operations", async () => {
    const taken: unknown[] = [];
    const queue = {
      send: async (body: unknown) => void taken.push(body),
      sendBatch: async (messages: MessageSendRequest[]) => {
        if (messages.some((m) => m.body === "refused")) throw new Error("queue refused");
        for (const m of messages) taken.push(m.body);
      },
    };
    configureUsage(on);
    const env = meterEnv({ Q_BASKETS: queue as unknown as Queue });
    await env.Q_BASKETS.send({ small: true });
    await env.Q_BASKETS.sendBatch([{ body: "a" }, { body: "x".repeat(queueOperationBytes + 1) }]);
    await expect(env.Q_BASKETS.sendBatch([{ body: "refused" }])).rejects.toThrow("refused");
    expect(taken).toHaveLength(3);
    expect(takeUsage()).toMatchObject({ queueSent: 3, queueWriteOps: 1 + 1 + 2 });
  });

  it("sizes operations by the body's UTF-8 bytes (JSON for objects), at least one", () => {
    expect(operationsOf("")).toBe(1);
    expect(operationsOf("é".repeat(queueOperationBytes / 2))).toBe(1);
    expect(operationsOf("é".repeat(queueOperationBytes / 2 + 1))).toBe(2);
    expect(operationsOf({ text: "x".repeat(2 * queueOperationBytes) })).toBe(3);
  });

  it("counts a consumer's deliveries (reads), acks (deletes) and retries, one by one or for the batch", () => {
    const message = (id: string) => ({ id, body: { id }, attempts: 1, ack: vi.fn(), retry: vi.fn() });
    const messages = [message("a"), message("b"), message("c")];
    const batch = { queue: "mallbots-baskets", messages, ackAll: vi.fn(), retryAll: vi.fn() } as unknown as MessageBatch;
    configureUsage(on);
    const metered = meterBatch(batch);
    expect(metered.queue).toBe("mallbots-baskets");
    expect(metered.messages.map((m) => m.id)).toEqual(["a", "b", "c"]);
    metered.messages[0]!.ack();
    metered.messages[1]!.retry({ delaySeconds: 5 });
    expect(messages[0]!.ack).toHaveBeenCalledOnce();
    expect(messages[1]!.retry).toHaveBeenCalledWith({ delaySeconds: 5 });
    expect(takeUsage()).toMatchObject({ queueReceived: 3, queueReadOps: 3, queueAcked: 1, queueDeleteOps: 1, queueRetried: 1 });
    meterBatch(batch).ackAll();
    meterBatch(batch).retryAll();
    expect(batch.ackAll).toHaveBeenCalledOnce();
    expect(takeUsage()).toMatchObject({ queueReceived: 6, queueAcked: 3, queueDeleteOps: 3, queueRetried: 3 });
  });
});

describe("objects", () => {
  it("counts every call through a stub of a metered namespace as one request", async () => {
    const stub = { id: "x", execute: vi.fn(async () => "done"), get: vi.fn(async () => "state") };
    const namespace = { idFromName: (name: string) => name, get: vi.fn(() => stub) };
    configureUsage(on);
    const env = meterEnv({ ORDER: namespace as unknown as DurableObjectNamespace });
    const client = env.ORDER.get(env.ORDER.idFromName("o-1")) as unknown as typeof stub;
    expect(client.id).toBe("x");
    expect(await client.execute()).toBe("done");
    expect(await client.get()).toBe("state");
    expect(takeUsage()).toMatchObject({ doCalls: 2 });
  });

  it("meters an object's SQL cursors (complete by the next line) and its alarm writes", () => {
    const cursors: { rowsRead: number; rowsWritten: number }[] = [];
    const sql = {
      exec: (query: string, ..._bindings: unknown[]) => {
        const cursor = { query, rowsRead: 0, rowsWritten: 0, toArray: () => [] };
        cursors.push(cursor);
        return cursor;
      },
    };
    const storage = { sql, setAlarm: vi.fn(async (_at: number) => {}), deleteAlarm: vi.fn(async () => {}) };
    const env = { USAGE_LOG: "true", DB: fakeD1().db };
    const metered = meterObject({ storage } as unknown as DurableObjectState, env);
    expect(metered.DB).not.toBe(env.DB); // the env's bindings are metered too
    storage.sql.exec("SELECT 1");
    storage.sql.exec("INSERT 2");
    // a schema script runs statement by statement (a cursor counts only a script's last statement)
    expect(storage.sql.exec("CREATE TABLE a (x);\n  CREATE INDEX a_x ON a (x);\n")).toMatchObject({ query: "  CREATE INDEX a_x ON a (x)" });
    expect(cursors.map((c) => (c as unknown as { query: string }).query)).toEqual(["SELECT 1", "INSERT 2", "CREATE TABLE a (x)", "  CREATE INDEX a_x ON a (x)"]);
    storage.sql.exec("UPDATE t SET a = ?;\n", 1); // with bindings: as given
    void storage.setAlarm(1);
    void storage.deleteAlarm();
    // the runtime completes a cursor's counts as it is read: only the line reads them
    cursors[0]!.rowsRead = 4;
    cursors[1]!.rowsWritten = 3;
    cursors[2]!.rowsWritten = 2;
    expect(cursors[4]).toMatchObject({ query: "UPDATE t SET a = ?;\n" });
    meterAlarm();
    expect(lines).toEqual([expect.objectContaining({ entry: "alarm", sqlRowsRead: 4, sqlRowsWritten: 5, alarmWrites: 2, doAlarms: 1, doStarts: 1 })]);
    expect(takeUsage()).toMatchObject({ sqlRowsRead: 0, sqlRowsWritten: 0 });
  });
});
