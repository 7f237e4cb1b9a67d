import type { Env } from "../env";
import { depotReplies } from "../depot/contract";
import type { Envelope } from "../kernel/envelope";
import { DomainError, type Result } from "../kernel/errors";
import { logInfo } from "../kernel/log";
import { type ContextHandlers, type HandlerOutcome, on } from "../kernel/messages";
import { readReply } from "../kernel/replies";
import { type SagaOutcome, sagaInstance } from "../kernel/saga";
import { ordersApi } from "../ordering/contract";
import { sagaReplies } from "./contract";
import { type CreateOrderData, createOrderData, createOrderSagaName } from "./saga";

/** The saga instance of an order: one object per order id (SPEC §1.4). */
const orderSaga = (env: Env, orderId: string) => sagaInstance<CreateOrderData>(env.CREATE_ORDER_SAGA, orderId);

const settle = (result: Result<SagaOutcome>): HandlerOutcome => {
  if (!result.ok) throw DomainError.from(result.error);
  return result.value.duplicate ? "duplicate" : undefined;
};

const onReply = async (env: Env, m: Envelope, handler: string) => {
  const { sagaId, sagaName } = readReply(m);
  if (sagaName !== createOrderSagaName || !sagaId) {
    logInfo("reply for no saga of ours; acknowledged", { messageId: m.id, name: m.name, handler });
    return;
  }
  return settle(await orderSaga(env, sagaId).reply(handler, m));
};

export const cosecHandlers: ContextHandlers<Env> = {
  "ordersapi.OrderCreated": on(ordersApi["ordersapi.OrderCreated"], async (env, m, handler) => {
    return settle(await orderSaga(env, m.payload.id).start(m.payload.id, handler, m, createOrderData(m.payload)));
  }),
  "am.Success": on(sagaReplies["am.Success"], onReply),
  "am.Failure": on(sagaReplies["am.Failure"], onReply),
  "depotapi.CreatedShoppingListReply": on(depotReplies["depotapi.CreatedShoppingListReply"], onReply),
};
