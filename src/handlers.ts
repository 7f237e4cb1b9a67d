import type { Env } from "./env";
import type { HandlerRegistry } from "../queues/consumer";
import { basketsHandlers } from "./baskets/handlers";
import { cosecHandlers } from "./cosec/handlers";
import { customersHandlers } from "./customers/handlers";
import { depotHandlers } from "./depot/handlers";
import { orderingHandlers } from "./ordering/handlers";
import { paymentsHandlers } from "./payments/handlers";
import { storesHandlers } from "./stores/handlers";

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
