// Shared by start, dev, test and bench: local D1 migrations, the bundle, and the system as `npm start` serves it.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, resolve } from "node:path";
import { copyExplorerAssets } from "./assets.mjs";

export const root = resolve(import.meta.dirname, "..");
const wrangler = resolve(root, "node_modules/.bin/wrangler");

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_UPDATE_NOTIFIER: "1",
};

/** D1 bindings declared in wrangler.toml. */
export function d1Bindings() {
  const toml = readFileSync(resolve(root, "wrangler.toml"), "utf8");
  return [...toml.matchAll(/\[\[d1_databases\]\][^[]*?binding\s*=\s*"([A-Z0-9_]+)"/g)].map((m) => m[1]);
}

/** Applies every D1 migration to the local databases under persistTo. */
export function migrate(persistTo) {
  for (const db of d1Bindings()) {
    const result = spawnSync(wrangler, ["d1", "migrations", "apply", db, "--local", "--persist-to", persistTo], {
      cwd: root,
      env: { ...quietEnv, CI: "true" },
      encoding: "utf8",
    });
    if (result.status !== 0) {
      process.stderr.write(result.stdout + result.stderr);
      throw new Error(`migrating ${db} failed`);
    }
  }
}

/** Bundles the Worker as `wrangler deploy` does (minified) into outdir; returns the bundle's path. */
export function build(outdir) {
  copyExplorerAssets();
  const result = spawnSync(wrangler, ["deploy", "--dry-run", "--minify", "--outdir", outdir], { cwd: root, env: { ...quietEnv, CI: "true" }, encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error("bundling the Worker failed");
  }
  return resolve(outdir, "index.js");
}

/** `--var NAME:VALUE` pairs (as `wrangler dev` takes them) → { NAME: VALUE }. */
export function parseVarArgs(argv) {
  const vars = {};
  for (let i = 0; i < argv.length; i++) {
    const pair = argv[i] === "--var" ? argv[++i] : argv[i].startsWith("--var=") ? argv[i].slice(6) : null;
    const at = pair?.indexOf(":") ?? -1;
    if (pair == null || at < 1) throw new Error(`unknown argument "${argv[i]}": expected --var NAME:VALUE`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

/**
 * Serves the bundle with Miniflare's API in this process (workerd is its only child): bindings from
 * wrangler.toml, vars from wrangler.toml, .dev.vars and `vars`, state under persistTo in the layout of
 * `wrangler dev --persist-to`. MALLBOTS_INSPECTOR_PORT opens workerd's inspector (for profiling).
 * Resolves with the Miniflare instance once it serves.
 */
export async function serve({ bundle, port, persistTo, vars = {} }) {
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { Miniflare } = await import("miniflare");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(root, "wrangler.toml"));
  const inspectorPort = process.env.MALLBOTS_INSPECTOR_PORT ? Number(process.env.MALLBOTS_INSPECTOR_PORT) : undefined;
  const mf = new Miniflare({
    ...workerOptions,
    name: "mallbots",
    bindings: { ...workerOptions.bindings, ...vars },
    modules: [{ type: "ESModule", path: bundle }],
    modulesRoot: dirname(bundle),
    host: "127.0.0.1",
    port,
    inspectorPort,
    defaultPersistRoot: resolve(persistTo, "v3"),
    cf: false,
    logRequests: false,
    unsafeTriggerHandlers: true,
  });
  await mf.ready;
  return mf;
}

/** Resolves whether a TCP connection to 127.0.0.1:port opens (sends nothing). */
function accepts(port) {
  return new Promise((resolveAccepts) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.once("error", () => resolveAccepts(false));
  });
}

/**
 * Starts the system as `npm start` does (scripts/start.mjs: migrations, bundle, Miniflare, cron) in its own
 * process group, with state under persistTo and extra vars. Resolves when /liveness answers, or with
 * ready: "listening" as soon as the port accepts connections (no request sent: the bench times the first
 * one); fireCron(child) runs the cron trigger on it.
 */
export async function startSystem({ port, persistTo, vars = {}, stdio = "inherit", timeoutMs = 60_000, ready = "liveness" }) {
  const args = [resolve(root, "scripts/start.mjs")];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const env = { ...quietEnv, PORT: String(port), MALLBOTS_STATE_DIR: persistTo, MALLBOTS_QUIET: "1" };
  const io = Array.isArray(stdio) ? stdio : ["ignore", stdio, stdio];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: [...io.slice(0, 3), "ipc"], detached: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the system exited with ${child.exitCode} while starting`);
    if (ready === "listening") {
      if (await accepts(port)) break;
    } else {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/liveness`);
        if (res.ok) break;
      } catch {}
    }
    if (Date.now() > deadline) {
      await stopSystem(child, "SIGKILL");
      throw new Error("the system did not become ready");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/**
 * Stops a system started by startSystem: SIGTERM lets it stop workerd itself; SIGKILL (a crash) kills its
 * whole process group at once.
 */
export function stopSystem(child, signal = "SIGTERM") {
  const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  try {
    process.kill(signal === "SIGKILL" ? -child.pid : child.pid, signal);
  } catch {}
  return exited.then(() => {
    // whatever is left in the group (nothing, after a clean stop)
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  });
}

/** wrangler.toml's one cron trigger. */
export const cronExpression = "* * * * *";

/** Runs the Worker's scheduled handler once on a Miniflare instance, as the cron trigger would. */
export async function fireScheduled(mf) {
  const worker = await mf.getWorker();
  const { outcome } = await worker.scheduled({ cron: cronExpression, scheduledTime: new Date() });
  if (outcome !== "ok") throw new Error(`the scheduled handler ended with "${outcome}"`);
}

/** Fires the cron trigger once on a system started by startSystem (asks it over the IPC channel). */
export function fireCron(child) {
  return new Promise((resolveFire, reject) => {
    const id = Math.random().toString(36).slice(2);
    const onMessage = (m) => {
      if (m?.cronFired !== id) return;
      child.off("message", onMessage);
      m.error ? reject(new Error(m.error)) : resolveFire();
    };
    child.on("message", onMessage);
    child.send({ fireCron: id });
  });
}

/**
 * Calls fire() every `everyMs` (a minute, like `* * * * *`) until stop() is called: what the platform does
 * in production. A failed firing is reported and the next one still runs.
 */
export function startCron(fire, everyMs = 60_000, report = (error) => console.error(`cron: ${error.message}`)) {
  const timer = setInterval(() => Promise.resolve().then(fire).catch(report), everyMs);
  return { stop: () => clearInterval(timer) };
}
