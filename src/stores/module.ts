import { defineModule } from "../kernel/module";
import { productEvents, productStream, storeEvents, storesApi, storeStream } from "./contract";
import { productType, storeType } from "./domain";
import { storesHandlers } from "./handlers";
import { mall, catalog } from "./readmodel";
import { storesRoutes } from "./routes";

/** Stores: the mall and its catalogs (SPEC §3.1). */
export const storesModule = defineModule({
  name: "stores",
  aggregates: [
    { type: storeType, binding: storeStream.binding, className: "StoreObject" },
    { type: productType, binding: productStream.binding, className: "ProductObject" },
  ],
  routes: storesRoutes,
  handlers: storesHandlers,
  contracts: [storesApi, storeEvents, productEvents],
  database: { binding: "STORES_DB", migrations: "migrations/stores", tables: ["stores", "products"], mirrors: [mall, catalog] },
});
