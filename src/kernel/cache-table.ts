/** A value D1 binds. */
export type SqlValue = string | number | null;

/**
 * A D1 table that mirrors one aggregate per row (SPEC §2.7): `id`, the given columns, and the `version` of
 * the last event applied. Its three writes are the projection rule's:
 * - `insert`: the aggregate's first event; a row already there (written by a gap repair) is left alone.
 * - `update`: the next event; it applies only to the row at `version − 1`.
 * - `upsert`: a whole row from the owner's snapshot (gap repair, read-through), only if newer.
 */
export function cacheTable<C extends string>(table: string, columns: readonly C[]) {
  const names = ["id", ...columns, "version"];
  const insertSql = `INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`;
  const replaced = [...columns, "version"].map((c) => `${c} = excluded.${c}`).join(", ");
  const upsertSql = `${insertSql} ON CONFLICT (id) DO UPDATE SET ${replaced} WHERE excluded.version > ${table}.version`;
  const values = (row: Record<C, SqlValue>) => columns.map((c) => row[c]);
  return {
    table,
    insert: (db: D1Database, id: string, row: Record<C, SqlValue>, version: number) =>
      db.prepare(`${insertSql} ON CONFLICT (id) DO NOTHING`).bind(id, ...values(row), version),
    /** `set` names columns and their new values; `add` columns to increase by an amount (e.g. a price delta). */
    update: (db: D1Database, id: string, version: number, set: Partial<Record<C, SqlValue>>, add: Partial<Record<C, number>> = {}) => {
      const assigned = Object.entries(set) as [C, SqlValue][];
      const added = Object.entries(add) as [C, number][];
      const assignments = [...assigned.map(([c]) => `${c} = ?`), ...added.map(([c]) => `${c} = ${c} + ?`), "version = ?"];
      return db
        .prepare(`UPDATE ${table} SET ${assignments.join(", ")} WHERE id = ? AND version = ?`)
        .bind(...assigned.map(([, v]) => v), ...added.map(([, v]) => v), version, id, version - 1);
    },
    upsert: (db: D1Database, id: string, row: Record<C, SqlValue>, version: number) => db.prepare(upsertSql).bind(id, ...values(row), version),
  };
}
