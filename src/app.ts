import { Hono } from "hono";
import type { Env } from "./env";
import { mount, openApiDocument, type Route } from "./kernel/api";
import { type AppEnv, installErrorHandling, requestId, requestLog } from "./kernel/http";
import { docsPage } from "./docs";
import { adminAuth, adminRoutes } from "./admin/routes";
import { modules } from "./modules";
import { readinessRoute } from "./readiness";

/** Every context's REST endpoints in module order, then the admin API, then the operational endpoints. */
export const routes: readonly Route<Env>[] = [...modules.flatMap((m) => m.routes), ...adminRoutes, readinessRoute];
/** One OpenAPI tag per context that has routes, then admin and operations. */
const tags = [...modules.filter((m) => m.routes.length > 0).map((m) => m.name), "admin", "operations"];

export function buildApp(): Hono<AppEnv<Env>> {
  const app = new Hono<AppEnv<Env>>();
  app.use("*", requestId);
  app.use("*", requestLog);
  installErrorHandling(app);
  app.get("/liveness", (c) => c.text("."));
  const openApi = openApiDocument(routes, tags);
  app.get("/openapi.json", (c) => c.json(openApi));
  app.get("/", (c) => c.html(docsPage));
  app.use("/api/admin/*", adminAuth);
  mount(app, routes);
  return app;
}
