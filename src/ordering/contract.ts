import { z } from "zod";

const ids = { id: z.string(), customerId: z.string(), paymentId: z.string() };

/** Integration events the Ordering context publishes (SPEC §3.4). */
export const ordersApi = {
  "ordersapi.OrderCreated": z.object({
    ...ids,
    shoppingId: z.string(),
    items: z.array(z.object({ productId: z.string(), storeId: z.string(), price: z.number(), quantity: z.number().int() })),
  }),
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
