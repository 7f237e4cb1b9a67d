import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deadLetterPageSql } from "../../src/admin/readmodel";
import { boardPageSql } from "../../src/depot/readmodel";
import { dueSql, notificationPageSql } from "../../src/notifications/readmodel";

/** SQLite's plan for a statement, one detail line per step. */
async function plan(db: D1Database, sql: string, ...params: unknown[]): Promise<string[]> {
  const { results } = await db.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** The plan searches `table` through `index` with a range on the cursor columns, and scans nothing. */
function expectIndexRange(steps: string[], table: string, index: string, range: RegExp): void {
  expect(steps.join("\n")).not.toMatch(/\bSCAN\b/);
  expect(steps.join("\n")).not.toMatch(/USE TEMP B-TREE/);
  const search = steps.find((s) => s.startsWith(`SEARCH ${table} USING `));
  expect(search, steps.join("\n")).toBeDefined();
  expect(search).toMatch(new RegExp(`USING (COVERING )?INDEX ${index} \\(`));
  expect(search).toMatch(range);
}

describe("keyset paging reads an index range (SPEC §2.4)", () => {
  it("depot board: a later page searches shopping_lists_board by status and (created_at, id) > cursor", async () => {
    const steps = await plan(env.DEPOT_DB, boardPageSql.after, "pending", 11, "2026-01-01T00:00:00.000Z", "id");
    expectIndexRange(steps, "shopping_lists", "shopping_lists_board", /status=\? AND \(created_at,id\)>\(\?,\?\)/);
    const first = await plan(env.DEPOT_DB, boardPageSql.first, "pending", 11);
    expectIndexRange(first, "shopping_lists", "shopping_lists_board", /status=\?/);
  });

  it("dead letters: a later page searches by (dead_lettered_at, id) < cursor, for all contexts or one", async () => {
    const cursor = ["2026-01-01T00:00:00.000Z", "id"];
    expectIndexRange(
      await plan(env.OPS_DB, deadLetterPageSql.after, 51, ...cursor),
      "dead_letters",
      "dead_letters_newest",
      /\(dead_lettered_at,id\)<\(\?,\?\)/,
    );
    expectIndexRange(
      await plan(env.OPS_DB, deadLetterPageSql.contextAfter, 51, "stores", ...cursor),
      "dead_letters",
      "dead_letters_context_newest",
      /context=\? AND \(dead_lettered_at,id\)<\(\?,\?\)/,
    );
    expectIndexRange(await plan(env.OPS_DB, deadLetterPageSql.contextFirst, 51, "stores"), "dead_letters", "dead_letters_context_newest", /context=\?/);
  });

  it("notifications: a customer's pages search notifications_by_customer newest first, and the sweep reads notifications_due", async () => {
    const after = await plan(env.NOTIFICATIONS_DB, notificationPageSql.after, "c", 51, "2026-01-01T00:00:00.000Z", "id");
    expectIndexRange(after, "notifications", "notifications_by_customer", /customer_id=\? AND \(created_at,id\)<\(\?,\?\)/);
    const first = await plan(env.NOTIFICATIONS_DB, notificationPageSql.first, "c", 51);
    expectIndexRange(first, "notifications", "notifications_by_customer", /customer_id=\?/);
    const due = await plan(env.NOTIFICATIONS_DB, dueSql, "2026-01-01T00:00:00.000Z", 50);
    expectIndexRange(due, "notifications", "notifications_due", /next_attempt_at<\?/);
  });
});
