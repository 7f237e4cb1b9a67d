import { type Basket, type BasketCommand, type BasketEvent, basketType } from "../src/baskets/domain";
import { AggregateObject } from "./aggregate-object";

export class BasketObject extends AggregateObject<BasketCommand, BasketEvent, Basket> {
  protected readonly type = basketType;
}
