import { z } from "zod";
import { addMoney, multiplyMoney } from "../kernel/money";
import { streamRef } from "../kernel/streams";

const ids = { id: z.string(), customerId: z.string(), paymentId: z.string() };
const orderedItem = z.object({ productId: z.string(), storeId: z.string(), price: z.number(), quantity: z.number().int() });

/** Integration events the Ordering context publishes (SPEC §3.4). */
export const ordersApi = {
  "ordersapi.OrderCreated": z.object({ ...ids, shoppingId: z.string(), items: z.array(orderedItem) }),
  "ordersapi.OrderApproved": z.object({ ...ids, shoppingId: z.string() }),
  "ordersapi.OrderRejected": z.object(ids),
  "ordersapi.OrderCanceled": z.object(ids),
  "ordersapi.OrderReadied": z.object({ ...ids, total: z.number() }),
  "ordersapi.OrderCompleted": z.object({ id: z.string(), customerId: z.string(), invoiceId: z.string() }),
} as const;

/** Commands the Ordering context accepts from the saga. */
export const ordersCommands = {
  "ordersapi.ApproveOrder": z.object({ id: z.string(), shoppingId: z.string() }),
  "ordersapi.RejectOrder": z.object({ id: z.string() }),
} as const;

/** An order line as the order shows it. */
export const orderItemSchema = z.object({
  storeId: z.string(),
  productId: z.string(),
  storeName: z.string(),
  productName: z.string(),
  price: z.number(),
  quantity: z.number().int(),
});

/** The Order aggregate's domain events (stored; no context consumes them). */
export const orderEvents = {
  "ordering.OrderCreated": z.object({ customerId: z.string(), paymentId: z.string(), shoppingId: z.string(), items: z.array(orderItemSchema) }),
  "ordering.OrderApproved": z.object({ shoppingId: z.string() }),
  "ordering.OrderRejected": z.object({}),
  "ordering.OrderCanceled": z.object({ customerId: z.string(), paymentId: z.string() }),
  "ordering.OrderReadied": z.object({ customerId: z.string(), paymentId: z.string(), total: z.number() }),
  "ordering.OrderCompleted": z.object({ customerId: z.string(), invoiceId: z.string() }),
} as const;

/** The public representation of SPEC §3.4. */
export const orderSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  paymentId: z.string(),
  shoppingId: z.string(),
  invoiceId: z.string(),
  items: z.array(orderItemSchema),
  total: z.number(),
  status: z.string(),
});

/** What other contexts may read of an order through `snapshot()` (Search rebuilds its rows from it, SPEC §3.8). */
export const orderSnapshot = orderSchema.omit({ total: true });
export type OrderSnapshot = z.infer<typeof orderSnapshot>;
export const orderStream = streamRef("ordering.Order", "ORDER", orderSnapshot);

/** total = Σ price × quantity, in cents (SPEC §2.2): part of the contract, as the saga confirms this amount. */
export const orderTotal = (items: readonly { price: number; quantity: number }[]): number =>
  items.reduce((sum, i) => addMoney(sum, multiplyMoney(i.price, i.quantity)), 0);
