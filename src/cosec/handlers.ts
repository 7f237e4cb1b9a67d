import type { Env } from "../env";
import type { Envelope } from "../kernel/envelope";
import { DomainError, type Result } from "../kernel/errors";
import { logInfo } from "../kernel/log";
import type { SagaState } from "../kernel/saga";
import { type ContextHandlers, on } from "../../queues/consumer";
import { ordersApi } from "../ordering/contract";
import type { SagaOutcome } from "../../objects/saga-object";
import { sagaReplies } from "./contract";
import { type CreateOrderData, createOrderData, createOrderSagaName } from "./saga";

interface SagaRpc {
  start(id: string, handler: string, message: Envelope, data: CreateOrderData): Promise<Result<SagaOutcome>>;
  reply(handler: string, message: Envelope): Promise<Result<SagaOutcome>>;
  get(): Promise<Result<SagaState<CreateOrderData>>>;
}

/** The saga instance of an order: one object per order id (SPEC §1.4). */
export const createOrderSaga = (env: Env, orderId: string): SagaRpc =>
  (env.CREATE_ORDER_SAGA as unknown as { get(id: DurableObjectId): SagaRpc }).get(env.CREATE_ORDER_SAGA.idFromName(orderId));

const settle = (result: Result<SagaOutcome>) => {
  if (!result.ok) throw DomainError.from(result.error);
};

const onReply = async (env: Env, m: Envelope, handler: string) => {
  const sagaId = m.metadata.REPLY_SAGA_ID;
  if (m.metadata.REPLY_SAGA_NAME !== createOrderSagaName || !sagaId) {
    logInfo("reply for no saga of ours; acknowledged", { messageId: m.id, name: m.name, handler });
    return;
  }
  settle(await createOrderSaga(env, sagaId).reply(handler, m));
};

export const cosecHandlers: ContextHandlers<Env> = {
  "ordersapi.OrderCreated": on(ordersApi["ordersapi.OrderCreated"], async (env, m, handler) => {
    settle(await createOrderSaga(env, m.payload.id).start(m.payload.id, handler, m, createOrderData(m.payload)));
  }),
  "am.Success": on(sagaReplies["am.Success"], onReply),
  "am.Failure": on(sagaReplies["am.Failure"], onReply),
  "depotapi.CreatedShoppingListReply": on(sagaReplies["depotapi.CreatedShoppingListReply"], onReply),
};
