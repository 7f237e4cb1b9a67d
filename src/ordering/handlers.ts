import type { Env } from "../env";
import { basketsApi } from "../baskets/contract";
import { commandHandler } from "../kernel/commands";
import { type ContextHandlers, on } from "../kernel/messages";
import { depotApi } from "../depot/contract";
import { paymentsApi } from "../payments/contract";
import { ordersCommands } from "./contract";

/** Ordering reacts to checkouts, saga commands, completed lists and paid invoices in the Order object. */
const order = commandHandler((env: Env) => env.ORDER);

export const orderingHandlers: ContextHandlers<Env> = {
  "basketsapi.BasketCheckedOut": on(
    basketsApi["basketsapi.BasketCheckedOut"],
    order((p) => p.id, (p) => ({ type: "CreateOrder", customerId: p.customerId, paymentId: p.paymentId, items: p.items })),
  ),
  "ordersapi.ApproveOrder": on(
    ordersCommands["ordersapi.ApproveOrder"],
    order((p) => p.id, (p) => ({ type: "ApproveOrder", shoppingId: p.shoppingId })),
  ),
  "ordersapi.RejectOrder": on(
    ordersCommands["ordersapi.RejectOrder"],
    order((p) => p.id, () => ({ type: "RejectOrder" })),
  ),
  // a missing, rejected or cancelled order ignores the completion; a pending one fails and is retried
  "depotapi.ShoppingListCompleted": on(
    depotApi["depotapi.ShoppingListCompleted"],
    order((p) => p.orderId, (p) => ({ type: "ReadyOrder", shoppingId: p.id })),
  ),
  "paymentsapi.InvoicePaid": on(
    paymentsApi["paymentsapi.InvoicePaid"],
    order((p) => p.orderId, (p) => ({ type: "CompleteOrder", invoiceId: p.id })),
  ),
};
