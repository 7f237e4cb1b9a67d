import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { ConfigVars } from "./config";
import type { AppEnv } from "./http";

/** The origins of CORS_ORIGINS (comma-separated; "*" allows any); [] when unset or blank. */
export function corsOrigins(value: string | undefined): string[] {
  return (value ?? "").split(",").map((o) => o.trim()).filter(Boolean);
}

let cached: { value: string; handler: MiddlewareHandler } | undefined;

/**
 * CORS is opt-in: with CORS_ORIGINS unset no CORS header is sent (same-origin only). When set, those
 * origins may call the API from a browser and read X-Request-Id.
 */
export const corsFromEnv: MiddlewareHandler<AppEnv<ConfigVars>> = async (c, next) => {
  const origins = corsOrigins(c.env?.CORS_ORIGINS);
  if (origins.length === 0) return next();
  const value = origins.join(",");
  if (cached?.value !== value) {
    const origin = origins.includes("*") ? "*" : origins;
    cached = { value, handler: cors({ origin, exposeHeaders: ["X-Request-Id"], maxAge: 600 }) };
  }
  return cached.handler(c, next);
};

/** A JSON response runs no script and is never framed. */
export const jsonContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/**
 * hono/secure-headers' defaults (nosniff, frame and referrer policies, HSTS, …) on every response,
 * without replacing a header a route set itself; a CSP only on JSON responses: the HTML pages set theirs.
 */
export function securityHeaders(): MiddlewareHandler {
  const defaults = secureHeaders({ overwrite: false });
  return async (c, next) => {
    await defaults(c, next);
    const type = c.res.headers.get("content-type") ?? "";
    if (type.startsWith("application/json") && !c.res.headers.has("content-security-policy")) {
      c.res.headers.set("Content-Security-Policy", jsonContentSecurityPolicy);
    }
  };
}
