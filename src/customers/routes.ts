import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { unwrap } from "../kernel/errors";
import { body, empty, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { type Customer, type CustomerCommand, customerView } from "./domain";

const tag = "customers";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const customer = (env: Env, id: string) => aggregate<CustomerCommand, Customer>(env.CUSTOMER, id);

const toggle = (operationId: string, action: "enable" | "disable", summary: string) =>
  command({
    method: "put",
    path: `/api/customers/{id}/${action}`,
    operationId,
    tag,
    summary,
    body: empty(),
    target: customer,
    command: (): CustomerCommand => ({ type: action === "enable" ? "EnableCustomer" : "DisableCustomer" }),
  });

export const customersRoutes = [
  route({
    method: "post",
    path: "/api/customers",
    operationId: "registerCustomer",
    tag,
    summary: "Register a customer (enabled)",
    body: body({ name: text(), smsNumber: text() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { name, smsNumber } }) => {
      const id = crypto.randomUUID();
      unwrap(await customer(c.env, id).execute({ type: "RegisterCustomer", name, smsNumber }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/customers/{id}",
    operationId: "getCustomer",
    tag,
    summary: "Get a customer (strongly consistent)",
    response: z.object({ customer: z.object({ id: z.string(), name: z.string(), smsNumber: z.string(), enabled: z.boolean() }) }),
    handle: async (c, { params }) => ({ customer: customerView(unwrap(await customer(c.env, params.id!).get())) }),
  }),
  command({
    method: "put",
    path: "/api/customers/{id}/change-sms",
    operationId: "changeSmsNumber",
    tag,
    summary: "Change a customer's SMS number",
    body: body({ smsNumber: text() }),
    target: customer,
    command: ({ smsNumber }): CustomerCommand => ({ type: "ChangeSmsNumber", smsNumber }),
  }),
  toggle("enableCustomer", "enable", "Enable a customer"),
  toggle("disableCustomer", "disable", "Disable a customer (the saga then refuses its orders)"),
];
