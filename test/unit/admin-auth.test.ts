import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";

/** Admin authentication (SPEC §7) and own-data name lookups (SPEC §2.8), without any binding. */
const env = { ADMIN_TOKEN: "secret-token" };
const get = (path: string, authorization?: string) =>
  buildApp().request(path, { headers: authorization === undefined ? {} : { authorization } }, env);

describe("admin bearer token", () => {
  it.each(["Bearer secret-token", "bearer secret-token", "BEARER secret-token", "bEaReR  secret-token"])(
    "accepts %j (the scheme is case-insensitive)",
    async (authorization) => {
      // past authentication, the unknown aggregate name is the first thing that fails
      const res = await get("/api/admin/streams/nope.Thing/x/events", authorization);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ code: 3, message: "invalid request: aggregateName", details: [] });
    },
  );

  it.each([undefined, "", "Bearer", "Bearer wrong", "secret-token", "Basic secret-token", "Bearersecret-token"])(
    "answers 401 with WWW-Authenticate: Bearer for %j",
    async (authorization) => {
      const res = await get("/api/admin/streams/nope.Thing/x/events", authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ code: 16, message: "unauthenticated", details: [] });
    },
  );
});

describe("admin stream names", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])("treats %s as an unknown aggregate name", async (name) => {
    const res = await get(`/api/admin/streams/${name}/x/events`, "Bearer secret-token");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 3, message: "invalid request: aggregateName", details: [] });
  });
});
