/** A binding named at run time (a module's declaration), e.g. `PRODUCT` or `STORES_DB`; undefined when the Worker has none. */
export const bindingNamed = <T>(env: object, name: string): T | undefined => (env as Record<string, T | undefined>)[name];

/** Whether an env value is a D1 database binding. */
export const isD1 = (value: unknown): value is D1Database =>
  typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function" && typeof (value as D1Database).batch === "function";

/** What D1's `first(column?)` answers, from the result of running the statement with `all()`. */
export function firstOf(result: D1Result, column?: string): unknown {
  const row = result.results[0] as Record<string, unknown> | undefined;
  if (column === undefined || !row) return row ?? null;
  if (!Object.hasOwn(row, column)) throw new Error("D1_COLUMN_NOTFOUND");
  return row[column];
}

/** A view of `target` whose `overrides` replace some members; the rest is the target's, bound to it. */
export function override<T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T {
  return new Proxy(target, {
    get(t, p) {
      if (Object.hasOwn(overrides, p)) return overrides[p as string];
      const value = Reflect.get(t, p);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}
