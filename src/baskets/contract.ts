import { z } from "zod";

/** Integration events the Baskets context publishes (SPEC §3.2). */
export const basketsApi = {
  "basketsapi.BasketStarted": z.object({ id: z.string(), customerId: z.string() }),
  "basketsapi.BasketCanceled": z.object({ id: z.string() }),
  "basketsapi.BasketCheckedOut": z.object({
    id: z.string(),
    customerId: z.string(),
    paymentId: z.string(),
    items: z.array(
      z.object({
        storeId: z.string(),
        productId: z.string(),
        storeName: z.string(),
        productName: z.string(),
        price: z.number(),
        quantity: z.number().int(),
      }),
    ),
  }),
} as const;
