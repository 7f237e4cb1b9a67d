import { defineModule } from "../kernel/module";
import { invoiceEvents, paymentEvents, paymentsApi, paymentsCommands } from "./contract";
import { invoiceType, paymentType } from "./domain";
import { paymentsHandlers } from "./handlers";
import { paymentsRoutes } from "./routes";

/** Payments: authorizations and invoices (SPEC §3.6). */
export const paymentsModule = defineModule({
  name: "payments",
  aggregates: [
    { type: paymentType, binding: "PAYMENT", className: "PaymentObject" },
    { type: invoiceType, binding: "INVOICE", className: "InvoiceObject" },
  ],
  routes: paymentsRoutes,
  handlers: paymentsHandlers,
  contracts: [paymentsApi, paymentsCommands, paymentEvents, invoiceEvents],
});
