import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, empty, maxLength, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { customerSchema } from "./contract";
import { customerNotFound, customerView } from "./domain";

const tag = "customers";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const customerCommand = longIdsUnknown(customerNotFound, command((env) => env.CUSTOMER));

const toggle = (operationId: string, action: "enable" | "disable", summary: string) =>
  customerCommand({
    method: "put",
    path: `/api/customers/{id}/${action}`,
    operationId,
    tag,
    summary,
    body: empty(),
    command: () => ({ type: action === "enable" ? "EnableCustomer" : "DisableCustomer" }),
  });

export const customersRoutes = [
  route({
    method: "post",
    path: "/api/customers",
    operationId: "registerCustomer",
    tag,
    summary: "Register a customer (enabled)",
    body: body({ name: text(maxLength.name), smsNumber: text(maxLength.smsNumber) }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { name, smsNumber } }) => {
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.CUSTOMER, id).execute({ type: "RegisterCustomer", name, smsNumber }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/customers/{id}",
    operationId: "getCustomer",
    tag,
    summary: "Get a customer (strongly consistent)",
    response: z.object({ customer: customerSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(customerNotFound);
      return { customer: customerView(unwrap(await aggregate(c.env.CUSTOMER, params.id).get())) };
    },
  }),
  customerCommand({
    method: "put",
    path: "/api/customers/{id}/change-sms",
    operationId: "changeSmsNumber",
    tag,
    summary: "Change a customer's SMS number",
    body: body({ smsNumber: text(maxLength.smsNumber) }),
    command: ({ smsNumber }) => ({ type: "ChangeSmsNumber", smsNumber }),
  }),
  toggle("enableCustomer", "enable", "Enable a customer"),
  toggle("disableCustomer", "disable", "Disable a customer (the saga then refuses its orders)"),
];
