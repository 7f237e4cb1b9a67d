import { z } from "zod";
import { streamRef } from "../kernel/streams";

/** The public representations of SPEC §3.1. */
export const storeSchema = z.object({ id: z.string(), name: z.string(), location: z.string(), participating: z.boolean() });
export const productSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  description: z.string(),
  sku: z.string(),
  price: z.number(),
});

/** Integration events the Stores context publishes (SPEC §3.1, §5.6). Names and fields are contracts. */
export const storesApi = {
  "storesapi.StoreCreated": z.object({ id: z.string(), name: z.string(), location: z.string() }),
  "storesapi.StoreParticipatingToggled": z.object({ id: z.string(), participating: z.boolean() }),
  "storesapi.StoreRebranded": z.object({ id: z.string(), name: z.string() }),
  "storesapi.ProductAdded": productSchema,
  "storesapi.ProductRebranded": z.object({ id: z.string(), name: z.string(), description: z.string() }),
  "storesapi.ProductPriceIncreased": z.object({ id: z.string(), delta: z.number() }),
  "storesapi.ProductPriceDecreased": z.object({ id: z.string(), delta: z.number() }),
  "storesapi.ProductRemoved": z.object({ id: z.string() }),
} as const;

/** The Store aggregate's domain events, consumed on mallbots-stores to feed the mall. */
export const storeEvents = {
  "stores.StoreCreated": z.object({ name: z.string(), location: z.string() }),
  "stores.StoreParticipationEnabled": z.object({}),
  "stores.StoreParticipationDisabled": z.object({}),
  "stores.StoreRebranded": z.object({ name: z.string() }),
} as const;

/** The Product aggregate's domain events, consumed on mallbots-stores to feed the catalog. */
export const productEvents = {
  "stores.ProductAdded": z.object({
    storeId: z.string(),
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    price: z.number(),
  }),
  "stores.ProductRebranded": z.object({ name: z.string(), description: z.string() }),
  "stores.ProductPriceIncreased": z.object({ delta: z.number() }),
  "stores.ProductPriceDecreased": z.object({ delta: z.number() }),
  "stores.ProductRemoved": z.object({}),
} as const;

/** What other contexts may read of a store or product through `snapshot()` (removed products included). */
export const storeSnapshot = storeSchema;
export const productSnapshot = productSchema.extend({ removed: z.boolean() });
export type StoreSnapshot = z.infer<typeof storeSnapshot>;
export type ProductSnapshot = z.infer<typeof productSnapshot>;

export const storeStream = streamRef("stores.Store", "STORE", storeSnapshot);
export const productStream = streamRef("stores.Product", "PRODUCT", productSnapshot);
