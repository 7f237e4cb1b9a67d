// Shared by start, dev, test and bench: local D1 migrations, the bundle, and the system as `npm start` serves it.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/**
 * Bundles the Worker as `wrangler deploy` does (minified; MALLBOTS_MINIFY=0 keeps names and lines readable for
 * a profiler) into outdir; returns the bundle's path.
 */
export function build(outdir) {
  copyExplorerAssets();
  const minify = process.env.MALLBOTS_MINIFY === "0" ? [] : ["--minify"];
  const result = spawnSync(wrangler, ["deploy", "--dry-run", ...minify, "--outdir", outdir], { cwd: root, env: { ...quietEnv, CI: "true" }, encoding: "utf8" });
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
 *
 * Requests pass Miniflare's entry worker. Serving the Worker on its own socket (`unsafeDirectSockets`) skips
 * it, but saved no CPU measurably (alternating bench runs, bench/README.md), and workerd once reset about
 * one keep-alive connection in ten there under 50 concurrent requests doing I/O, so it is not used.
 * Static assets: wrangler.toml runs the Worker first (`run_worker_first`), and the Worker hands /explorer/*
 * to its ASSETS binding. Locally, an assets directory on the Worker itself would put Miniflare's asset
 * router (two more isolates, about 0.28 ms of CPU) in front of every request; so ASSETS is bound to a
 * second, assets-only worker serving the same directory.
 */
export async function serve({ bundle, port, persistTo, vars = {} }) {
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { Miniflare } = await import("miniflare");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(root, "wrangler.toml"));
  const { assets, ...options } = workerOptions;
  const worker = {
    ...options,
    name: "mallbots",
    bindings: { ...options.bindings, ...vars },
    modules: [{ type: "ESModule", path: bundle }],
    modulesRoot: dirname(bundle),
    serviceBindings: { ...options.serviceBindings, ...(assets ? { [assets.binding]: "mallbots-assets" } : {}) },
  };
  const assetsWorker = assets && {
    name: "mallbots-assets",
    compatibilityDate: options.compatibilityDate,
    modules: true,
    script: `export default { fetch: () => new Response("Not Found", { status: 404 }) };`,
    assets: { directory: assets.directory, routerConfig: { has_user_worker: false } },
  };
  const inspectorPort = process.env.MALLBOTS_INSPECTOR_PORT ? Number(process.env.MALLBOTS_INSPECTOR_PORT) : undefined;
  const mf = new Miniflare({
    workers: assetsWorker ? [worker, assetsWorker] : [worker],
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

/**
 * Applies every D1 migration not yet applied, through the running Miniflare: the same files, order and
 * bookkeeping table as `wrangler d1 migrations apply --local` (which is what `npm run db:migrate` runs),
 * without starting a second runtime per database. Each file and its bookkeeping row commit as one batch.
 */
export async function applyMigrations(mf) {
  const { unstable_readConfig, unstable_splitSqlQuery } = await import("wrangler");
  const config = unstable_readConfig({ config: resolve(root, "wrangler.toml") });
  let applied = 0;
  for (const { binding, migrations_dir: dir = "migrations", migrations_table: table = "d1_migrations" } of config.d1_databases) {
    const db = await mf.getD1Database(binding);
    await db.prepare(`CREATE TABLE IF NOT EXISTS ${table}(
      id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`).run();
    const done = new Set((await db.prepare(`SELECT name FROM ${table}`).all()).results.map((r) => r.name));
    const files = readdirSync(resolve(root, dir)).filter((f) => f.endsWith(".sql")).sort();
    for (const file of files.filter((f) => !done.has(f))) {
      const statements = unstable_splitSqlQuery(readFileSync(resolve(root, dir, file), "utf8")).map((sql) => db.prepare(sql));
      await db.batch([...statements, db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(file)]);
      applied++;
    }
  }
  return applied;
}

/**
 * Starts the system as `npm start` does (scripts/start.mjs: migrations, bundle, Miniflare, cron) in its own
 * process group, with state under persistTo and extra vars. Resolves once it serves with migrations applied,
 * to the child process with `port` set: port 0 (the default) lets workerd take a free one, so no other
 * process can take it between choosing and listening. fireCron(child) runs the cron trigger on it.
 * With stdio "ignore", the end of the system's output is kept for the error should it fail to start.
 */
export async function startSystem({ port = 0, persistTo, vars = {}, stdio = "inherit", timeoutMs = 60_000 }) {
  const args = [resolve(root, "scripts/start.mjs")];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const env = { ...quietEnv, PORT: String(port), MALLBOTS_STATE_DIR: persistTo, MALLBOTS_QUIET: "1" };
  const keepTail = stdio === "ignore";
  const io = keepTail ? ["ignore", "pipe", "pipe"] : Array.isArray(stdio) ? stdio : ["ignore", stdio, stdio];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: [...io.slice(0, 3), "ipc"], detached: true });
  let tail = "";
  // read for as long as the system runs: a pipe nobody reads would block its writes
  const keep = (chunk) => (tail = (tail + chunk).slice(-4_000));
  if (keepTail) for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", keep);
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`the system did not become ready within ${timeoutMs} ms`)), timeoutMs);
    child.on("message", (m) => m?.ready && (clearTimeout(timer), (child.port = m.port), resolveReady()));
    child.once("exit", (code, signal) => (clearTimeout(timer), reject(new Error(`the system exited with ${code ?? signal} while starting`))));
  });
  try {
    await ready;
  } catch (error) {
    await stopSystem(child, "SIGKILL");
    if (keepTail && tail.trim()) error.message += `; its output ended with:\n${tail.trimEnd()}`;
    throw error;
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

/**
 * Runs the Worker's scheduled handler once on a Miniflare instance, as the cron trigger would, through
 * Miniflare's trigger route (`unsafeTriggerHandlers`). Not through `mf.getWorker()`: that proxy waits for
 * workerd synchronously, and while this process waits it does not read workerd's output; under load the
 * output pipe filled up, workerd blocked writing a log line and neither ever went on.
 */
export async function fireScheduled(mf) {
  const response = await mf.dispatchFetch(`http://127.0.0.1/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cronExpression)}`);
  const outcome = await response.text();
  if (response.status !== 200) throw new Error(`the scheduled handler ended with "${outcome}"`);
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
