import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { corsOrigins, jsonContentSecurityPolicy } from "../../src/kernel/web";

/** No binding is reached: unmatched routes, /liveness, the docs page and a body refused at the door. */
const request = (path: string, init: RequestInit = {}, env: Record<string, string> = {}) => buildApp().request(path, init, env);
const origin = "https://kiosk.example";

describe("CORS (opt-in by CORS_ORIGINS)", () => {
  it("sends no CORS header when CORS_ORIGINS is unset, and a preflight is just an unmatched route", async () => {
    const res = await request("/api/stores/nope/none", { headers: { origin } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await request("/api/stores", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows the listed origins, exposes X-Request-Id and answers preflights", async () => {
    const env = { CORS_ORIGINS: `https://other.example, ${origin}` };
    const res = await request("/liveness", { headers: { origin } }, env);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-expose-headers")).toBe("X-Request-Id");
    expect(res.headers.get("x-request-id")).not.toBeNull();
    const preflight = await request(
      "/api/baskets",
      { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" } },
      env,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("does not allow an origin that is not listed, also on error responses", async () => {
    const res = await request("/api/nothing-here", { headers: { origin: "https://evil.example" } }, { CORS_ORIGINS: origin });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const listed = await request("/api/nothing-here", { headers: { origin } }, { CORS_ORIGINS: origin });
    expect(listed.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("reads '*' as any origin and ignores blanks", async () => {
    const res = await request("/liveness", { headers: { origin } }, { CORS_ORIGINS: "*" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(corsOrigins(" , ")).toEqual([]);
    expect(corsOrigins(undefined)).toEqual([]);
  });
});

describe("secure headers", () => {
  it("sets the hardening headers and a script-free CSP on JSON responses, errors included", async () => {
    const tooLarge = await request("/api/stores", { method: "POST", body: "x".repeat(70 * 1024), headers: { "content-type": "application/json" } });
    for (const res of [await request("/api/nothing-here"), tooLarge]) {
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toBe(jsonContentSecurityPolicy);
    }
    expect(tooLarge.status).toBe(413);
  });

  it("leaves the HTML documentation page's CSP to the page and keeps it served", async () => {
    const res = await request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).not.toBe(jsonContentSecurityPolicy);
  });
});
