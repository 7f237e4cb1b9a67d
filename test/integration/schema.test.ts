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

it("marks the script that ran with one view, replacing an older script's marker and the old fingerprint table", async () => {
  await inObject(stubOf(env.TOY, crypto.randomUUID()), (_, state) => {
    const sql = state.storage.sql;
    const markers = () => sql.exec<{ type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE name LIKE 'schema%' ORDER BY name").toArray();
    const count = () => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM notes").one().n;
    // storage written before the markers: its script ran and was recorded in a table of fingerprints
    const v1 = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY); INSERT INTO notes DEFAULT VALUES";
    sql.exec(v1);
    sql.exec("CREATE TABLE schema_applied (fingerprint TEXT PRIMARY KEY)");
    sql.exec("INSERT INTO schema_applied (fingerprint) VALUES ('86:0')");

    ensureSchema(sql, v1);
    expect(count()).toBe(2);
    const [first, ...others] = markers();
    expect(others).toEqual([]);
    expect(first).toEqual({ type: "view", name: expect.stringMatching(/^schema_\d+_[0-9a-f]+$/) });

    ensureSchema(sql, v1);
    expect(count()).toBe(2);
    ensureSchema(sql, `${v1}; CREATE TABLE IF NOT EXISTS more (id INTEGER PRIMARY KEY)`);
    expect(count()).toBe(3);
    const [second, ...rest] = markers();
    expect(rest).toEqual([]);
    expect(second!.type).toBe("view");
    expect(second!.name).not.toBe(first!.name);
  });
});
