import { z } from "zod";
import { streamRef } from "../kernel/streams";

/** Integration events the Depot context publishes (SPEC §3.5). */
export const depotApi = {
  "depotapi.ShoppingListCompleted": z.object({ id: z.string(), orderId: z.string() }),
} as const;

/** Commands the Depot context accepts from the saga. */
export const depotCommands = {
  "depotapi.CreateShoppingListCommand": z.object({
    orderId: z.string(),
    items: z.array(z.object({ productId: z.string(), storeId: z.string(), quantity: z.number().int() })),
  }),
  "depotapi.CancelShoppingListCommand": z.object({ id: z.string() }),
  "depotapi.InitiateShoppingCommand": z.object({ id: z.string() }),
} as const;

/** The Depot's own reply to CreateShoppingListCommand (SPEC §4.1). */
export const depotReplies = {
  "depotapi.CreatedShoppingListReply": z.object({ id: z.string() }),
} as const;

export const stopSchema = z.object({
  storeId: z.string(),
  storeName: z.string(),
  storeLocation: z.string(),
  items: z.array(z.object({ productId: z.string(), productName: z.string(), quantity: z.number().int() })),
});

/** The ShoppingList aggregate's domain events, consumed on mallbots-depot to feed the shopping-list board. */
export const depotDomain = {
  "depot.ShoppingListCreated": z.object({ orderId: z.string(), stops: z.array(stopSchema) }),
  "depot.ShoppingListInitiated": z.object({}),
  "depot.ShoppingListAssigned": z.object({ botId: z.string() }),
  "depot.ShoppingListCompleted": z.object({}),
  "depot.ShoppingListCanceled": z.object({}),
} as const;

/** The public representation of SPEC §3.5. */
export const shoppingListSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  status: z.string(),
  assignedBotId: z.string(),
  stops: z.array(stopSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A shopping list's state as `snapshot()` shows it; the board mirrors it. */
export const shoppingListSnapshot = shoppingListSchema.omit({ createdAt: true, updatedAt: true });
export type ShoppingListSnapshot = z.infer<typeof shoppingListSnapshot>;
export const shoppingListStream = streamRef("depot.ShoppingList", "SHOPPING_LIST", shoppingListSnapshot);
