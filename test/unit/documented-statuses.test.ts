import { beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import type { Env } from "../../src/env";
import { maxBodyBytes } from "../../src/kernel/http";

/**
 * Every status /openapi.json documents for an operation is answered by some request, and the requests
 * answer nothing undocumented. Here the app runs in Node without bindings, which produces 400, 401, 404,
 * 413 and 500 (a handler reaching a missing binding is an unexpected fault). Statuses that need the
 * objects and databases are listed in `producedInWorkerd` with the test that produces them there.
 */

type Operation = { operationId: string; requestBody?: unknown; parameters?: { in: string }[]; security?: unknown; responses: Record<string, unknown> };
const app = buildApp();
const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);

const token = "unit-admin-token";
const adminEnv = { ADMIN_TOKEN: token } as unknown as Env;
const noBindings = {} as Env;
const auth = { authorization: `Bearer ${token}` };
const longId = "x".repeat(1000);

/** Documented statuses that need the objects and databases: no request here produces them; the workerd test named does. */
const needBindings: Record<string, string> = {
  "200": "a success reads or writes an object or a database: test/integration/documented-statuses.test.ts",
  "409": "a stale aggregate object: test/integration/documented-statuses.test.ts",
  // the state decides these; "documented 400 and 404 that need state" in the same workerd test builds it
  "cancelBasket 400": "a checked-out basket: test/integration/documented-statuses.test.ts",
  "cancelOrder 400": "an approved order: test/integration/documented-statuses.test.ts",
  "disableParticipation 400": "a store not participating: test/integration/documented-statuses.test.ts",
  "replayDeadLetter 400": "a stored dead letter that is not a valid envelope: test/integration/documented-statuses.test.ts",
  "createShoppingList 404": "the depot's store cache lacks the store: test/integration/documented-statuses.test.ts",
  "removeItem 404": "the product lookup (which runs before the basket's) finds none: test/integration/documented-statuses.test.ts",
  "getSearchOrder 404": "the search database lacks the order: test/integration/documented-statuses.test.ts",
  // readiness answers every database fault with its own 503; a 500 is only an unexpected fault outside its checks
  "getReadiness 500": "no request produces it: readiness turns every database fault into 503",
};
const elsewhere = (operationId: string, status: string) => needBindings[status] ?? needBindings[`${operationId} ${status}`];
/** Path values that pass validation; any other parameter is an id. */
const validParams: Record<string, string> = { aggregateName: "stores.Store", context: "stores" };

/** A request that answers `status` for this operation without bindings, or undefined when none does. */
function requestFor(o: (typeof operations)[number], status: string): { path: string; init: RequestInit; env: Env } | undefined {
  const admin = o.op.security !== undefined;
  const headers = { "content-type": "application/json", ...(admin ? auth : {}) };
  const env = admin ? adminEnv : noBindings;
  const path = (id: string) => o.path.replace(/\{(\w+)\}/g, (_, name: string) => validParams[name] ?? id);
  const valid = { method: o.method, headers, ...(o.op.requestBody ? { body: "{}" } : {}) };
  switch (status) {
    case "400":
      if (o.op.requestBody) return { path: path("x"), init: { ...valid, body: "[" }, env };
      if ((o.op.parameters ?? []).some((p) => p.in === "query")) return { path: `${path("x")}?limit=x`, init: valid, env };
      return undefined;
    case "401":
      return { path: path("x"), init: { ...valid, headers: { "content-type": "application/json" } }, env };
    case "404":
      if (admin) return { path: path("x"), init: valid, env: noBindings }; // the admin API is disabled
      return o.path.includes("{") && !elsewhere(o.op.operationId, status) ? { path: path(longId), init: valid, env } : undefined;
    case "413":
      if (!o.op.requestBody) return undefined; // only a route that reads a body refuses one
      return { path: path("x"), init: { ...valid, body: `{"pad":"${" ".repeat(maxBodyBytes)}"}` }, env };
    case "500": // valid input, then the handler reaches a binding that is not there
      return elsewhere(o.op.operationId, status) ? undefined : { path: `${path("x")}?customerId=x`, init: valid, env };
    case "503": // readiness without databases
      return { path: path("x"), init: valid, env: noBindings };
  }
  return undefined;
}

describe("documented statuses", () => {
  // each 500 logs its cause
  beforeAll(() => void vi.spyOn(console, "error").mockImplementation(() => {}));

  for (const o of operations) {
    const documented = Object.keys(o.op.responses).sort();
    it(`${o.op.operationId}: each of ${documented.join(", ")} is produced`, async () => {
      for (const status of documented) {
        const request = requestFor(o, status);
        if (!request) {
          expect(elsewhere(o.op.operationId, status), `${o.op.operationId} ${status} is produced nowhere`).toBeDefined();
          continue;
        }
        const res = await app.request(request.path, request.init, request.env);
        expect(`${res.status}`, `${o.op.operationId} ${request.init.method} ${request.path.slice(0, 60)}`).toBe(status);
      }
    });
  }

  it("requests with malformed bodies, bad queries, no token or a huge body answer only documented statuses", async () => {
    for (const o of operations) {
      const documented = Object.keys(o.op.responses);
      for (const status of ["400", "401", "404", "413", "500"]) {
        const request = requestFor(o, status);
        if (!request) continue;
        const res = await app.request(request.path, request.init, request.env);
        expect(documented, `${o.op.operationId} answered ${res.status} to ${request.init.method} ${request.path.slice(0, 60)}`).toContain(`${res.status}`);
      }
    }
  });
});
