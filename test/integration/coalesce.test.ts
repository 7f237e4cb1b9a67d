import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { coalescingD1 } from "../../queues/coalesce";
import { countingD1 } from "./helpers";

const db = () => env.OPS_DB;
const probe = (id: string) => db().prepare("SELECT id FROM coalesce_probe WHERE id = ?").bind(id).first();
const insert = (id: string) => db().prepare("INSERT INTO coalesce_probe (id) VALUES (?)").bind(id);

describe("coalescingD1", () => {
  beforeAll(async () => {
    await db().prepare("CREATE TABLE IF NOT EXISTS coalesce_probe (id TEXT PRIMARY KEY)").run();
  });

  it("runs the batches of one turn as one D1 batch, each caller getting its own results", async () => {
    const counted = countingD1(db());
    const coalesced = coalescingD1(counted.db);
    const [one, two] = await Promise.all([
      coalesced.batch([db().prepare("SELECT 1 AS a")]),
      coalesced.batch([db().prepare("SELECT 2 AS b"), db().prepare("SELECT ?1 AS c").bind("three")]),
    ]);
    expect(one.map((r) => r.results)).toEqual([[{ a: 1 }]]);
    expect(two.map((r) => r.results)).toEqual([[{ b: 2 }], [{ c: "three" }]]);
    expect(counted.batches).toEqual([3]);
  });

  it("runs each call again on its own when the combined batch fails, so only the failing call fails", async () => {
    const counted = countingD1(db());
    const coalesced = coalescingD1(counted.db);
    const [good, bad] = [crypto.randomUUID(), crypto.randomUUID()];
    const results = await Promise.allSettled([
      coalesced.batch([insert(good)]),
      coalesced.batch([insert(bad), db().prepare("SELECT * FROM no_such_table")]),
    ]);
    expect(results[0].status).toBe("fulfilled");
    expect(results[1].status).toBe("rejected");
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain("no_such_table");
    expect(await probe(good)).toEqual({ id: good });
    expect(await probe(bad)).toBeNull(); // the failing call's batch stays atomic
    expect(counted.batches).toEqual([3, 1, 2]);
  });

  it("keeps a constraint failure to its own call", async () => {
    const taken = crypto.randomUUID();
    await insert(taken).run();
    const coalesced = coalescingD1(db());
    const fresh = crypto.randomUUID();
    const results = await Promise.allSettled([coalesced.batch([insert(taken)]), coalesced.batch([insert(fresh)])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain("UNIQUE");
    expect(await probe(fresh)).toEqual({ id: fresh });
  });

  it("puts a statement's first(), all() and run() of the same turn into that batch too", async () => {
    const counted = countingD1(db());
    const coalesced = coalescingD1(counted.db);
    const id = crypto.randomUUID();
    const [row, column, none, all, run, batch] = await Promise.all([
      coalesced.prepare("SELECT 1 AS a, 2 AS b").first(),
      coalesced.prepare("SELECT ?1 AS b").bind("bee").first("b"),
      coalesced.prepare("SELECT id FROM coalesce_probe WHERE id = ?").bind(id).first(),
      coalesced.prepare("SELECT 3 AS c UNION ALL SELECT 4").all(),
      coalesced.prepare("INSERT INTO coalesce_probe (id) VALUES (?)").bind(id).run(),
      coalesced.batch([coalesced.prepare("SELECT id FROM coalesce_probe WHERE id = ?").bind(id)]),
    ]);
    expect([row, column, none]).toEqual([{ a: 1, b: 2 }, "bee", null]);
    expect(all.results).toEqual([{ c: 3 }, { c: 4 }]);
    expect(run.meta.changes).toBe(1);
    expect(batch[0]?.results).toEqual([{ id }]); // ran after the insert of the same turn
    expect(counted.batches).toEqual([6]);
  });

  it("answers first() of an absent column as D1 does, without failing the others", async () => {
    const coalesced = coalescingD1(db());
    const results = await Promise.allSettled([coalesced.prepare("SELECT 1 AS a").first("z"), coalesced.prepare("SELECT 1 AS a").first("a")]);
    expect(results[0]).toMatchObject({ status: "rejected", reason: new Error("D1_COLUMN_NOTFOUND") });
    expect(results[1]).toEqual({ status: "fulfilled", value: 1 });
  });

  it("sends calls of later turns on their own, and passes everything else through", async () => {
    const counted = countingD1(db());
    const coalesced = coalescingD1(counted.db);
    await coalesced.batch([db().prepare("SELECT 1")]);
    await coalesced.batch([db().prepare("SELECT 2")]);
    expect(counted.batches).toEqual([1, 1]);
    expect(await coalesced.prepare("SELECT 5 AS five").first()).toEqual({ five: 5 });
  });
});
