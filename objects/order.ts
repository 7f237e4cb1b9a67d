import { type Order, type OrderCommand, type OrderEvent, orderType } from "../src/ordering/domain";
import { AggregateObject } from "./aggregate-object";

export class OrderObject extends AggregateObject<OrderCommand, OrderEvent, Order> {
  protected readonly type = orderType;
}
