import { depotReplies } from "../depot/contract";
import { defineModule } from "../kernel/module";
import { sagaReplies } from "./contract";
import { cosecHandlers } from "./handlers";
import { createOrderSaga } from "./saga";

/** Cosec: the create-order saga coordinator (SPEC §4); admin only, no routes of its own. */
export const cosecModule = defineModule({
  name: "cosec",
  aggregates: [],
  sagas: [
    {
      definition: createOrderSaga,
      binding: "CREATE_ORDER_SAGA",
      className: "CreateOrderSagaObject",
      replies: { ...sagaReplies, ...depotReplies },
    },
  ],
  routes: [],
  handlers: cosecHandlers,
  contracts: [sagaReplies],
});
