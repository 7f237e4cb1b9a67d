import type { z } from "zod";
import { customersApi } from "../customers/contract";
import type { Env } from "../env";
import { readConfig } from "../kernel/config";
import type { Cause, Envelope } from "../kernel/envelope";
import { logInfo } from "../kernel/log";
import { type ContextHandlers, type HandlerOutcome, type MessageHandler, on } from "../kernel/messages";
import { markInbox, rowProjector } from "../kernel/projection";
import { ordersApi } from "../ordering/contract";
import type { NotificationKind } from "./contract";
import { attempt } from "./delivery";
import { attemptLeaseMs, messageText } from "./domain";
import { changeSmsNumber, customersCache, insertCustomer, insertNotification, type NewNotification, seenOrCustomer } from "./readmodel";

/** The customer cache from the Customers events, and one SMS per order event (SPEC §3.7). */

const customerRow = rowProjector(customersCache);

const causeOf = (message: Envelope): Cause => ({ correlationId: message.metadata.correlationId, causationId: message.id });

/**
 * Records the notification of one order event, then (when a webhook is configured) sends it once.
 * The inbox is read with the customer's cache row, so a redelivery neither falls back to the Customer
 * object nor sends again. An unknown customer records nothing and acknowledges. The webhook's outcome
 * never fails the message.
 */
const notify = <P extends { id: string; customerId: string }>(
  kind: NotificationKind,
  text: (name: string, payload: P) => string,
) =>
  async (env: Env, message: Envelope<P>, handler: string): Promise<HandlerOutcome> => {
    const db = env.NOTIFICATIONS_DB;
    const { id: orderId, customerId } = message.payload;
    const lookup = await seenOrCustomer(env, { messageId: message.id, handler }, customerId, causeOf(message));
    if (lookup.seen) return "duplicate";
    const { customer } = lookup;
    if (!customer) {
      logInfo("no notification: the customer does not exist", { handler, messageId: message.id, orderId, customerId });
      return;
    }
    const webhookUrl = readConfig(env).smsWebhookUrl;
    const notification: NewNotification = {
      id: message.id,
      customerId,
      orderId,
      kind,
      smsNumber: customer.smsNumber,
      message: text(customer.name, message.payload),
      delivery: webhookUrl === "" ? "recorded" : "pending",
      nextAttemptAt: webhookUrl === "" ? "" : new Date(Date.now() + attemptLeaseMs).toISOString(),
      createdAt: message.occurredAt,
    };
    const [inserted] = await db.batch([insertNotification(db, notification), markInbox(db, message.id, handler)]);
    // a concurrent copy that lost the insert leaves the sending to the one that won
    if (notification.delivery === "pending" && inserted?.meta.changes === 1) {
      await attempt(env, webhookUrl, { id: notification.id, smsNumber: notification.smsNumber, message: notification.message, attempts: 0 });
    }
  };

const orderHandler = <P extends { id: string; customerId: string }>(
  schema: z.ZodType<P>,
  kind: NotificationKind,
  text: (name: string, payload: P) => string,
): MessageHandler<Env, P> => on(schema, notify(kind, text));

export const notificationsHandlers: ContextHandlers<Env> = {
  "customersapi.CustomerRegistered": customerRow.on(customersApi["customersapi.CustomerRegistered"], (db, id, v, m) =>
    insertCustomer(db, id, m.payload, v),
  ),
  "customersapi.CustomerSmsChanged": customerRow.on(customersApi["customersapi.CustomerSmsChanged"], (db, id, v, m) =>
    changeSmsNumber(db, id, m.payload.smsNumber, v),
  ),
  "ordersapi.OrderCreated": orderHandler(ordersApi["ordersapi.OrderCreated"], "order_created", (name, o) => messageText("order_created", name, o.id)),
  "ordersapi.OrderReadied": orderHandler(ordersApi["ordersapi.OrderReadied"], "order_ready", (name, o) =>
    messageText("order_ready", name, o.id, o.total),
  ),
  "ordersapi.OrderCanceled": orderHandler(ordersApi["ordersapi.OrderCanceled"], "order_canceled", (name, o) =>
    messageText("order_canceled", name, o.id),
  ),
  "ordersapi.OrderCompleted": orderHandler(ordersApi["ordersapi.OrderCompleted"], "order_completed", (name, o) =>
    messageText("order_completed", name, o.id),
  ),
};
