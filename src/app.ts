import { Hono } from "hono";
import type { Env } from "./env";
import { mount, openApiDocument, type Route } from "./kernel/api";
import { type AppEnv, installErrorHandling, requestId, requestLog } from "./kernel/http";
import { corsFromEnv, securityHeaders } from "./kernel/web";
import { docsPage, explorerAssets, explorerScript, explorerScriptPath } from "./docs";
import { adminAuth, adminRoutes } from "./admin/routes";
import { adminPage, adminScript, adminScriptPath, adminStyle, adminStylePath } from "./admin/page";
import { modules, readModels, streamBindings } from "./modules";
import { readinessRoute } from "./readiness";
import { contexts } from "../queues/topology";

/** Every context's REST endpoints in module order, then the admin API, then the operational endpoints. */
export const routes: readonly Route<Env>[] = [...modules.flatMap((m) => m.routes), ...adminRoutes, readinessRoute];
/** One OpenAPI tag per context that has routes, then admin and operations. */
const tags = [...modules.filter((m) => m.routes.length > 0).map((m) => m.name), "admin", "operations"];

export function buildApp(): Hono<AppEnv<Env>> {
  const app = new Hono<AppEnv<Env>>();
  app.use("*", requestId);
  app.use("*", securityHeaders());
  app.use("*", corsFromEnv);
  app.use("*", requestLog);
  installErrorHandling(app);
  app.get("/liveness", (c) => c.text("."));
  const openApi = openApiDocument(routes, tags);
  app.get("/openapi.json", (c) => c.json(openApi));
  app.get("/", (c) => c.html(docsPage));
  // The admin explorer (SPEC §7): a page, not an API operation, so it is not in the OpenAPI document.
  const admin = adminPage({ aggregates: [...streamBindings.keys()], readModels: [...readModels.keys()], contexts });
  app.get("/admin", (c) => c.html(admin));
  app.get(adminScriptPath, (c) => c.body(adminScript, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get(adminStylePath, (c) => c.body(adminStyle, 200, { "content-type": "text/css; charset=utf-8" }));
  app.get(`${explorerAssets}/*`, async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    // a copy: fetched headers are immutable, and X-Request-Id is added after this handler
    return asset.status === 404 ? c.notFound() : new Response(asset.body, asset);
  });
  app.get(explorerScriptPath, (c) => c.body(explorerScript, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.use("/api/admin/*", adminAuth);
  mount(app, routes);
  return app;
}
