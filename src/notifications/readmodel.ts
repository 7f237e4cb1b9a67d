import { type CustomerSnapshot, customerStream } from "../customers/contract";
import type { Env } from "../env";
import { cacheTable } from "../kernel/cache-table";
import type { Cause } from "../kernel/envelope";
import { decodeCursor, encodeCursor } from "../kernel/paging";
import { fillFromOwner, type Mirror } from "../kernel/projection";
import type { Delivery, NotificationKind, NotificationView } from "./contract";

/** NOTIFICATIONS_DB: the customer cache and the notification log (SPEC §3.7). */

// ---- the customer cache --------------------------------------------------------------------------

const customersTable = cacheTable("customers_cache", ["name", "sms_number"]);

export const insertCustomer = (db: D1Database, id: string, c: { name: string; smsNumber: string }, version: number) =>
  customersTable.insert(db, id, { name: c.name, sms_number: c.smsNumber }, version);

export const changeSmsNumber = (db: D1Database, id: string, smsNumber: string, version: number) =>
  customersTable.update(db, id, version, { sms_number: smsNumber });

export const customersCache: Mirror<Env, CustomerSnapshot> = {
  db: (env) => env.NOTIFICATIONS_DB,
  table: customersTable.table,
  stream: customerStream,
  upsert: (db, { state: c, version }) => customersTable.upsert(db, c.id, { name: c.name, sms_number: c.smsNumber }, version),
};

export interface KnownCustomer {
  name: string;
  smsNumber: string;
}

/**
 * Whether `handler` has handled the message, and if not the customer by read-through lookup (SPEC §2.7):
 * the cache, else the Customer object's snapshot(), which fills the cache. The inbox and the cache are
 * read in one query.
 */
export async function seenOrCustomer(
  env: Env,
  mark: { messageId: string; handler: string },
  id: string,
  origin: Cause,
): Promise<{ seen: true } | { seen: false; customer: KnownCustomer | null }> {
  const row = await env.NOTIFICATIONS_DB.prepare(
    `SELECT (SELECT 1 FROM inbox WHERE message_id = ?1 AND handler = ?2) AS seen, c.name, c.sms_number
     FROM (SELECT 1) LEFT JOIN customers_cache c ON c.id = ?3`,
  )
    .bind(mark.messageId, mark.handler, id)
    .first<{ seen: number | null; name: string | null; sms_number: string | null }>();
  if (row?.seen) return { seen: true };
  if (row?.name != null && row.sms_number != null) return { seen: false, customer: { name: row.name, smsNumber: row.sms_number } };
  const customer = await fillFromOwner(env, customersCache, id, origin, { failure: "internal error" });
  return { seen: false, customer: customer && { name: customer.name, smsNumber: customer.smsNumber } };
}

// ---- the notification log ------------------------------------------------------------------------

export interface NewNotification {
  id: string;
  customerId: string;
  orderId: string;
  kind: NotificationKind;
  smsNumber: string;
  message: string;
  delivery: "pending" | "recorded";
  nextAttemptAt: string;
  createdAt: string;
}

/** Inserts a notification once: a second copy of its message changes nothing. */
export const insertNotification = (db: D1Database, n: NewNotification) =>
  db
    .prepare(
      `INSERT OR IGNORE INTO notifications (id, customer_id, order_id, kind, sms_number, message, delivery, attempts, last_error,
         next_attempt_at, created_at, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, '')`,
    )
    .bind(n.id, n.customerId, n.orderId, n.kind, n.smsNumber, n.message, n.delivery, n.nextAttemptAt, n.createdAt);

/** A row the webhook is to be tried for, as the sender needs it. */
export interface Outgoing {
  id: string;
  smsNumber: string;
  message: string;
  attempts: number;
}

/**
 * The sweep's claim, one statement so two overlapping sweeps never take the same row: the oldest due
 * pending rows (through `notifications_due`) are pushed to `?lease`, which also retries them should
 * this run die before recording an outcome.
 */
export const dueSql = `SELECT id FROM notifications WHERE delivery = 'pending' AND next_attempt_at <= ?1
  ORDER BY next_attempt_at, id LIMIT ?2`;

export async function claimDue(db: D1Database, now: string, lease: string, limit: number): Promise<Outgoing[]> {
  const { results } = await db
    .prepare(
      `UPDATE notifications SET next_attempt_at = ?3 WHERE id IN (${dueSql}) AND delivery = 'pending'
       RETURNING id, sms_number, message, attempts`,
    )
    .bind(now, limit, lease)
    .all<{ id: string; sms_number: string; message: string; attempts: number }>();
  return results.map((r) => ({ id: r.id, smsNumber: r.sms_number, message: r.message, attempts: r.attempts }));
}

/** Records a 2xx answer; guarded by the attempt count it was sent at, so a late outcome changes nothing. */
export const markSent = (db: D1Database, id: string, attemptsBefore: number, at: string) =>
  db
    .prepare(
      `UPDATE notifications SET delivery = 'sent', sent_at = ?, next_attempt_at = ''
       WHERE id = ? AND delivery = 'pending' AND attempts = ?`,
    )
    .bind(at, id, attemptsBefore);

export const markFailed = (
  db: D1Database,
  id: string,
  attemptsBefore: number,
  next: { attempts: number; delivery: Delivery; nextAttemptAt: string },
  lastError: string,
) =>
  db
    .prepare(
      `UPDATE notifications SET attempts = ?, delivery = ?, next_attempt_at = ?, last_error = ?
       WHERE id = ? AND delivery = 'pending' AND attempts = ?`,
    )
    .bind(next.attempts, next.delivery, next.nextAttemptAt, lastError, id, attemptsBefore);

const columns = "id, customer_id, order_id, kind, sms_number, message, delivery, attempts, created_at, sent_at";

/**
 * A customer's notifications newest first. Both statements read a range of
 * `notifications_by_customer (customer_id, created_at, id)`, a later page with a row-value comparison
 * (an OR would make SQLite scan the customer's rows).
 */
export const notificationPageSql = {
  first: `SELECT ${columns} FROM notifications WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2`,
  after: `SELECT ${columns} FROM notifications WHERE customer_id = ?1 AND (created_at, id) < (?3, ?4)
          ORDER BY created_at DESC, id DESC LIMIT ?2`,
};

interface NotificationRow {
  id: string;
  customer_id: string;
  order_id: string;
  kind: NotificationKind;
  sms_number: string;
  message: string;
  delivery: Delivery;
  attempts: number;
  created_at: string;
  sent_at: string;
}

export async function listNotifications(
  db: D1Database,
  customerId: string,
  limit: number,
  next: string,
): Promise<{ notifications: NotificationView[]; next: string }> {
  const after = decodeCursor(next, ["string", "string"] as const);
  const statement = after
    ? db.prepare(notificationPageSql.after).bind(customerId, limit + 1, after[0], after[1])
    : db.prepare(notificationPageSql.first).bind(customerId, limit + 1);
  const { results } = await statement.all<NotificationRow>();
  const page = results.slice(0, limit);
  const last = page.at(-1);
  return {
    notifications: page.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      orderId: r.order_id,
      kind: r.kind,
      smsNumber: r.sms_number,
      message: r.message,
      delivery: r.delivery,
      attempts: r.attempts,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
    next: results.length > limit && last ? encodeCursor([last.created_at, last.id]) : "",
  };
}
