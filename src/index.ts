import { buildApp } from "./app";
import type { Env } from "./env";
import { consume, type HandlerRegistry } from "../queues/consumer";
import { storesHandlers } from "./stores/handlers";
import { basketsHandlers } from "./baskets/handlers";
import { customersHandlers } from "./customers/handlers";

export { StoreObject } from "../objects/store";
export { ProductObject } from "../objects/product";
export { CustomerObject } from "../objects/customer";
export { BasketObject } from "../objects/basket";

const app = buildApp();

/** Which handlers each context's queue consumer runs. */
export const handlers: HandlerRegistry<Env> = {
  stores: storesHandlers,
  baskets: basketsHandlers,
  customers: customersHandlers,
};

export default {
  fetch: app.fetch,
  queue: (batch, env) => consume(batch, env, handlers),
} satisfies ExportedHandler<Env>;
