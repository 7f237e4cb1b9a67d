import { type CreateOrderData, createOrderSaga } from "../src/cosec/saga";
import { SagaObject } from "./saga-object";

export class CreateOrderSagaObject extends SagaObject<CreateOrderData> {
  protected readonly definition = createOrderSaga;
}
