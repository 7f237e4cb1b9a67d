import { z } from "zod";
import { body, money } from "../kernel/fields";

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

/** Limits of SPEC §2.8 for the search body (ids, list sizes, money range). */
export const maxIdLength = 128;
export const maxListEntries = 100;
export const maxMoney = 10_000_000;

const controlCharacter = /[\u0000-\u001f\u007f]/;
const codePoints = (s: string) => [...s].length;

/** An id: at most 128 code points after trimming, no control characters; missing or null → "". */
const searchId = () =>
  z
    .string()
    .refine((v) => !controlCharacter.test(v) && codePoints(v.trim()) <= maxIdLength)
    .nullish()
    .transform((v) => v ?? "");

/** Free text without control characters (status); its length is bounded by the body limit. */
const searchText = () =>
  z
    .string()
    .refine((v) => !controlCharacter.test(v))
    .nullish()
    .transform((v) => v ?? "");

/** Finite and |x| ≤ 10,000,000 before rounding to cents; missing or null → 0. */
const searchMoney = () => z.number().min(-maxMoney).max(maxMoney).nullish().pipe(money());

const ids = () =>
  z
    .array(searchId())
    .max(maxListEntries)
    .nullish()
    .transform((v) => v ?? []);

export const searchFilters = body({
  customerId: searchId(),
  /** RFC 3339 with any offset; checked by the route (`invalid request: after`). */
  after: searchText(),
  before: searchText(),
  storeIds: ids(),
  productIds: ids(),
  minTotal: searchMoney(),
  maxTotal: searchMoney(),
  /** A display status such as `Ready For Pickup`. */
  status: searchText(),
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
