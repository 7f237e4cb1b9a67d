import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, empty, id, money } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { invoiceSchema } from "./contract";
import { invoiceNotFound, invoiceView } from "./domain";

const tag = "payments";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const invoiceCommand = longIdsUnknown(invoiceNotFound, command((env) => env.INVOICE));

export const paymentsRoutes = [
  route({
    method: "post",
    path: "/api/payments",
    operationId: "authorizePayment",
    tag,
    summary: "Authorize a payment for a customer",
    body: body({ customerId: id(), amount: money() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { customerId, amount } }) => {
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.PAYMENT, id).execute({ type: "AuthorizePayment", customerId, amount }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/payments/invoices/{id}",
    operationId: "getInvoice",
    tag,
    summary: "Get an invoice (its id is the order's id)",
    response: z.object({ invoice: invoiceSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(invoiceNotFound);
      return { invoice: invoiceView(unwrap(await aggregate(c.env.INVOICE, params.id).get())) };
    },
  }),
  invoiceCommand({
    method: "put",
    path: "/api/payments/invoices/{id}/pay",
    operationId: "payInvoice",
    tag,
    summary: "Pay a pending invoice; the order then completes",
    body: empty(),
    command: () => ({ type: "PayInvoice" }),
  }),
  invoiceCommand({
    method: "put",
    path: "/api/payments/invoices/{id}/adjust",
    operationId: "adjustInvoice",
    tag,
    summary: "Change the amount of a pending invoice",
    body: body({ amount: money() }),
    command: ({ amount }) => ({ type: "AdjustInvoice", amount }),
  }),
];
