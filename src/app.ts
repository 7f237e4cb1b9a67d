import { Hono } from "hono";
import type { Env } from "./env";
import { mount, openApiDocument, type Route } from "./kernel/api";
import { type AppEnv, installErrorHandling, requestId } from "./kernel/http";
import { docsPage } from "./docs";
import { adminAuth, adminRoutes } from "./admin/routes";
import { storesRoutes } from "./stores/routes";
import { basketsRoutes } from "./baskets/routes";
import { customersRoutes } from "./customers/routes";
import { orderingRoutes } from "./ordering/routes";
import { paymentsRoutes } from "./payments/routes";
import { depotRoutes } from "./depot/routes";

/** Every context's REST endpoints, in registration order (literal paths first within a context). */
export const routes: readonly Route<Env>[] = [
  ...storesRoutes,
  ...basketsRoutes,
  ...customersRoutes,
  ...orderingRoutes,
  ...depotRoutes,
  ...paymentsRoutes,
  ...adminRoutes,
];
const tags = ["stores", "baskets", "customers", "ordering", "depot", "payments", "admin"];

export function buildApp(): Hono<AppEnv<Env>> {
  const app = new Hono<AppEnv<Env>>();
  app.use("*", requestId);
  installErrorHandling(app);
  app.get("/liveness", (c) => c.text("."));
  const openApi = openApiDocument(routes, tags);
  app.get("/openapi.json", (c) => c.json(openApi));
  app.get("/", (c) => c.html(docsPage));
  app.use("/api/admin/*", adminAuth);
  mount(app, routes);
  return app;
}
