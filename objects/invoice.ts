import type { Env } from "../src/env";
import { type Invoice, type InvoiceCommand, type InvoiceEvent, invoiceType } from "../src/payments/domain";
import { AggregateObject } from "./aggregate-object";

export class InvoiceObject extends AggregateObject<InvoiceCommand, InvoiceEvent, Invoice, Env> {
  protected readonly type = invoiceType;
}
