import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { type ContextHandlers, on } from "../kernel/messages";
import { ordersApi } from "../ordering/contract";
import { paymentsCommands } from "./contract";

/** An invoice has its order's id (SPEC §2.1). */
const invoice = commandHandler((env: Env) => env.INVOICE);
const payment = commandHandler((env: Env) => env.PAYMENT);

export const paymentsHandlers: ContextHandlers<Env> = {
  "paymentsapi.ConfirmPayment": on(
    paymentsCommands["paymentsapi.ConfirmPayment"],
    payment((p) => p.id, (p) => ({ type: "ConfirmPayment", amount: p.amount })),
  ),
  "ordersapi.OrderReadied": on(
    ordersApi["ordersapi.OrderReadied"],
    invoice((p) => p.id, (p) => ({ type: "CreateInvoice", orderId: p.id, paymentId: p.paymentId, amount: p.total })),
  ),
  "ordersapi.OrderCanceled": on(
    ordersApi["ordersapi.OrderCanceled"],
    invoice((p) => p.id, () => ({ type: "CancelInvoice" })),
  ),
};
