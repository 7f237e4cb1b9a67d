import type { Env } from "../src/env";
import { type Basket, type BasketCommand, type BasketEvent, basketType } from "../src/baskets/domain";
import { AggregateObject } from "./aggregate-object";

export class BasketObject extends AggregateObject<BasketCommand, BasketEvent, Basket, Env> {
  protected readonly type = basketType;
}
