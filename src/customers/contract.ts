import { z } from "zod";

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
