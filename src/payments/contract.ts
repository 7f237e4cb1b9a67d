import { z } from "zod";

/** Integration events the Payments context publishes (SPEC §3.6). */
export const paymentsApi = {
  "paymentsapi.InvoicePaid": z.object({ id: z.string(), orderId: z.string() }),
} as const;

/** Commands the Payments context accepts from the saga. */
export const paymentsCommands = {
  "paymentsapi.ConfirmPayment": z.object({ id: z.string(), amount: z.number() }),
} as const;
