// Shared by start, test and bench: apply local D1 migrations and run `wrangler dev` like a user does.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
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
 * Starts `wrangler dev` with `--test-scheduled`, which exposes `/__scheduled` to fire the cron trigger
 * (local runtimes never fire it themselves); vars are passed as --var NAME:VALUE. Resolves when /liveness answers.
 * Logs at "info" (every request) when someone reads them, "warn" when stdio is ignored: logging every
 * request costs wrangler's process CPU under load. WRANGLER_LOG overrides both.
 */
export async function startDev({ port, persistTo, vars = {}, stdio = "inherit", timeoutMs = 60_000 }) {
  const args = ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo,
    "--show-interactive-dev-session=false", "--test-scheduled", "--log-level", process.env.WRANGLER_LOG ?? (stdio === "ignore" ? "warn" : "info")];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  copyExplorerAssets();
  const child = spawn(wrangler, args, { cwd: root, env: quietEnv, stdio, detached: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/liveness`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      stopDev(child);
      throw new Error("wrangler dev did not become ready");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

/** Stops wrangler dev and its workerd children; `signal` SIGKILL simulates a crash. */
export function stopDev(child, signal = "SIGTERM") {
  try {
    process.kill(-child.pid, signal);
  } catch {}
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
}

/** The cron expression of wrangler.toml's one trigger, URL-encoded for /__scheduled. */
export const cronPath = "/__scheduled?cron=*+*+*+*+*";

/** Fires the cron trigger once (the scheduled handler of src/index.ts) on a system started by startDev. */
export async function fireCron(port) {
  const res = await fetch(`http://127.0.0.1:${port}${cronPath}`);
  await res.text();
  if (!res.ok) throw new Error(`${cronPath} answered ${res.status}`);
}

/**
 * Fires the cron trigger every `everyMs` (a minute, like `* * * * *`) until stop() is called: what the
 * platform does in production. A failed firing is reported and the next one still runs.
 */
export function startCron(port, everyMs = 60_000, report = (error) => console.error(`cron: ${error.message}`)) {
  const timer = setInterval(() => fireCron(port).catch(report), everyMs);
  return { stop: () => clearInterval(timer) };
}
