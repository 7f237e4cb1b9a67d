import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deadLetterPageSql } from "../../src/admin/readmodel";
import { boardPageSql } from "../../src/depot/readmodel";
import { dueSql, notificationPageSql } from "../../src/notifications/readmodel";
import { type OrderQuery, searchSql } from "../../src/search/query";

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

describe("search runs its filters on indexes and pages by a range (SPEC §3.8)", () => {
  const cursor = ["2026-01-01T00:00:00.000Z", "order-id"] as const;
  const query = (f: Partial<OrderQuery>): OrderQuery => ({
    customerId: "",
    after: "",
    before: "",
    storeIds: [],
    productIds: [],
    minTotalCents: null,
    maxTotalCents: null,
    status: "",
    ...f,
  });
  const searchPlan = (q: OrderQuery, c: typeof cursor | null) => {
    const { sql, params } = searchSql(q, c, 21);
    return plan(env.SEARCH_DB, sql, ...params);
  };
  /** No full scan of any table and the driving index searched with the expected constraint. */
  const expectSearch = (steps: string[], table: string, index: string, range: RegExp) => {
    const text = steps.join("\n");
    expect(text).not.toMatch(/\bSCAN (o|i|orders|order_items)\b(?! USING)/);
    expect(text).not.toMatch(/\bSCAN (o|orders)\b/);
    const search = steps.find((s) => new RegExp(`^SEARCH ${table} USING (COVERING )?INDEX ${index} \\(`).test(s));
    expect(search, text).toBeDefined();
    expect(search).toMatch(range);
  };

  it("customer + time: orders_customer with the time range, later pages from the cursor, no sort", async () => {
    const q = query({ customerId: "C", after: "2025-01-01T00:00:00.000Z", before: "2027-01-01T00:00:00.000Z", minTotalCents: 100, status: "New" });
    const first = await searchPlan(q, null);
    expectSearch(first, "o", "orders_customer", /customer_id=\? AND created_at>\? AND created_at<\?/);
    expect(first.join("\n")).not.toMatch(/TEMP B-TREE/);
    // a later page: the range starts at the cursor (tighter than before), not at before
    const later = await searchPlan(q, cursor);
    expectSearch(later, "o", "orders_customer", /customer_id=\? AND created_at>\? AND \(created_at,order_id\)<\(\?,\?\)/);
    expect(later.join("\n")).not.toMatch(/TEMP B-TREE/);
    // the customer alone, first and later pages
    expectSearch(await searchPlan(query({ customerId: "C" }), null), "o", "orders_customer", /customer_id=\?\)/);
    const page2 = await searchPlan(query({ customerId: "C" }), cursor);
    expectSearch(page2, "o", "orders_customer", /customer_id=\? AND \(created_at,order_id\)<\(\?,\?\)/);
    expect(page2.join("\n")).not.toMatch(/TEMP B-TREE/);
  });

  it("one store: order_items_store read newest first from the cursor, orders by key, no sort", async () => {
    const first = await searchPlan(query({ storeIds: ["S"] }), null);
    expectSearch(first, "i", "order_items_store", /store_id=\?\)/);
    expectSearch(first, "o", "sqlite_autoindex_orders_1", /order_id=\?/);
    expect(first.join("\n")).not.toMatch(/TEMP B-TREE/);
    const later = await searchPlan(query({ storeIds: ["S"], minTotalCents: 1 }), cursor);
    expectSearch(later, "i", "order_items_store", /store_id=\? AND \(created_at,order_id\)<\(\?,\?\)/);
    expect(later.join("\n")).not.toMatch(/TEMP B-TREE/);
  });

  it("several stores or products: the list is searched value by value in its index; orders by key", async () => {
    const stores = await searchPlan(query({ storeIds: ["S1", "S2"], productIds: ["P"] }), cursor);
    expectSearch(stores, "i", "order_items_store", /store_id=\? AND \(created_at,order_id\)<\(\?,\?\)/);
    expectSearch(stores, "o", "sqlite_autoindex_orders_1", /order_id=\?/);
    const products = await searchPlan(query({ productIds: ["P1", "P2"] }), cursor);
    expectSearch(products, "i", "order_items_product", /product_id=\? AND \(created_at,order_id\)<\(\?,\?\)/);
  });

  it("status alone and no filter: orders_status / orders_newest ranges, no sort", async () => {
    const status = await searchPlan(query({ status: "New" }), cursor);
    expectSearch(status, "o", "orders_status", /status=\? AND \(created_at,order_id\)<\(\?,\?\)/);
    expect(status.join("\n")).not.toMatch(/TEMP B-TREE/);
    const all = await searchPlan(query({}), cursor);
    expectSearch(all, "o", "orders_newest", /\(created_at,order_id\)<\(\?,\?\)/);
    expect(all.join("\n")).not.toMatch(/TEMP B-TREE/);
  });
});
