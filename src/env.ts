import type { ConfigVars } from "./kernel/config";
import type { QueueProducers } from "../queues/relay";
import type { ProductObject } from "../objects/product";
import type { StoreObject } from "../objects/store";
import type { CustomerObject } from "../objects/customer";
import type { BasketObject } from "../objects/basket";
import type { OrderObject } from "../objects/order";
import type { PaymentObject } from "../objects/payment";
import type { InvoiceObject } from "../objects/invoice";
import type { ShoppingListObject } from "../objects/shopping-list";
import type { CreateOrderSagaObject } from "../objects/create-order-saga";

/** The Worker's bindings, as declared in wrangler.toml. */
export interface Env extends ConfigVars, QueueProducers {
  STORE: DurableObjectNamespace<StoreObject>;
  PRODUCT: DurableObjectNamespace<ProductObject>;
  CUSTOMER: DurableObjectNamespace<CustomerObject>;
  BASKET: DurableObjectNamespace<BasketObject>;
  ORDER: DurableObjectNamespace<OrderObject>;
  PAYMENT: DurableObjectNamespace<PaymentObject>;
  INVOICE: DurableObjectNamespace<InvoiceObject>;
  SHOPPING_LIST: DurableObjectNamespace<ShoppingListObject>;
  CREATE_ORDER_SAGA: DurableObjectNamespace<CreateOrderSagaObject>;
  STORES_DB: D1Database;
  BASKETS_DB: D1Database;
  DEPOT_DB: D1Database;
  OPS_DB: D1Database;
}
