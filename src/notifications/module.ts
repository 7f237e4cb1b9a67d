import type { Env } from "../env";
import { defineModule } from "../kernel/module";
import { sweep } from "./delivery";
import { notificationsHandlers } from "./handlers";
import { customersCache } from "./readmodel";
import { notificationsRoutes } from "./routes";

/**
 * Notifications: one SMS per order event, recorded in NOTIFICATIONS_DB and POSTed to the webhook, with
 * the customer cache; the cron sweep retries failed deliveries (SPEC §3.7). No aggregates, no messages
 * of its own. A rebuild refills the customer cache and never empties the notification log.
 */
export const notificationsModule = defineModule({
  name: "notifications",
  aggregates: [],
  routes: notificationsRoutes,
  handlers: notificationsHandlers,
  contracts: [],
  database: { binding: "NOTIFICATIONS_DB", migrations: "migrations/notifications", tables: ["customers_cache"], mirrors: [customersCache] },
  scheduled: async (env: Env, at: number) => void (await sweep(env, at)),
});
