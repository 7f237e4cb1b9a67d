import { z } from "zod";

/** Integration events the Payments context publishes (SPEC §3.6). */
export const paymentsApi = {
  "paymentsapi.InvoicePaid": z.object({ id: z.string(), orderId: z.string() }),
} as const;

/** Commands the Payments context accepts from the saga. */
export const paymentsCommands = {
  "paymentsapi.ConfirmPayment": z.object({ id: z.string(), amount: z.number() }),
} as const;

/** The Payment aggregate's domain events (stored; no context consumes them). */
export const paymentEvents = {
  "payments.PaymentAuthorized": z.object({ customerId: z.string(), amount: z.number() }),
  "payments.PaymentConfirmed": z.object({ amount: z.number() }),
} as const;

/** The Invoice aggregate's domain events (stored; no context consumes them). */
export const invoiceEvents = {
  "payments.InvoiceCreated": z.object({ orderId: z.string(), paymentId: z.string(), amount: z.number() }),
  "payments.InvoiceAdjusted": z.object({ amount: z.number() }),
  "payments.InvoicePaid": z.object({}),
  "payments.InvoiceCanceled": z.object({}),
} as const;

/** The public representation of SPEC §3.6. */
export const invoiceSchema = z.object({ id: z.string(), orderId: z.string(), paymentId: z.string(), amount: z.number(), status: z.string() });
