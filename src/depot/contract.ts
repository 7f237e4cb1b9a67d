import { z } from "zod";

/** Integration events the Depot context publishes (SPEC §3.5). */
export const depotApi = {
  "depotapi.ShoppingListCompleted": z.object({ id: z.string(), orderId: z.string() }),
} as const;

/** Commands the Depot context accepts from the saga, and its own reply. */
export const depotCommands = {
  "depotapi.CreateShoppingListCommand": z.object({
    orderId: z.string(),
    items: z.array(z.object({ productId: z.string(), storeId: z.string(), quantity: z.number().int() })),
  }),
  "depotapi.CancelShoppingListCommand": z.object({ id: z.string() }),
  "depotapi.InitiateShoppingCommand": z.object({ id: z.string() }),
} as const;

export const depotReplies = {
  "depotapi.CreatedShoppingListReply": z.object({ id: z.string() }),
} as const;

const stop = z.object({
  storeId: z.string(),
  storeName: z.string(),
  storeLocation: z.string(),
  items: z.array(z.object({ productId: z.string(), productName: z.string(), quantity: z.number().int() })),
});

/** The context's own domain events, consumed on mallbots-depot to feed the shopping-list board. */
export const depotDomain = {
  "depot.ShoppingListCreated": z.object({ orderId: z.string(), stops: z.array(stop) }),
  "depot.ShoppingListInitiated": z.object({}),
  "depot.ShoppingListAssigned": z.object({ botId: z.string() }),
  "depot.ShoppingListCompleted": z.object({}),
  "depot.ShoppingListCanceled": z.object({}),
} as const;
