import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/kernel/errors";
import { searchFilters, searchOrdersBody, searchStatus } from "../../src/search/contract";
import { decodeSearchCursor, driveOf, encodeSearchCursor, type OrderQuery, orderQuery, rfc3339Millis, searchSql } from "../../src/search/query";

const none: OrderQuery = {
  customerId: "",
  after: "",
  before: "",
  storeIds: [],
  productIds: [],
  minTotalCents: null,
  maxTotalCents: null,
  status: "",
};
const filters = (f: Record<string, unknown>) => orderQuery(searchFilters.parse(f));
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? `${e.code}: ${e.message}` : String(e);
  }
  return "accepted";
};

describe("status mapping (SPEC §3.8)", () => {
  it.each([
    ["pending", "New"],
    ["approved", "Approved"],
    ["rejected", "Rejected"],
    ["ready", "Ready For Pickup"],
    ["cancelled", "Canceled"],
    ["completed", "Completed"],
  ])("%s → %s", (order, shown) => expect(searchStatus(order)).toBe(shown));

  it.each(["canceled", "constructor", "toString", ""])("refuses the unknown status %j", (s) => {
    expect(() => searchStatus(s)).toThrow(/unknown order status/);
  });
});

describe("RFC 3339 times", () => {
  it.each([
    ["2026-03-01T12:00:00Z", "2026-03-01T12:00:00.000Z"],
    ["2026-03-01T12:00:00.123Z", "2026-03-01T12:00:00.123Z"],
    ["2026-03-01t12:00:00z", "2026-03-01T12:00:00.000Z"],
    ["2026-03-01T14:30:00+02:30", "2026-03-01T12:00:00.000Z"],
    ["2026-03-01T00:00:00-05:00", "2026-03-01T05:00:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ])("%s is %s", (text, iso) => expect(new Date(rfc3339Millis(text)!).toISOString()).toBe(iso));

  it.each(["", "2026-03-01", "2026-03-01T12:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T12:00:00+25:00", "yesterday", "2026-03-01T12:00:00.Z"])(
    "refuses %j",
    (text) => expect(rfc3339Millis(text)).toBeNull(),
  );

  it("rounds after down and before up to whole milliseconds, so the comparison stays exact", () => {
    const q = filters({ after: "2026-03-01T12:00:00.0005Z", before: "2026-03-01T12:00:00.0005Z" });
    expect(q.after).toBe("2026-03-01T12:00:00.000Z");
    expect(q.before).toBe("2026-03-01T12:00:00.001Z");
  });

  it("answers invalid request: after / before for a malformed time", () => {
    expect(refusal(() => filters({ after: "nope" }))).toBe("3: invalid request: after");
    expect(refusal(() => filters({ before: "2026-03-01 noon" }))).toBe("3: invalid request: before");
  });
});

describe("request limits (SPEC §2.8)", () => {
  const issuePath = (body: unknown) => {
    const r = searchOrdersBody.safeParse(body);
    return r.success ? "ok" : r.error.issues[0]!.path.join(".");
  };
  it("takes zero values for missing or null fields", () => {
    expect(searchOrdersBody.parse({})).toEqual({
      filters: { customerId: "", after: "", before: "", storeIds: [], productIds: [], minTotal: 0, maxTotal: 0, status: "" },
      next: "",
      limit: 0,
    });
    expect(searchOrdersBody.parse({ filters: null, next: null, limit: null }).filters.storeIds).toEqual([]);
  });
  it("bounds ids to 128 code points after trimming, without control characters", () => {
    expect(issuePath({ filters: { customerId: "😀".repeat(128) } })).toBe("ok");
    expect(issuePath({ filters: { customerId: ` ${"c".repeat(128)} ` } })).toBe("ok");
    expect(issuePath({ filters: { customerId: "c".repeat(129) } })).toBe("filters.customerId");
    expect(issuePath({ filters: { customerId: "a\u0000b" } })).toBe("filters.customerId");
    expect(issuePath({ filters: { storeIds: ["ok", "x\u007f"] } })).toBe("filters.storeIds.1");
    expect(issuePath({ filters: { status: "New\n" } })).toBe("filters.status");
  });
  it("takes at most 100 store and product ids", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
    expect(issuePath({ filters: { storeIds: ids(100), productIds: ids(100) } })).toBe("ok");
    expect(issuePath({ filters: { storeIds: ids(101) } })).toBe("filters.storeIds");
    expect(issuePath({ filters: { productIds: ids(101) } })).toBe("filters.productIds");
  });
  it("takes money within ±10,000,000 and rounds it to cents", () => {
    expect(searchOrdersBody.parse({ filters: { minTotal: 9.995, maxTotal: -10_000_000 } }).filters).toMatchObject({ minTotal: 10, maxTotal: -10_000_000 });
    expect(issuePath({ filters: { minTotal: 10_000_000.01 } })).toBe("filters.minTotal");
    expect(issuePath({ filters: { maxTotal: -10_000_001 } })).toBe("filters.maxTotal");
    expect(issuePath({ filters: { maxTotal: "5" } })).toBe("filters.maxTotal");
  });
});

describe("filters → SQL", () => {
  it("applies no filter left at its zero value", () => {
    const { sql, params } = searchSql(filters({ minTotal: 0, maxTotal: 0, storeIds: [], status: "" }), null, 21);
    expect(sql).toBe(
      "SELECT o.order_id, o.customer_id, o.customer_name, o.items, o.total_cents, o.status, o.created_at, o.updated_at FROM orders o ORDER BY o.created_at DESC, o.order_id DESC LIMIT ?",
    );
    expect(params).toEqual([21]);
  });

  it("walks the customer's index and binds every value, lists as one JSON parameter", () => {
    const q = filters({
      customerId: "C",
      after: "2026-01-01T00:00:00Z",
      before: "2026-02-01T00:00:00+01:00",
      storeIds: ["S1", "S2"],
      productIds: ["P"],
      minTotal: 40,
      maxTotal: 99.99,
      status: "Ready For Pickup",
    });
    const { sql, params } = searchSql(q, ["2026-01-15T00:00:00.000Z", "o-9"], 21);
    expect(sql).toContain("FROM orders o WHERE o.customer_id = ? AND o.created_at > ? AND (o.created_at, o.order_id) < (?, ?)");
    expect(sql).toContain("+o.status = ? AND o.total_cents >= ? AND o.total_cents <= ?");
    expect(sql).toContain("EXISTS (SELECT 1 FROM order_items s WHERE s.order_id = o.order_id AND s.store_id IN (SELECT value FROM json_each(?)))");
    expect(sql).toContain("EXISTS (SELECT 1 FROM order_items p WHERE p.order_id = o.order_id AND p.product_id = ?)");
    expect(sql).toMatch(/ORDER BY o.created_at DESC, o.order_id DESC LIMIT \?$/);
    expect(params).toEqual([
      "C",
      "2026-01-01T00:00:00.000Z",
      "2026-01-15T00:00:00.000Z",
      "o-9",
      "Ready For Pickup",
      4000,
      9999,
      '["S1","S2"]',
      "P",
      21,
    ]);
    expect(sql.split("?").length - 1).toBe(params.length);
    expect(sql).not.toContain("C'");
  });

  it("writes only the tighter of before and the cursor, so the range starts there", () => {
    const q = filters({ customerId: "C", before: "2026-02-01T00:00:00Z" });
    expect(searchSql(q, null, 3)).toMatchObject({ params: ["C", "2026-02-01T00:00:00.000Z", 3] });
    const early = searchSql(q, ["2026-01-15T00:00:00.000Z", "o"], 3);
    expect(early.sql).toContain("o.customer_id = ? AND (o.created_at, o.order_id) < (?, ?) ORDER BY");
    expect(early.params).toEqual(["C", "2026-01-15T00:00:00.000Z", "o", 3]);
    // a cursor at or past before (a client may narrow before between pages): before alone bounds the page
    for (const at of ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]) {
      const late = searchSql(q, [at, "o"], 3);
      expect(late.sql).toContain("o.customer_id = ? AND o.created_at < ? ORDER BY");
      expect(late.params).toEqual(["C", "2026-02-01T00:00:00.000Z", 3]);
    }
  });

  it("drives a store filter from order_items by store, one row per order", () => {
    const { sql, params } = searchSql(filters({ storeIds: ["S"], status: "New" }), null, 5);
    expect(sql).toBe(
      "SELECT o.order_id, o.customer_id, o.customer_name, o.items, o.total_cents, o.status, o.created_at, o.updated_at FROM order_items i CROSS JOIN orders o ON o.order_id = i.order_id WHERE i.store_id = ? AND +o.status = ? GROUP BY i.created_at, i.order_id ORDER BY i.created_at DESC, i.order_id DESC LIMIT ?",
    );
    expect(params).toEqual(["S", "New", 5]);
  });

  it("picks the driving index by the most selective filter", () => {
    expect(driveOf({ ...none, customerId: "C", storeIds: ["S"] })).toBe("customer");
    expect(driveOf({ ...none, storeIds: ["S"], productIds: ["P"], status: "New" })).toBe("store");
    expect(driveOf({ ...none, productIds: ["P"], status: "New" })).toBe("product");
    expect(driveOf({ ...none, status: "New", minTotalCents: 1 })).toBe("status");
    expect(driveOf({ ...none, minTotalCents: 1 })).toBe("all");
  });

  it("drops blank and repeated list entries", () => {
    expect(filters({ storeIds: ["", "S", "S"], productIds: [""] })).toMatchObject({ storeIds: ["S"], productIds: [] });
  });

  it("keeps an injected value a value", () => {
    const { sql, params } = searchSql(filters({ customerId: "x' OR 1=1 --", status: "'; DROP TABLE orders; --" }), null, 1);
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("OR 1=1");
    expect(params).toContain("'; DROP TABLE orders; --");
  });
});

describe("cursor", () => {
  it("round-trips (createdAt, orderId) and reads \"\" as the first page", () => {
    const c = ["2026-03-01T12:00:00.000Z", "0b7c"] as const;
    expect(decodeSearchCursor(encodeSearchCursor(c))).toEqual(c);
    expect(decodeSearchCursor("")).toBeNull();
  });
  it.each(["x", "bm9wZQ", btoa(JSON.stringify(["a"])), btoa(JSON.stringify(["a", 1])), btoa(JSON.stringify({}))])("refuses %j", (next) => {
    expect(refusal(() => decodeSearchCursor(next))).toBe("3: invalid request: next");
  });
});
