import { Hono } from "hono";
import type { Env } from "./env";
import { mount, openApiDocument, type Route } from "./kernel/api";
import { type AppEnv, installErrorHandling, requestId } from "./kernel/http";
import { docsPage, explorerAssets, explorerScript, explorerScriptPath } from "./docs";
import { adminAuth, adminRoutes } from "./admin/routes";
import { modules } from "./modules";

/** Every context's REST endpoints in module order, then the admin API. */
export const routes: readonly Route<Env>[] = [...modules.flatMap((m) => m.routes), ...adminRoutes];
/** One OpenAPI tag per context that has routes, then admin. */
const tags = [...modules.filter((m) => m.routes.length > 0).map((m) => m.name), "admin"];

export function buildApp(): Hono<AppEnv<Env>> {
  const app = new Hono<AppEnv<Env>>();
  app.use("*", requestId);
  installErrorHandling(app);
  app.get("/liveness", (c) => c.text("."));
  const openApi = openApiDocument(routes, tags);
  app.get("/openapi.json", (c) => c.json(openApi));
  app.get("/", (c) => c.html(docsPage));
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
