import { buildApp } from "./app";
import type { Env } from "./env";
import { consume, type HandlerRegistry } from "../queues/consumer";
import { storesHandlers } from "./stores/handlers";
import { basketsHandlers } from "./baskets/handlers";
import { customersHandlers } from "./customers/handlers";
import { orderingHandlers } from "./ordering/handlers";
import { paymentsHandlers } from "./payments/handlers";
import { depotHandlers } from "./depot/handlers";
import { cosecHandlers } from "./cosec/handlers";

export { StoreObject } from "../objects/store";
export { ProductObject } from "../objects/product";
export { CustomerObject } from "../objects/customer";
export { BasketObject } from "../objects/basket";
export { OrderObject } from "../objects/order";
export { PaymentObject } from "../objects/payment";
export { InvoiceObject } from "../objects/invoice";
export { ShoppingListObject } from "../objects/shopping-list";
export { CreateOrderSagaObject } from "../objects/create-order-saga";

const app = buildApp();

/** Which handlers each context's queue consumer runs. */
export const handlers: HandlerRegistry<Env> = {
  stores: storesHandlers,
  baskets: basketsHandlers,
  customers: customersHandlers,
  ordering: orderingHandlers,
  payments: paymentsHandlers,
  depot: depotHandlers,
  cosec: cosecHandlers,
};

export default {
  fetch: app.fetch,
  queue: (batch, env) => consume(batch, env, handlers),
} satisfies ExportedHandler<Env>;
