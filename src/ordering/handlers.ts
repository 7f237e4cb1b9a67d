import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { aggregate } from "../kernel/objects";
import { type ContextHandlers, on } from "../../queues/consumer";
import { basketsApi } from "../baskets/contract";
import { depotApi } from "../depot/contract";
import { paymentsApi } from "../payments/contract";
import { ordersCommands } from "./contract";
import type { Order, OrderCommand } from "./domain";

/** Ordering reacts to checkouts, saga commands, completed lists and paid invoices in the Order object. */
const order = (env: Env, id: string) => aggregate<OrderCommand, Order>(env.ORDER, id);

export const orderingHandlers: ContextHandlers<Env> = {
  "basketsapi.BasketCheckedOut": on(
    basketsApi["basketsapi.BasketCheckedOut"],
    commandHandler(
      (env: Env, p) => order(env, p.id),
      (p): OrderCommand => ({ type: "CreateOrder", customerId: p.customerId, paymentId: p.paymentId, items: p.items }),
    ),
  ),
  "ordersapi.ApproveOrder": on(
    ordersCommands["ordersapi.ApproveOrder"],
    commandHandler(
      (env: Env, p) => order(env, p.id),
      (p): OrderCommand => ({ type: "ApproveOrder", shoppingId: p.shoppingId }),
    ),
  ),
  "ordersapi.RejectOrder": on(
    ordersCommands["ordersapi.RejectOrder"],
    commandHandler(
      (env: Env, p) => order(env, p.id),
      (): OrderCommand => ({ type: "RejectOrder" }),
    ),
  ),
  // a missing, rejected or cancelled order ignores the completion; a pending one fails and is retried
  "depotapi.ShoppingListCompleted": on(
    depotApi["depotapi.ShoppingListCompleted"],
    commandHandler(
      (env: Env, p) => order(env, p.orderId),
      (p): OrderCommand => ({ type: "ReadyOrder", shoppingId: p.id }),
    ),
  ),
  "paymentsapi.InvoicePaid": on(
    paymentsApi["paymentsapi.InvoicePaid"],
    commandHandler(
      (env: Env, p) => order(env, p.orderId),
      (p): OrderCommand => ({ type: "CompleteOrder", invoiceId: p.id }),
    ),
  ),
};
