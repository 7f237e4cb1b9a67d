import { basketsApi } from "./baskets/contract";
import { sagaReplies } from "./cosec/contract";
import { customersApi, customersCommands } from "./customers/contract";
import { depotApi, depotCommands, depotDomain } from "./depot/contract";
import { buildRegistry } from "./kernel/registry";
import { ordersApi, ordersCommands } from "./ordering/contract";
import { paymentsApi, paymentsCommands } from "./payments/contract";
import { storesApi, storesDomain } from "./stores/contract";

/** Every message on the wire, by name: the contracts of all contexts in one place. */
export const messageSchemas = buildRegistry(
  storesApi,
  storesDomain,
  basketsApi,
  customersApi,
  customersCommands,
  ordersApi,
  ordersCommands,
  paymentsApi,
  paymentsCommands,
  depotApi,
  depotCommands,
  depotDomain,
  sagaReplies,
);
