import { describe, expect, it } from "vitest";
import { cacheTable } from "../../src/kernel/cache-table";

/** The SQL and bindings a cache table writes (the projection rule of SPEC §2.7); run for real in the workers tests. */
function recordingDb() {
  const statements: { sql: string; values: unknown[] }[] = [];
  const db = {
    prepare: (sql: string) => ({ bind: (...values: unknown[]) => (statements.push({ sql: sql.replace(/\s+/g, " "), values }), {}) }),
  } as unknown as D1Database;
  return { db, statements };
}

describe("cacheTable", () => {
  const products = cacheTable("products_cache", ["store_id", "name", "price_cents"]);

  it("inserts the first version unless a row is there", () => {
    const { db, statements } = recordingDb();
    products.insert(db, "p1", { store_id: "s1", name: "Widget", price_cents: 1049 }, 1);
    expect(statements).toEqual([
      {
        sql: "INSERT INTO products_cache (id, store_id, name, price_cents, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        values: ["p1", "s1", "Widget", 1049, 1],
      },
    ]);
  });

  it("updates only the row at the previous version, setting and adding columns", () => {
    const { db, statements } = recordingDb();
    products.update(db, "p1", 4, { name: "Gadget" });
    products.update(db, "p1", 5, {}, { price_cents: -100 });
    expect(statements).toEqual([
      { sql: "UPDATE products_cache SET name = ?, version = ? WHERE id = ? AND version = ?", values: ["Gadget", 4, "p1", 3] },
      { sql: "UPDATE products_cache SET price_cents = price_cents + ?, version = ? WHERE id = ? AND version = ?", values: [-100, 5, "p1", 4] },
    ]);
  });

  it("upserts a whole row only when it is newer", () => {
    const { db, statements } = recordingDb();
    products.upsert(db, "p1", { store_id: "s1", name: "Widget", price_cents: 1049 }, 7);
    expect(statements).toEqual([
      {
        sql:
          "INSERT INTO products_cache (id, store_id, name, price_cents, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET " +
          "store_id = excluded.store_id, name = excluded.name, price_cents = excluded.price_cents, version = excluded.version " +
          "WHERE excluded.version > products_cache.version",
        values: ["p1", "s1", "Widget", 1049, 7],
      },
    ]);
  });
});
