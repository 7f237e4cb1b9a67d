import type { ConfigVars } from "./kernel/config";
import type { QueueProducers } from "../queues/relay";
import type { ProductObject } from "../objects/product";
import type { StoreObject } from "../objects/store";
import type { CustomerObject } from "../objects/customer";
import type { BasketObject } from "../objects/basket";

/** The Worker's bindings, as declared in wrangler.toml. */
export interface Env extends ConfigVars, QueueProducers {
  STORE: DurableObjectNamespace<StoreObject>;
  PRODUCT: DurableObjectNamespace<ProductObject>;
  CUSTOMER: DurableObjectNamespace<CustomerObject>;
  BASKET: DurableObjectNamespace<BasketObject>;
  STORES_DB: D1Database;
  BASKETS_DB: D1Database;
  OPS_DB: D1Database;
}
