import { invalidRequest } from "../kernel/errors";
import { toCents } from "../kernel/money";
import { decodeCursor, encodeCursor } from "../kernel/paging";
import type { SearchFilters } from "./contract";

/** Pure parts of the order search (SPEC §3.8): time normalisation, filters → SQL, the cursor. */

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp with any offset as epoch milliseconds; sub-millisecond digits are kept as a
 * fraction so `after` and `before` can round the right way. null when it is not a valid timestamp.
 */
export function rfc3339Millis(text: string): number | null {
  const m = rfc3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const offsetMinutes = m[8] ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 60) return null;
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() + fraction - offsetMinutes * 60_000;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The instant as stored timestamps are written (UTC, milliseconds), so text order is time order. */
const isoMillis = (ms: number) => new Date(ms).toISOString();

/** Filters with their zero values dropped and times and money normalised (`""`/null = not applied). */
export interface OrderQuery {
  customerId: string;
  /** created_at > after */
  after: string;
  /** created_at < before */
  before: string;
  storeIds: readonly string[];
  productIds: readonly string[];
  minTotalCents: number | null;
  maxTotalCents: number | null;
  status: string;
}

/** The stored timestamps' range: four-digit years keep text order equal to time order. */
const earliest = Date.parse("0000-01-01T00:00:00.000Z");
const latest = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Normalises the request's filters. A stored time has whole milliseconds, so `created_at > after`
 * holds exactly when it is after `after` rounded down, and `created_at < before` when before `before`
 * rounded up. An offset that moves a time outside years 0000–9999 is clamped to that range.
 */
export function orderQuery(f: SearchFilters): OrderQuery {
  const time = (field: "after" | "before", round: (ms: number) => number) => {
    if (f[field] === "") return "";
    const ms = rfc3339Millis(f[field]);
    if (ms === null) throw invalidRequest(field);
    return isoMillis(Math.min(latest, Math.max(earliest, round(ms))));
  };
  return {
    customerId: f.customerId,
    after: time("after", Math.floor),
    before: time("before", Math.ceil),
    storeIds: [...new Set(f.storeIds.filter((id) => id !== ""))],
    productIds: [...new Set(f.productIds.filter((id) => id !== ""))],
    minTotalCents: f.minTotal === 0 ? null : toCents(f.minTotal),
    maxTotalCents: f.maxTotal === 0 ? null : toCents(f.maxTotal),
    status: f.status,
  };
}

export type Cursor = readonly [createdAt: string, orderId: string];

export const encodeSearchCursor = (c: Cursor) => encodeCursor(c);

/** `""` → the first page (null); anything not made by encodeSearchCursor → `invalid request: next`. */
export function decodeSearchCursor(next: string): Cursor | null {
  const c = decodeCursor(next, ["string", "string"] as const);
  return c ? [c[0] as string, c[1] as string] : null;
}

export const searchColumns =
  "o.order_id, o.customer_id, o.customer_name, o.items, o.total_cents, o.status, o.created_at, o.updated_at";

/** Which index a query walks, newest first. */
export type Drive = "customer" | "store" | "product" | "status" | "all";

export const driveOf = (q: OrderQuery): Drive =>
  q.customerId !== "" ? "customer" : q.storeIds.length > 0 ? "store" : q.productIds.length > 0 ? "product" : q.status !== "" ? "status" : "all";

/**
 * One page of the search as SQL with bound parameters only; a list is bound as one JSON parameter.
 *
 * The most selective filter picks the index read newest first: `orders_customer`, then
 * `order_items_store` / `order_items_product` (joined to `orders` by key, grouped so an order with
 * several matching items appears once), then `orders_status`, else `orders_newest`. `after`/`before`
 * and a later page's cursor are ranges on that index's (created_at, order_id), the cursor as a
 * row-value comparison, so a page starts where the previous one ended. The other filters are
 * conditions on the order row or an EXISTS on its items (primary key order_items (order_id, …)).
 * The choice is made here, not left to the planner, which has no statistics to choose by.
 */
export function searchSql(q: OrderQuery, cursor: Cursor | null, limit: number): { sql: string; params: (string | number)[] } {
  const drive = driveOf(q);
  const params: (string | number)[] = [];
  const bind = (value: string | number) => {
    params.push(value);
    return "?";
  };
  const oneOf = (column: string, ids: readonly string[]) =>
    ids.length === 1 ? `${column} = ${bind(ids[0]!)}` : `${column} IN (SELECT value FROM json_each(${bind(JSON.stringify(ids))}))`;
  const viaItems = drive === "store" || drive === "product";
  const k = viaItems ? "i" : "o";
  const where: string[] = [];

  let from = "orders o";
  if (viaItems) {
    from = "order_items i CROSS JOIN orders o ON o.order_id = i.order_id";
    where.push(drive === "store" ? oneOf("i.store_id", q.storeIds) : oneOf("i.product_id", q.productIds));
  } else if (drive === "customer") {
    where.push(`o.customer_id = ${bind(q.customerId)}`);
  } else if (drive === "status") {
    where.push(`o.status = ${bind(q.status)}`);
  }
  // Of `before` and the cursor only the tighter upper bound is written, so the index range starts there.
  const cursorBinds = cursor !== null && (q.before === "" || cursor[0] < q.before);
  if (q.after !== "") where.push(`${k}.created_at > ${bind(q.after)}`);
  if (q.before !== "" && !cursorBinds) where.push(`${k}.created_at < ${bind(q.before)}`);
  if (cursor && cursorBinds) where.push(`(${k}.created_at, ${k}.order_id) < (${bind(cursor[0])}, ${bind(cursor[1])})`);
  // unary + keeps the planner on the driving index instead of orders_status
  if (drive !== "status" && q.status !== "") where.push(`+o.status = ${bind(q.status)}`);
  if (q.minTotalCents !== null) where.push(`o.total_cents >= ${bind(q.minTotalCents)}`);
  if (q.maxTotalCents !== null) where.push(`o.total_cents <= ${bind(q.maxTotalCents)}`);
  if (drive !== "store" && q.storeIds.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM order_items s WHERE s.order_id = o.order_id AND ${oneOf("s.store_id", q.storeIds)})`);
  }
  if (drive !== "product" && q.productIds.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM order_items p WHERE p.order_id = o.order_id AND ${oneOf("p.product_id", q.productIds)})`);
  }
  const sql = [
    `SELECT ${searchColumns} FROM ${from}`,
    where.length > 0 ? `WHERE ${where.join(" AND ")}` : "",
    viaItems ? `GROUP BY i.created_at, i.order_id` : "",
    `ORDER BY ${k}.created_at DESC, ${k}.order_id DESC LIMIT ${bind(limit)}`,
  ]
    .filter((part) => part !== "")
    .join(" ");
  return { sql, params };
}
