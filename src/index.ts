import { buildApp } from "./app";
import type { Env } from "./env";
import { configureLog } from "./kernel/log";
import { runScheduled } from "./kernel/module";
import { meterBatch, metered } from "./kernel/usage";
import { modules } from "./modules";
import { consume } from "../queues/consumer";

// The Durable Object classes named by the modules (checked by test/unit/wrangler-config.test.ts).
export { StoreObject } from "../objects/store";
export { ProductObject } from "../objects/product";
export { CustomerObject } from "../objects/customer";
export { BasketObject } from "../objects/basket";
export { OrderObject } from "../objects/order";
export { PaymentObject } from "../objects/payment";
export { InvoiceObject } from "../objects/invoice";
export { ShoppingListObject } from "../objects/shopping-list";
export { CreateOrderSagaObject } from "../objects/create-order-saga";

const app = buildApp();

export default {
  // metered() is a pass-through unless USAGE_LOG = "true" (src/kernel/usage.ts)
  fetch: (request, env, ctx) => metered("fetch", env, (env) => app.fetch(request, env, ctx)),
  queue: (batch, env) => metered("queue", env, (env) => consume(meterBatch(batch), env, modules)),
  // the cron trigger (wrangler.toml [triggers]); locally fired through /__scheduled (scripts/local.mjs)
  scheduled: (controller, env) => {
    configureLog(env);
    return metered("scheduled", env, (env) => runScheduled(modules, env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
