import type { Env } from "../src/env";
import { type Payment, type PaymentCommand, type PaymentEvent, paymentType } from "../src/payments/domain";
import { AggregateObject } from "./aggregate-object";

export class PaymentObject extends AggregateObject<PaymentCommand, PaymentEvent, Payment, Env> {
  protected readonly type = paymentType;
}
