import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { aggregate } from "../kernel/objects";
import { type ContextHandlers, on } from "../../queues/consumer";
import { customersCommands } from "./contract";
import type { Customer, CustomerCommand } from "./domain";

/** The saga's AuthorizeCustomer command, answered by the Customer object with am.Success / am.Failure. */
export const customersHandlers: ContextHandlers<Env> = {
  "customersapi.AuthorizeCustomer": on(
    customersCommands["customersapi.AuthorizeCustomer"],
    commandHandler(
      (env: Env, p) => aggregate<CustomerCommand, Customer>(env.CUSTOMER, p.id),
      (): CustomerCommand => ({ type: "AuthorizeCustomer" }),
    ),
  ),
};
