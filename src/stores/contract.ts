import { z } from "zod";

/** Integration events the Stores context publishes (SPEC §3.1, §5.6). Names and fields are contracts. */
export const storesApi = {
  "storesapi.StoreCreated": z.object({ id: z.string(), name: z.string(), location: z.string() }),
  "storesapi.StoreParticipatingToggled": z.object({ id: z.string(), participating: z.boolean() }),
  "storesapi.StoreRebranded": z.object({ id: z.string(), name: z.string() }),
  "storesapi.ProductAdded": z.object({
    id: z.string(),
    storeId: z.string(),
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    price: z.number(),
  }),
  "storesapi.ProductRebranded": z.object({ id: z.string(), name: z.string(), description: z.string() }),
  "storesapi.ProductPriceIncreased": z.object({ id: z.string(), delta: z.number() }),
  "storesapi.ProductPriceDecreased": z.object({ id: z.string(), delta: z.number() }),
  "storesapi.ProductRemoved": z.object({ id: z.string() }),
} as const;

/** The context's own domain events, consumed on mallbots-stores to feed the mall and catalog. */
export const storesDomain = {
  "stores.StoreCreated": z.object({ name: z.string(), location: z.string() }),
  "stores.StoreParticipationEnabled": z.object({}),
  "stores.StoreParticipationDisabled": z.object({}),
  "stores.StoreRebranded": z.object({ name: z.string() }),
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
