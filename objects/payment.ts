import { type Payment, type PaymentCommand, type PaymentEvent, paymentType } from "../src/payments/domain";
import { AggregateObject } from "./aggregate-object";

export class PaymentObject extends AggregateObject<PaymentCommand, PaymentEvent, Payment> {
  protected readonly type = paymentType;
}
