import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { ensureSchema } from "../../objects/schema";
import { inObject, stubOf } from "./helpers";

/** objects/schema.ts: an object's schema script runs once per storage, and again when the script changes. */
it("runs a schema script once, skips it on later constructions, and runs a changed script", async () => {
  await inObject(stubOf(env.TOY, crypto.randomUUID()), (_, state) => {
    const sql = state.storage.sql;
    const v1 = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY); INSERT INTO notes DEFAULT VALUES";
    ensureSchema(sql, v1);
    ensureSchema(sql, v1);
    expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM notes").one().n).toBe(1);
    ensureSchema(sql, `${v1}; CREATE TABLE IF NOT EXISTS more (id INTEGER PRIMARY KEY)`);
    expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM notes").one().n).toBe(2);
    expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'more'").toArray()).toHaveLength(1);
  });
});
