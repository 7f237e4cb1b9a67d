import { bindingNamed } from "./bindings";
import type { Cause } from "./envelope";
import type { ReadModelDatabase } from "./module";
import { decodeCursor, encodeCursor } from "./paging";
import { readOwner } from "./streams";
import { rowFrom } from "./projection";

export const defaultRebuildBatch = 100;
export const maxRebuildBatch = 500;

/** Keyset pages over `streams` in (aggregate_name, id) order: the first page, and the pages after a cursor. */
export const streamsPageSql = {
  first: "SELECT aggregate_name, id FROM streams ORDER BY aggregate_name, id LIMIT ?1",
  after: "SELECT aggregate_name, id FROM streams WHERE (aggregate_name, id) > (?2, ?3) ORDER BY aggregate_name, id LIMIT ?1",
};

/**
 * One call of the read-model rebuild (SPEC §7). The first call (`next` = "") empties the read-model
 * tables (never the inbox, `streams` or a log); each call then takes up to `batchSize` ids from
 * `streams`, reads each owner's `snapshot()` and writes the whole row, in one D1 batch.
 */
export async function rebuildBatch(
  env: object,
  model: ReadModelDatabase,
  next: string,
  batchSize: number,
  origin: Cause,
): Promise<{ rebuilt: number; next: string }> {
  const db = bindingNamed<D1Database>(env, model.binding)!;
  const after = decodeCursor(next, ["string", "string"] as const);
  if (after === null) await db.batch(model.tables.map((table) => db.prepare(`DELETE FROM ${table}`)));
  const { results } = await (after === null
    ? db.prepare(streamsPageSql.first).bind(batchSize + 1)
    : db.prepare(streamsPageSql.after).bind(batchSize + 1, after[0], after[1])
  ).all<{ aggregate_name: string; id: string }>();
  const page = results.slice(0, batchSize);
  const writes = await Promise.all(
    page.map(async ({ aggregate_name, id }) => {
      const mirror = model.mirrors.find((m) => m.stream.name === aggregate_name);
      if (!mirror) return [];
      const snapshot = await readOwner(env, mirror.stream, id, origin);
      return snapshot.exists ? rowFrom(env, db, mirror, snapshot, origin) : [];
    }),
  );
  const statements = writes.flat();
  if (statements.length > 0) await db.batch(statements);
  const last = page.at(-1);
  return {
    rebuilt: writes.filter((w) => w.length > 0).length,
    next: results.length > batchSize && last ? encodeCursor([last.aggregate_name, last.id]) : "",
  };
}
