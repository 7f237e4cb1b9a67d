import { firstOf, isD1, override } from "../src/kernel/bindings";

type Call = { statements: D1PreparedStatement[]; resolve: (results: D1Result[]) => void; reject: (error: unknown) => void };

/**
 * A view of `db` whose requests made in one turn (before the microtasks run) travel as one batch: one D1
 * round trip and one transaction for the messages of a queue batch that read or project at the same
 * time. A `batch()` call or a statement's `run()`, `all()` or `first()` is one request; each caller gets
 * its own results. A batch is atomic, so when the combined one fails nothing of it was written, and every
 * request runs again on its own and gets its own result or error, as if never combined.
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
  const inner = new WeakMap<object, D1PreparedStatement>();
  const batch = (statements: D1PreparedStatement[]) =>
    new Promise<D1Result[]>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push({ statements: statements.map((s) => inner.get(s) ?? s), resolve, reject });
    });
  const statementView = (statement: D1PreparedStatement): D1PreparedStatement => {
    const one = async () => (await batch([statement]))[0]!;
    const view = override(statement, {
      bind: (...values: unknown[]) => statementView(statement.bind(...values)),
      run: one,
      all: one,
      first: async (column?: string) => firstOf(await one(), column),
      // raw() runs on its own
    });
    inner.set(view, statement);
    return view;
  };
  return override(db, { batch, prepare: (query: string) => statementView(db.prepare(query)) });
}

const runAlone = (db: D1Database, call: Call) => db.batch(call.statements).then(call.resolve, call.reject);

/** `env` with every D1 database coalescing its requests (a fresh view: one per queue batch). */
export function withCoalescedD1<Env extends object>(env: Env): Env {
  const out: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, value] of Object.entries(env)) if (isD1(value)) out[name] = coalescingD1(value);
  return out as Env;
}
