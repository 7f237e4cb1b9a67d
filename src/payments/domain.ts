import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, invalid } from "../kernel/errors";
import type { invoiceEvents, invoiceSchema, paymentEvents, paymentsApi } from "./contract";

const blank = (s: string) => s.trim() === "";

// ---- Payment -----------------------------------------------------------------------------------

export interface Payment {
  id: string;
  customerId: string;
  amount: number;
  status: "" | "authorized" | "confirmed";
  version: number;
}

export type PaymentCommand = { type: "AuthorizePayment"; customerId: string; amount: number } | { type: "ConfirmPayment"; amount: number };

export type PaymentEvent = EventsOf<typeof paymentEvents>;

export const paymentNotConfirmable = { code: Code.NotFound, message: "payment cannot be confirmed" } as const;

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, Payment> = {
  initialState: (id) => ({ id, customerId: "", amount: 0, status: "", version: 0 }),

  decide(command, payment) {
    switch (command.type) {
      case "AuthorizePayment":
        if (payment.version > 0) throw new DomainError(Code.AlreadyExists, "the payment already exists");
        if (blank(command.customerId)) throw invalid("the customer id cannot be blank");
        if (command.amount < 0) throw invalid("the payment amount cannot be negative");
        return [{ name: "payments.PaymentAuthorized", payload: { customerId: command.customerId, amount: command.amount } }];
      case "ConfirmPayment":
        if (payment.version === 0) throw DomainError.from(paymentNotConfirmable);
        if (payment.status === "confirmed") throw new DomainError(Code.FailedPrecondition, "payment cannot be confirmed");
        return [{ name: "payments.PaymentConfirmed", payload: { amount: command.amount } }];
    }
  },

  evolve(payment, event) {
    switch (event.name) {
      case "payments.PaymentAuthorized":
        return { ...payment, ...event.payload, status: "authorized" };
      case "payments.PaymentConfirmed":
        return { ...payment, amount: event.payload.amount, status: "confirmed" };
    }
  },
};

export const paymentType = aggregateType<PaymentCommand, PaymentEvent, Payment, never>({
  name: "payments.Payment",
  entity: "payment",
  decider: paymentDecider,
  publish: () => [],
});

// ---- Invoice -----------------------------------------------------------------------------------

export interface Invoice {
  id: string;
  orderId: string;
  paymentId: string;
  amount: number;
  status: "" | "pending" | "paid" | "canceled";
  version: number;
}

export type InvoiceCommand =
  | { type: "CreateInvoice"; orderId: string; paymentId: string; amount: number }
  | { type: "AdjustInvoice"; amount: number }
  | { type: "PayInvoice" }
  | { type: "CancelInvoice" };

export type InvoiceEvent = EventsOf<typeof invoiceEvents>;

export const invoiceNotFound = entityNotFound("invoice");

export const invoiceDecider: Decider<InvoiceCommand, InvoiceEvent, Invoice> = {
  initialState: (id) => ({ id, orderId: "", paymentId: "", amount: 0, status: "", version: 0 }),

  decide(command, invoice) {
    const exists = invoice.version > 0;
    switch (command.type) {
      case "CreateInvoice":
        if (exists) return [];
        return [{ name: "payments.InvoiceCreated", payload: { orderId: command.orderId, paymentId: command.paymentId, amount: command.amount } }];
      case "CancelInvoice":
        if (!exists || invoice.status !== "pending") return [];
        return [{ name: "payments.InvoiceCanceled", payload: {} }];
      case "AdjustInvoice":
        if (!exists) throw DomainError.from(invoiceNotFound);
        if (command.amount < 0) throw invalid("the invoice amount cannot be negative");
        if (invoice.status !== "pending") throw new DomainError(Code.FailedPrecondition, "invoice cannot be adjusted");
        return [{ name: "payments.InvoiceAdjusted", payload: { amount: command.amount } }];
      case "PayInvoice":
        if (!exists) throw DomainError.from(invoiceNotFound);
        if (invoice.status !== "pending") throw invalid("invoice cannot be paid for");
        return [{ name: "payments.InvoicePaid", payload: {} }];
    }
  },

  evolve(invoice, event) {
    switch (event.name) {
      case "payments.InvoiceCreated":
        return { ...invoice, ...event.payload, status: "pending" };
      case "payments.InvoiceAdjusted":
        return { ...invoice, amount: event.payload.amount };
      case "payments.InvoicePaid":
        return { ...invoice, status: "paid" };
      case "payments.InvoiceCanceled":
        return { ...invoice, status: "canceled" };
    }
  },
};

export const invoiceType = aggregateType<InvoiceCommand, InvoiceEvent, Invoice, MessagesOf<typeof paymentsApi>>({
  name: "payments.Invoice",
  entity: "invoice",
  decider: invoiceDecider,
  publish(event, invoice) {
    return event.name === "payments.InvoicePaid"
      ? [{ name: "paymentsapi.InvoicePaid", payload: { id: invoice.id, orderId: invoice.orderId } }]
      : [];
  },
});

export const invoiceView = (i: Invoice): z.infer<typeof invoiceSchema> => ({ id: i.id, orderId: i.orderId, paymentId: i.paymentId, amount: i.amount, status: i.status });
