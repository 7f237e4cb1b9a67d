import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { unwrap } from "../kernel/errors";
import { body, empty, money, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { type Invoice, type InvoiceCommand, invoiceView, type Payment, type PaymentCommand } from "./domain";

const tag = "payments";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const payment = (env: Env, id: string) => aggregate<PaymentCommand, Payment>(env.PAYMENT, id);
const invoice = (env: Env, id: string) => aggregate<InvoiceCommand, Invoice>(env.INVOICE, id);

export const paymentsRoutes = [
  route({
    method: "post",
    path: "/api/payments",
    operationId: "authorizePayment",
    tag,
    summary: "Authorize a payment for a customer",
    body: body({ customerId: text(), amount: money() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { customerId, amount } }) => {
      const id = crypto.randomUUID();
      unwrap(await payment(c.env, id).execute({ type: "AuthorizePayment", customerId, amount }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/payments/invoices/{id}",
    operationId: "getInvoice",
    tag,
    summary: "Get an invoice (its id is the order's id)",
    response: z.object({
      invoice: z.object({ id: z.string(), orderId: z.string(), paymentId: z.string(), amount: z.number(), status: z.string() }),
    }),
    handle: async (c, { params }) => ({ invoice: invoiceView(unwrap(await invoice(c.env, params.id!).get())) }),
  }),
  command({
    method: "put",
    path: "/api/payments/invoices/{id}/pay",
    operationId: "payInvoice",
    tag,
    summary: "Pay a pending invoice; the order then completes",
    body: empty(),
    target: invoice,
    command: () => ({ type: "PayInvoice" }),
  }),
  command({
    method: "put",
    path: "/api/payments/invoices/{id}/adjust",
    operationId: "adjustInvoice",
    tag,
    summary: "Change the amount of a pending invoice",
    body: body({ amount: money() }),
    target: invoice,
    command: ({ amount }): InvoiceCommand => ({ type: "AdjustInvoice", amount }),
  }),
];
