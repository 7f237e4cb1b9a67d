import { z } from "zod";

const checkedOutItem = z.object({
  storeId: z.string(),
  productId: z.string(),
  storeName: z.string(),
  productName: z.string(),
  price: z.number(),
  quantity: z.number().int(),
});

/** Integration events the Baskets context publishes (SPEC §3.2). */
export const basketsApi = {
  "basketsapi.BasketStarted": z.object({ id: z.string(), customerId: z.string() }),
  "basketsapi.BasketCanceled": z.object({ id: z.string() }),
  "basketsapi.BasketCheckedOut": z.object({ id: z.string(), customerId: z.string(), paymentId: z.string(), items: z.array(checkedOutItem) }),
} as const;

/** A basket line as the basket shows it. */
export const basketItemSchema = z.object({
  storeId: z.string(),
  productId: z.string(),
  storeName: z.string(),
  productName: z.string(),
  productPrice: z.number(),
  quantity: z.number().int(),
});

/** The Basket aggregate's domain events (stored; no context consumes them). */
export const basketEvents = {
  "baskets.BasketStarted": z.object({ customerId: z.string() }),
  "baskets.BasketItemAdded": z.object({ item: basketItemSchema }),
  "baskets.BasketItemRemoved": z.object({ productId: z.string(), quantity: z.number().int() }),
  "baskets.BasketCanceled": z.object({}),
  "baskets.BasketCheckedOut": z.object({ paymentId: z.string() }),
} as const;

/** The public representation of SPEC §3.2. */
export const basketSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  paymentId: z.string(),
  status: z.string(),
  items: z.array(basketItemSchema),
});
