import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { type ContextHandlers, on } from "../kernel/messages";
import { customersCommands } from "./contract";

/** The saga's AuthorizeCustomer command, answered by the Customer object with am.Success / am.Failure. */
const customer = commandHandler((env: Env) => env.CUSTOMER);

export const customersHandlers: ContextHandlers<Env> = {
  "customersapi.AuthorizeCustomer": on(
    customersCommands["customersapi.AuthorizeCustomer"],
    customer((p) => p.id, () => ({ type: "AuthorizeCustomer" })),
  ),
};
