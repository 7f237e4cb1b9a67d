// `npm start`: bundle the Worker (minified, as `wrangler deploy` does), serve it with Miniflare's API directly
// (no dev proxy in front of requests) and apply local D1 migrations. Bindings come from wrangler.toml, vars
// from wrangler.toml and .dev.vars (as `wrangler dev`), state from .wrangler/state (or $MALLBOTS_STATE_DIR).
// The cron trigger is fired every minute, as the platform does. `npm run dev` keeps `wrangler dev` for editing.
//
// One process owns everything it starts: SIGINT, SIGTERM or SIGHUP to it or to npm, or npm going away, stops
// workerd and removes the bundle before exiting, within 5 s (test/e2e/clean-stop.test.ts).
// Extra vars: `npm start -- --var NAME:VALUE` (repeatable).
// Environment: PORT (8787; 0 takes a free port, named in the banner and over IPC), MALLBOTS_STATE_DIR,
// MALLBOTS_QUIET=1 (no banner); for profiling MALLBOTS_INSPECTOR_PORT and MALLBOTS_MINIFY=0 (bench/README.md, "Profiling").
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { allProcesses } from "./proc.mjs";

const root = resolve(import.meta.dirname, "..");
// run as `npm start` on a fresh clone: install first (tests and the bench start this script directly)
if (process.env.npm_lifecycle_event === "start") {
  const ensured = spawnSync(process.execPath, [join(root, "scripts/ensure-deps.mjs")], { cwd: root, stdio: "inherit" });
  if (ensured.status !== 0) process.exit(ensured.status ?? 1);
}
const { applyMigrations, build, fireScheduled, serve, parseVarArgs, startCron } = await import("./local.mjs");

const requestedPort = Number(process.env.PORT ?? 8787);
const persistTo = resolve(root, process.env.MALLBOTS_STATE_DIR ?? ".wrangler/state");
const vars = parseVarArgs(process.argv.slice(2));
// next to the state it serves, so even a killed run leaves nothing behind elsewhere (the next start replaces it)
const buildDir = join(persistTo, "bundle");
rmSync(buildDir, { recursive: true, force: true });

let server = null;
let cron = null;
let stopping = null;
// a stop never takes more than STOP_BOUND_MS: if Miniflare's dispose hangs, the process exits anyway
const STOP_BOUND_MS = 3_000;
function stop(code) {
  stopping ??= (async () => {
    setTimeout(() => process.exit(code), STOP_BOUND_MS);
    cron?.stop();
    await server?.dispose().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}
// however the process exits (Miniflare's own SIGINT/SIGTERM hook exits at once): workerd killed, bundle removed
process.on("exit", () => {
  killChildren();
  rmSync(buildDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(0));
watchOwner(() => stop(0));

/** SIGKILLs whatever this process still has as children (workerd after a hung dispose). Linux only. */
function killChildren() {
  for (const { pid, ppid } of allProcesses()) {
    if (ppid !== process.pid) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}

/**
 * Calls onGone when the process that started this one goes away. package.json runs `exec node scripts/start.mjs`,
 * so npm's shell becomes this process: npm passes SIGINT and SIGTERM on to it, and SIGHUP or SIGKILL end npm
 * alone, which this notices within 250 ms.
 */
function watchOwner(onGone) {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && onGone(), 250).unref();
}

try {
  const bundle = build(buildDir);
  server = await serve({ bundle, port: requestedPort, persistTo, vars });
  const port = Number((await server.ready).port);
  // /readiness answers 503 until this is done
  await applyMigrations(server);
  process.send?.({ ready: true, port });
  if (process.env.MALLBOTS_QUIET !== "1") {
    console.log(`MallBots is up: API http://127.0.0.1:${port}/api, docs http://127.0.0.1:${port}/ (Ctrl-C stops)`);
  }
  cron = startCron(() => fireScheduled(server));
  // a parent that started this process with an IPC channel (tests, the bench) can fire the cron at will
  process.on("message", (m) => {
    if (typeof m?.fireCron !== "string") return;
    fireScheduled(server).then(() => process.send({ cronFired: m.fireCron }), (error) => process.send({ cronFired: m.fireCron, error: error.message }));
  });
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  await stop(1);
}
