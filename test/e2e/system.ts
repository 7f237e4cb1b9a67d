import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, startDev, stopDev } from "../../scripts/local.mjs";
import { freePort } from "./global-setup";
import { type Call, clientAt } from "./http";

export { type Call, clientAt, Unexpected, waitFor } from "./http";

export interface OwnSystem {
  base: string;
  call: Call;
  stop(): Promise<void>;
}

/**
 * Starts a separate system instance (migrations + wrangler dev with real queues and D1) in a fresh
 * state dir, for tests that need their own configuration. Call stop() in afterAll.
 */
export async function startOwnSystem(vars: Record<string, string>, prefix = "mallbots-own-"): Promise<OwnSystem> {
  const stateDir = mkdtempSync(join(tmpdir(), prefix));
  try {
    migrate(stateDir);
    const port = await freePort();
    // MALLBOTS_E2E_LOG_DIR=<dir> keeps each own instance's wrangler output for debugging.
    const logDir = process.env.MALLBOTS_E2E_LOG_DIR;
    const log = logDir ? openSync(join(logDir, `${prefix}${port}.log`), "w") : undefined;
    const stdio = log === undefined ? "ignore" : ["ignore", log, log];
    const child = await startDev({ port, persistTo: stateDir, vars, stdio: stdio as "ignore", timeoutMs: 110_000 });
    const base = `http://127.0.0.1:${port}`;
    return {
      base,
      call: clientAt(base),
      async stop() {
        await stopDev(child);
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}
