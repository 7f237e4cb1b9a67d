import { execFile, type StdioOptions } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fireCron, quietEnv, root, startSystem, stopSystem } from "../../scripts/local.mjs";
import { type Call, clientAt } from "./http";

export { type Call, clientAt, Unexpected, waitFor } from "./http";

export interface OwnSystem {
  base: string;
  call: Call;
  /** Fires the cron trigger once (local runtimes never fire it; the start script does on request). */
  cron(): Promise<void>;
  /** Reads the instance's local D1 database with `wrangler d1 execute` (for state the API does not show). */
  query<T = Record<string, unknown>>(binding: string, sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * Starts a separate system instance as `npm start` does (real queues and D1) in a fresh
 * state dir, for tests that need their own configuration. Call stop() in afterAll.
 */
export async function startOwnSystem(vars: Record<string, string>, prefix = "mallbots-own-"): Promise<OwnSystem> {
  const stateDir = mkdtempSync(join(tmpdir(), prefix));
  try {
    // MALLBOTS_E2E_LOG_DIR=<dir> keeps each own instance's output for debugging.
    const logDir = process.env.MALLBOTS_E2E_LOG_DIR;
    const log = logDir ? openSync(join(logDir, `${basename(stateDir)}.log`), "w") : undefined;
    const stdio: StdioOptions = log === undefined ? "ignore" : ["ignore", log, log];
    const child = await startSystem({ persistTo: stateDir, vars, stdio, timeoutMs: 110_000 });
    const base = `http://127.0.0.1:${child.port}`;
    return {
      base,
      call: clientAt(base),
      cron: () => fireCron(child),
      query: (binding, sql) => d1Query(stateDir, binding, sql),
      async stop() {
        await stopSystem(child);
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}

/** Asynchronous on purpose: a blocked event loop misses the server closing idle keep-alive sockets. */
function d1Query<T>(stateDir: string, binding: string, sql: string): Promise<T[]> {
  const wrangler = join(root, "node_modules/.bin/wrangler");
  const args = ["d1", "execute", binding, "--local", "--persist-to", stateDir, "--json", "--command", sql];
  return new Promise((resolve, reject) => {
    execFile(wrangler, args, { cwd: root, env: { ...quietEnv, CI: "true" }, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrangler d1 execute failed: ${stdout}${stderr}`));
      const [first] = JSON.parse(stdout) as { results: T[] }[];
      resolve(first?.results ?? []);
    });
  });
}
