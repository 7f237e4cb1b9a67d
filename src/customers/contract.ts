import { z } from "zod";
import { streamRef } from "../kernel/streams";

/** Integration events the Customers context publishes (SPEC §3.3). */
export const customersApi = {
  "customersapi.CustomerRegistered": z.object({ id: z.string(), name: z.string(), smsNumber: z.string() }),
  "customersapi.CustomerSmsChanged": z.object({ id: z.string(), smsNumber: z.string() }),
  "customersapi.CustomerEnabled": z.object({ id: z.string() }),
  "customersapi.CustomerDisabled": z.object({ id: z.string() }),
} as const;

/** Commands the Customers context accepts from the saga. */
export const customersCommands = {
  "customersapi.AuthorizeCustomer": z.object({ id: z.string() }),
} as const;

/** The Customer aggregate's domain events (stored; no context consumes them). */
export const customerEvents = {
  "customers.CustomerRegistered": z.object({ name: z.string(), smsNumber: z.string() }),
  "customers.CustomerSmsChanged": z.object({ smsNumber: z.string() }),
  "customers.CustomerEnabled": z.object({}),
  "customers.CustomerDisabled": z.object({}),
} as const;

/** The public representation of SPEC §3.3. */
export const customerSchema = z.object({ id: z.string(), name: z.string(), smsNumber: z.string(), enabled: z.boolean() });

/** What other contexts may read of a customer through `snapshot()` (SPEC §3.7, §3.8 caches and fallbacks). */
export const customerSnapshot = customerSchema;
export type CustomerSnapshot = z.infer<typeof customerSnapshot>;
export const customerStream = streamRef("customers.Customer", "CUSTOMER", customerSnapshot);
