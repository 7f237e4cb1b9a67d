import { defineModule } from "../kernel/module";
import { orderEvents, ordersApi, ordersCommands, orderStream } from "./contract";
import { orderType } from "./domain";
import { orderingHandlers } from "./handlers";
import { orderingRoutes } from "./routes";

/** Ordering: the order lifecycle (SPEC §3.4). */
export const orderingModule = defineModule({
  name: "ordering",
  aggregates: [{ type: orderType, binding: orderStream.binding, className: "OrderObject" }],
  routes: orderingRoutes,
  handlers: orderingHandlers,
  contracts: [ordersApi, ordersCommands, orderEvents],
});
