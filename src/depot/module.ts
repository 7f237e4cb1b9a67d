import { defineModule } from "../kernel/module";
import { depotApi, depotCommands, depotDomain, depotReplies, shoppingListStream } from "./contract";
import { shoppingListType } from "./domain";
import { depotHandlers } from "./handlers";
import { storesCache, productsCache, board } from "./readmodel";
import { depotRoutes } from "./routes";

/** Depot: shopping lists for the bots, with store and product caches (SPEC §3.5). */
export const depotModule = defineModule({
  name: "depot",
  aggregates: [{ type: shoppingListType, binding: shoppingListStream.binding, className: "ShoppingListObject" }],
  routes: depotRoutes,
  handlers: depotHandlers,
  contracts: [depotApi, depotCommands, depotReplies, depotDomain],
  database: { binding: "DEPOT_DB", migrations: "migrations/depot", tables: ["stores_cache", "products_cache", "shopping_lists"], mirrors: [storesCache, productsCache, board] },
});
