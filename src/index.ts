import { buildApp } from "./app";
import type { Env } from "./env";
import { handlers } from "./handlers";
import { consume } from "../queues/consumer";

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

export default {
  fetch: app.fetch,
  queue: (batch, env) => consume(batch, env, handlers),
} satisfies ExportedHandler<Env>;
