import { firstOf, isD1, override } from "./bindings";

/**
 * Usage metering for the cost bench (bench/cost.mjs, bench/README.md "Cost per 1,000 orders"): with
 * `USAGE_LOG = "true"` the isolate counts what Cloudflare bills — Worker invocations, Durable Object
 * requests, SQLite rows read and written in objects, D1 rows (from D1's result metadata), queue messages
 * and their 64 KB operations — and writes them as JSON lines `{"level":"info","msg":"usage",entry,...}`.
 *
 * Each line carries what the isolate counted since its previous line and resets the counters, so the
 * sum over all lines is exact although invocations interleave; work that outlives its invocation
 * (ctx.waitUntil, e.g. the outbox relay) lands in a later line. A Worker invocation (fetch, queue,
 * scheduled) writes its line when it ends, an object's alarm when it starts.
 *
 * The hooks are few: the Worker entry (src/index.ts) and the OutboxObject constructor and alarm. They
 * wrap the env's bindings (D1 databases, queue producers, object namespaces and their stubs), the
 * object's SQL storage and the consumer's batch. Off (the default), `configureUsage` is one comparison
 * and every wrapper hands back what it was given.
 */

export interface UsageCounts {
  /** Worker invocations by entry point. */
  fetch: number;
  queue: number;
  scheduled: number;
  /** Durable Object requests: calls through a stub (RPC or fetch), and alarms run. */
  doCalls: number;
  doAlarms: number;
  /** Object instances constructed (not billed as such: a measure for estimating duration). */
  doStarts: number;
  /** SQLite in objects (SqlStorageCursor.rowsRead/rowsWritten; index updates count as writes). */
  sqlRowsRead: number;
  sqlRowsWritten: number;
  /** setAlarm/deleteAlarm calls (SQLite-backed objects keep the alarm in storage). */
  alarmWrites: number;
  /** D1 statements run and their `meta.rows_read` / `meta.rows_written`. */
  d1Queries: number;
  /** D1 round trips: a statement run on its own, or a batch (not billed: a measure of overhead). */
  d1Requests: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  /** Messages given to queue producers, and the 64 KB operations they write. */
  queueSent: number;
  queueWriteOps: number;
  /** Messages delivered to consumers (each delivery is a read), acknowledged (a delete) or retried. */
  queueReceived: number;
  queueReadOps: number;
  queueAcked: number;
  queueDeleteOps: number;
  queueRetried: number;
}

export type UsageEntry = "fetch" | "queue" | "scheduled" | "alarm";

const zero = (): UsageCounts => ({
  fetch: 0,
  queue: 0,
  scheduled: 0,
  doCalls: 0,
  doAlarms: 0,
  doStarts: 0,
  sqlRowsRead: 0,
  sqlRowsWritten: 0,
  alarmWrites: 0,
  d1Queries: 0,
  d1Requests: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  queueSent: 0,
  queueWriteOps: 0,
  queueReceived: 0,
  queueReadOps: 0,
  queueAcked: 0,
  queueDeleteOps: 0,
  queueRetried: 0,
});

let on = false;
let counts = zero();
/** Cursors handed out since the last line: their row counts are complete once consumed, i.e. by the next line. */
let cursors: { rowsRead: number; rowsWritten: number }[] = [];

/** Switches metering on for this isolate when USAGE_LOG is "true" (never off: the var is per deployment). */
export function configureUsage(vars: { USAGE_LOG?: string }): boolean {
  if (vars.USAGE_LOG === "true") on = true;
  return on;
}

export const usageOn = (): boolean => on;

/** What was counted since the last line (cursors included), and starts again from zero. */
export function takeUsage(): UsageCounts {
  for (const c of cursors) {
    counts.sqlRowsRead += c.rowsRead;
    counts.sqlRowsWritten += c.rowsWritten;
  }
  cursors = [];
  const taken = counts;
  counts = zero();
  return taken;
}

/** Writes the isolate's usage line (whatever LOG_LEVEL says: metering was asked for explicitly). */
export function writeUsageLine(entry: UsageEntry): void {
  console.log(JSON.stringify({ level: "info", msg: "usage", entry, ...takeUsage() }));
}

/** Test hook: metering off, counters cleared. */
export function resetUsage(): void {
  on = false;
  counts = zero();
  cursors = [];
}

/** Runs a Worker invocation: counted, with metered bindings, its line written when it ends (just `run(env)` while off). */
export function metered<E extends object, T>(entry: Exclude<UsageEntry, "alarm">, env: E & { USAGE_LOG?: string }, run: (env: E) => T | Promise<T>): T | Promise<T> {
  if (!configureUsage(env)) return run(env);
  counts[entry]++;
  return (async () => {
    try {
      return await run(meterEnv(env));
    } finally {
      writeUsageLine(entry);
    }
  })();
}

/** The first thing an object's alarm does: counts it and writes the isolate's line. */
export function meterAlarm(): void {
  if (!on) return;
  counts.doAlarms++;
  writeUsageLine("alarm");
}

/** For the OutboxObject constructor: meters the object's SQL storage and alarm writes, returns its metered env. */
export function meterObject<E extends object>(ctx: DurableObjectState, env: E & { USAGE_LOG?: string }): E {
  if (!configureUsage(env)) return env;
  counts.doStarts++;
  const storage = ctx.storage;
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  // The runtime hands out one SqlStorage per object, so its own `exec` is replaced once. A cursor counts
  // only the last statement of a multi-statement exec, so a script without bindings (the objects' schemas,
  // one statement per ";\n") runs statement by statement: creating a new object's tables is counted too.
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const statements = bindings.length === 0 ? query.split(/;\s*\n/).filter((s) => s.trim() !== "") : [query];
    let cursor!: SqlStorageCursor<Record<string, SqlStorageValue>>;
    for (const statement of statements.length > 0 ? statements : [query]) {
      cursor = exec(statement, ...bindings);
      cursors.push(cursor);
    }
    return cursor;
  }) as SqlStorage["exec"];
  const setAlarm = storage.setAlarm.bind(storage);
  const deleteAlarm = storage.deleteAlarm.bind(storage);
  storage.setAlarm = (...args) => (counts.alarmWrites++, setAlarm(...args));
  storage.deleteAlarm = (...args) => (counts.alarmWrites++, deleteAlarm(...args));
  return meterEnv(env);
}

// ---- bindings --------------------------------------------------------------------------------------

const meteredEnvs = new WeakMap<object, object>();

/** The env with its D1 databases, queue producers and object namespaces metered (the same object while off). */
export function meterEnv<E extends object>(env: E): E {
  if (!on) return env;
  let wrapped = meteredEnvs.get(env) as E | undefined;
  if (!wrapped) {
    const out: Record<string, unknown> = { ...(env as Record<string, unknown>) };
    for (const [name, value] of Object.entries(env)) {
      if (value === null || typeof value !== "object") continue;
      const b = value as Record<string, unknown>;
      if (isD1(value)) out[name] = meterD1(value);
      else if (typeof b.sendBatch === "function") out[name] = meterQueue(value as Queue);
      else if (typeof b.idFromName === "function") out[name] = meterNamespace(value as DurableObjectNamespace);
    }
    wrapped = out as E;
    meteredEnvs.set(env, wrapped);
    meteredEnvs.set(wrapped, wrapped);
  }
  return wrapped;
}

function countD1(result: D1Result<unknown>): void {
  counts.d1Queries++;
  counts.d1RowsRead += result.meta?.rows_read ?? 0;
  counts.d1RowsWritten += result.meta?.rows_written ?? 0;
}

const innerStatements = new WeakMap<object, D1PreparedStatement>();

/** A statement whose results are counted; `first()` runs as `all()` (D1 reads the same rows) to see the metadata. */
function meterStatement(statement: D1PreparedStatement): D1PreparedStatement {
  const all = async () => {
    const result = await statement.all();
    counts.d1Requests++;
    countD1(result);
    return result;
  };
  const wrapped = override(statement, {
    bind: (...values: unknown[]) => meterStatement(statement.bind(...values)),
    all,
    run: async () => {
      const result = await statement.run();
      counts.d1Requests++;
      countD1(result);
      return result;
    },
    first: async (column?: string) => firstOf(await all(), column),
    // raw() is not used by this code base; it is passed through uncounted
  });
  innerStatements.set(wrapped, statement);
  return wrapped;
}

function meterD1(db: D1Database): D1Database {
  return override(db, {
    prepare: (query: string) => meterStatement(db.prepare(query)),
    batch: async (statements: D1PreparedStatement[]) => {
      const results = await db.batch(statements.map((s) => innerStatements.get(s) ?? s));
      counts.d1Requests++;
      for (const r of results) countD1(r);
      return results;
    },
  });
}

/** Queues bill each 64 KB written, read or deleted as one operation. */
export const queueOperationBytes = 64 * 1024;
const encoder = new TextEncoder();
/** The operations one message takes: its body's bytes (JSON as sent) in 64 KB chunks, at least one. */
export function operationsOf(body: unknown): number {
  const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
  return Math.max(1, Math.ceil(encoder.encode(text).byteLength / queueOperationBytes));
}

function meterQueue(queue: Queue): Queue {
  return override(queue, {
    send: async (body: unknown, options?: QueueSendOptions) => {
      const result = await queue.send(body, options);
      counts.queueSent++;
      counts.queueWriteOps += operationsOf(body);
      return result;
    },
    sendBatch: async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      const result = await queue.sendBatch(list, options);
      counts.queueSent += list.length;
      for (const m of list) counts.queueWriteOps += operationsOf(m.body);
      return result;
    },
  });
}

/** Every call through the stub (an RPC method or fetch) is one Durable Object request. */
function meterStub<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(t, p) {
      const value = Reflect.get(t, p);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.doCalls++;
        return Reflect.apply(value, t, args);
      };
    },
  });
}

function meterNamespace(namespace: DurableObjectNamespace): DurableObjectNamespace {
  return override(namespace, {
    get: (...args: Parameters<DurableObjectNamespace["get"]>) => meterStub(namespace.get(...args)),
    getByName: (...args: Parameters<DurableObjectNamespace["getByName"]>) => meterStub(namespace.getByName(...args)),
  });
}

/** The consumer's batch: each delivery is read, an ack deletes the message, a retry reads it again later. */
export function meterBatch<B>(batch: MessageBatch<B>): MessageBatch<B> {
  if (!on) return batch;
  const acked = (m: Message<B>) => {
    counts.queueAcked++;
    counts.queueDeleteOps += operationsOf(m.body);
  };
  const messages = batch.messages.map((m) => {
    counts.queueReceived++;
    counts.queueReadOps += operationsOf(m.body);
    return override(m, {
      ack: () => (acked(m), m.ack()),
      retry: (options?: QueueRetryOptions) => (counts.queueRetried++, m.retry(options)),
    });
  });
  return override(batch, {
    messages,
    ackAll: () => (batch.messages.forEach(acked), batch.ackAll()),
    retryAll: (options?: QueueRetryOptions) => ((counts.queueRetried += batch.messages.length), batch.retryAll(options)),
  });
}
