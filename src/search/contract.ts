import { z } from "zod";
import { body, id, list, maxLength, money, text } from "../kernel/fields";

/** The statuses search shows (SPEC §3.8), by the Order aggregate's status. */
export const searchStatusOf = {
  pending: "New",
  approved: "Approved",
  rejected: "Rejected",
  ready: "Ready For Pickup",
  cancelled: "Canceled",
  completed: "Completed",
} as const;
export type SearchStatus = (typeof searchStatusOf)[keyof typeof searchStatusOf];

/** The display status of an Order's status; an unknown one is a contract fault (the message is retried). */
export function searchStatus(orderStatus: string): SearchStatus {
  if (!Object.hasOwn(searchStatusOf, orderStatus)) throw new Error(`unknown order status ${JSON.stringify(orderStatus)}`);
  return searchStatusOf[orderStatus as keyof typeof searchStatusOf];
}

export const searchOrderItemSchema = z.object({
  productId: z.string(),
  storeId: z.string(),
  productName: z.string(),
  storeName: z.string(),
  price: z.number(),
  quantity: z.number().int(),
});

/** SearchOrder of SPEC §3.8. */
export const searchOrderSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  items: z.array(searchOrderItemSchema),
  total: z.number(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SearchOrder = z.infer<typeof searchOrderSchema>;
export type SearchOrderItem = z.infer<typeof searchOrderItemSchema>;

// ---- request ---------------------------------------------------------------------------------------

/**
 * The search body under SPEC §2.8: ids and list sizes as everywhere; `after`, `before` and `status` are
 * text of at most 128 code points (an RFC 3339 time or a display status is far shorter).
 */
export const searchFilters = body({
  customerId: id(),
  /** RFC 3339 with any offset; checked by the route (`invalid request: after`). */
  after: text(maxLength.id),
  before: text(maxLength.id),
  storeIds: list(id()),
  productIds: list(id()),
  minTotal: money(),
  maxTotal: money(),
  /** A display status such as `Ready For Pickup`. */
  status: text(maxLength.id),
});
export type SearchFilters = z.output<typeof searchFilters>;

/** The body of `POST /api/search/orders`; zero-valued filters are not applied. */
export const searchOrdersBody = body({
  filters: searchFilters.nullish().transform((f) => f ?? searchFilters.parse({})),
  next: z
    .string()
    .nullish()
    .transform((v) => v ?? ""),
  limit: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? 0),
});
export type SearchOrdersBody = z.output<typeof searchOrdersBody>;
