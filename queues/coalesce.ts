type Call = { statements: D1PreparedStatement[]; resolve: (results: D1Result[]) => void; reject: (error: unknown) => void };

/**
 * A view of `db` whose `batch()` calls made in one turn (before the microtasks run) travel as one batch:
 * one D1 round trip and one transaction for the messages of a queue batch that project at the same time.
 * Each caller gets its own results. A batch is atomic, so when the combined one fails nothing of it was
 * written, and every call runs again on its own and gets its own result or error, as if never combined.
 */
export function coalescingD1(db: D1Database): D1Database {
  let pending: Call[] = [];
  const flush = async () => {
    const calls = pending;
    pending = [];
    if (calls.length === 1) return runAlone(db, calls[0]!);
    let results: D1Result[];
    try {
      results = await db.batch(calls.flatMap((call) => call.statements));
    } catch {
      return calls.forEach((call) => runAlone(db, call));
    }
    let at = 0;
    for (const call of calls) {
      call.resolve(results.slice(at, at + call.statements.length));
      at += call.statements.length;
    }
  };
  const batch = (statements: D1PreparedStatement[]) =>
    new Promise<D1Result[]>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push({ statements, resolve, reject });
    });
  return new Proxy(db, {
    get(target, property) {
      if (property === "batch") return batch;
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const runAlone = (db: D1Database, call: Call) => db.batch(call.statements).then(call.resolve, call.reject);

const isD1 = (value: unknown): value is D1Database =>
  typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function" && typeof (value as D1Database).batch === "function";

/** `env` with every D1 database coalescing its batches (a fresh view: one per queue batch). */
export function withCoalescedD1<Env extends object>(env: Env): Env {
  const out: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, value] of Object.entries(env)) if (isD1(value)) out[name] = coalescingD1(value);
  return out as Env;
}
