import { defineModule } from "../kernel/module";
import { customerEvents, customersApi, customersCommands, customerStream } from "./contract";
import { customerType } from "./domain";
import { customersHandlers } from "./handlers";
import { customersRoutes } from "./routes";

/** Customers: the registry and the saga's authorization step (SPEC §3.3). */
export const customersModule = defineModule({
  name: "customers",
  aggregates: [{ type: customerType, binding: customerStream.binding, className: "CustomerObject" }],
  routes: customersRoutes,
  handlers: customersHandlers,
  contracts: [customersApi, customersCommands, customerEvents],
});
