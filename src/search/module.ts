import { defineModule } from "../kernel/module";
import { searchHandlers } from "./handlers";
import { customersCache, ordersMirror, productsCache, storesCache } from "./readmodel";
import { searchRoutes } from "./routes";

/** Search: order search for staff over customer, store and product caches (SPEC §3.8). No aggregates. */
export const searchModule = defineModule({
  name: "search",
  aggregates: [],
  routes: searchRoutes,
  handlers: searchHandlers,
  contracts: [],
  database: {
    binding: "SEARCH_DB",
    migrations: "migrations/search",
    tables: ["customers_cache", "stores_cache", "products_cache", "orders", "order_items"],
    mirrors: [customersCache, storesCache, productsCache, ordersMirror],
  },
});
