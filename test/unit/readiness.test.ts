import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { manifestSource } from "../../scripts/migrations-manifest.mjs";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { databaseReady, databases } from "../../src/readiness";

describe("migrations manifest", () => {
  it("src/migrations.generated.ts lists the files under migrations/ (run npm run migrations:manifest)", () => {
    expect(readFileSync(resolve(import.meta.dirname, "../../src/migrations.generated.ts"), "utf8")).toBe(manifestSource());
  });

  it("covers every database the readiness check probes", async () => {
    const { migrationFiles } = await import("../../src/migrations.generated");
    for (const d of databases) expect(migrationFiles[d.migrations]?.length, d.binding).toBeGreaterThan(0);
  });
});

/** A D1 stand-in answering `SELECT name FROM d1_migrations` with the given names, or failing. */
const fakeDb = (names: string[] | Error) => ({
  prepare: () => ({
    all: async () => {
      if (names instanceof Error) throw names;
      return { results: names.map((name) => ({ name })) };
    },
  }),
});

describe("databaseReady", () => {
  const ops = { binding: "OPS_DB", migrations: "migrations/ops" };
  const all = ["0001_ops.sql", "0002_dead_letters_by_context.sql", "0003_delivery_failures_updated.sql"];
  it("is ready when every migration file is recorded, extra rows allowed", async () => {
    expect(await databaseReady({ OPS_DB: fakeDb([...all, "0000_old.sql"]) }, ops)).toBe(true);
  });
  it("is not ready when a migration is missing, the table is missing, or the binding is missing", async () => {
    expect(await databaseReady({ OPS_DB: fakeDb(all.slice(0, 2)) }, ops)).toBe(false);
    expect(await databaseReady({ OPS_DB: fakeDb(new Error("D1_ERROR: no such table: d1_migrations")) }, ops)).toBe(false);
    expect(await databaseReady({}, ops)).toBe(false);
  });
});
