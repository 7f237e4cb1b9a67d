import { type Invoice, type InvoiceCommand, type InvoiceEvent, invoiceType } from "../src/payments/domain";
import { AggregateObject } from "./aggregate-object";

export class InvoiceObject extends AggregateObject<InvoiceCommand, InvoiceEvent, Invoice> {
  protected readonly type = invoiceType;
}
