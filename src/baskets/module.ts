import { defineModule } from "../kernel/module";
import { basketEvents, basketsApi } from "./contract";
import { basketType } from "./domain";
import { basketsHandlers } from "./handlers";
import { storesCache, productsCache } from "./readmodel";
import { basketsRoutes } from "./routes";

/** Baskets: kiosk baskets with their store and product caches (SPEC §3.2). */
export const basketsModule = defineModule({
  name: "baskets",
  aggregates: [{ type: basketType, binding: "BASKET", className: "BasketObject" }],
  routes: basketsRoutes,
  handlers: basketsHandlers,
  contracts: [basketsApi, basketEvents],
  database: { binding: "BASKETS_DB", migrations: "migrations/baskets", tables: ["stores_cache", "products_cache"], mirrors: [storesCache, productsCache] },
});
