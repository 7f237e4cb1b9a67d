import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { aggregate } from "../kernel/objects";
import { type ContextHandlers, on } from "../../queues/consumer";
import { ordersApi } from "../ordering/contract";
import { paymentsCommands } from "./contract";
import type { Invoice, InvoiceCommand, Payment, PaymentCommand } from "./domain";

const payment = (env: Env, id: string) => aggregate<PaymentCommand, Payment>(env.PAYMENT, id);
/** An invoice has its order's id (SPEC §2.1). */
const invoice = (env: Env, orderId: string) => aggregate<InvoiceCommand, Invoice>(env.INVOICE, orderId);

export const paymentsHandlers: ContextHandlers<Env> = {
  "paymentsapi.ConfirmPayment": on(
    paymentsCommands["paymentsapi.ConfirmPayment"],
    commandHandler(
      (env: Env, p) => payment(env, p.id),
      (p): PaymentCommand => ({ type: "ConfirmPayment", amount: p.amount }),
    ),
  ),
  "ordersapi.OrderReadied": on(
    ordersApi["ordersapi.OrderReadied"],
    commandHandler(
      (env: Env, p) => invoice(env, p.id),
      (p): InvoiceCommand => ({ type: "CreateInvoice", orderId: p.id, paymentId: p.paymentId, amount: p.total }),
    ),
  ),
  "ordersapi.OrderCanceled": on(
    ordersApi["ordersapi.OrderCanceled"],
    commandHandler(
      (env: Env, p) => invoice(env, p.id),
      (): InvoiceCommand => ({ type: "CancelInvoice" }),
    ),
  ),
};
