import { z } from "zod";
import type { Env } from "./env";
import { routeFor } from "./kernel/api";
import { bindingNamed } from "./kernel/bindings";
import { describeError, logWarn } from "./kernel/log";
import { migrationFiles } from "./migrations.generated";
import { modules } from "./modules";

/** Every D1 database the Worker uses: each module's read model, then OPS_DB (dead letters, delivery failures). */
export const databases: readonly { binding: string; migrations: string }[] = [
  ...modules.flatMap((m) => (m.database ? [m.database] : [])),
  { binding: "OPS_DB", migrations: "migrations/ops" },
];

/**
 * Whether one database answers and has applied every migration file of its folder: the names that
 * `wrangler d1 migrations apply` records in `d1_migrations` against the list generated at build time
 * (src/migrations.generated.ts). A missing binding or table, or any error, counts as not ready.
 */
export async function databaseReady(env: object, database: { binding: string; migrations: string }): Promise<boolean> {
  const db = bindingNamed<D1Database>(env, database.binding);
  if (!db) return false;
  try {
    const { results } = await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>();
    const applied = new Set(results.map((r) => r.name));
    return (migrationFiles[database.migrations] ?? []).every((name) => applied.has(name));
  } catch (error) {
    logWarn("readiness: database not ready", { binding: database.binding, error: describeError(error) });
    return false;
  }
}

/** The bindings of the databases that are not ready, in declaration order. */
export async function failingDatabases(env: object): Promise<string[]> {
  const ready = await Promise.all(databases.map((d) => databaseReady(env, d)));
  return databases.filter((_, i) => !ready[i]).map((d) => d.binding);
}

/** GET /readiness (SPEC §7): 200 `{ready: true}`, or 503 `{ready: false, failing: [binding]}`. */
export const readinessRoute = routeFor<Env>()({
  method: "get",
  path: "/readiness",
  operationId: "getReadiness",
  tag: "operations",
  summary: "Whether every D1 database answers and has its migrations applied (503 otherwise)",
  response: z.object({ ready: z.literal(true) }),
  otherResponses: {
    503: { description: "A database does not answer or lacks a migration", schema: z.object({ ready: z.literal(false), failing: z.array(z.string()) }) },
  },
  handle: async (c) => {
    const failing = await failingDatabases(c.env);
    if (failing.length === 0) return { ready: true };
    c.status(503);
    return { ready: false, failing };
  },
});
