import type { Env } from "../src/env";
import { type CreateOrderData, createOrderSaga } from "../src/cosec/saga";
import { SagaObject } from "./saga-object";

export class CreateOrderSagaObject extends SagaObject<CreateOrderData, Env> {
  protected readonly definition = createOrderSaga;
}
