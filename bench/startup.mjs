// The end of `npm run bench`: the minified bundle's size and the first requests after a restart.
import { statSync } from "node:fs";
import { request } from "./sender.mjs";

/** Printed next to the values, not asserted. */
export const startupTargets = { firstRequestMs: 20 };

/** Bytes of index.js as local.build makes it (the bundle `npm start` serves). */
export function bundleBytes(local, outdir) {
  return statSync(local.build(outdir)).size;
}

/** ["ECONNREFUSED", "ECONNREFUSED", "ECONNRESET"] → "2 × ECONNREFUSED, 1 × ECONNRESET" */
function summary(errors) {
  const counts = {};
  for (const e of errors) counts[e] = (counts[e] ?? 0) + 1;
  return Object.entries(counts).map(([e, n]) => `${n} × ${e}`).join(", ");
}

/**
 * The first answer to GET path: ms from the first attempt until an answer, and the network errors met on
 * the way (a network error is retried every 20 ms, for 60 s at most, and reported).
 */
async function firstGet(port, path) {
  const t0 = performance.now();
  const errors = [];
  for (;;) {
    try {
      // a new connection each time (no keep-alive), as a first request after a restart has
      const { status } = await request(`http://127.0.0.1:${port}${path}`, { agent: false, timeoutMs: 30_000, keepText: () => false });
      return { status, ms: Math.round((performance.now() - t0) * 10) / 10, errors };
    } catch (error) {
      errors.push(error.code ?? error.message);
      if (performance.now() - t0 > 60_000) throw new Error(`GET ${path} after the restart: ${summary(errors)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Stops the system, starts it again on the same state (start() resolves with the new child once the start
 * script reports it serves with migrations applied, before any request), then times GET /liveness and a GET of an aggregate
 * that existed before the restart, in that order, and the same aggregate GET again (warm).
 * Resolves { child, result }.
 */
export async function firstRequestsAfterRestart({ stop, start, aggregatePath }) {
  await stop();
  const t0 = performance.now();
  const { child, port } = await start();
  const startMs = Math.round(performance.now() - t0);
  const liveness = await firstGet(port, "/liveness");
  const aggregate = await firstGet(port, aggregatePath);
  const again = await firstGet(port, aggregatePath);
  for (const [what, r] of [["/liveness", liveness], [aggregatePath, aggregate], [aggregatePath, again]]) {
    if (r.status !== 200) throw new Error(`GET ${what} after the restart answered ${r.status}`);
  }
  return {
    child,
    result: {
      startMs,
      aggregatePath,
      firstLivenessMs: liveness.ms,
      firstAggregateMs: aggregate.ms,
      warmAggregateMs: again.ms,
      networkErrors: summary([...liveness.errors, ...aggregate.errors, ...again.errors]),
      targets: startupTargets,
    },
  };
}
