import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startSystem, stopSystem } from "../../scripts/local.mjs";

/**
 * Vars the e2e system runs with: fast retries so dead-lettering is observable within a test, and only
 * warnings and errors logged (the log lines themselves are tested inside workerd, test/integration/logs.test.ts).
 */
export const e2eVars = { QUEUE_RETRY_BASE_SECONDS: "0", LOG_LEVEL: "warn" };

/** Starts the system the way `npm start` does (scripts/start.mjs: migrations, bundle, Miniflare) in a fresh state dir. */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), "mallbots-e2e-"));
  const child = await startSystem({ persistTo: stateDir, vars: e2eVars, stdio: "ignore", timeoutMs: 120_000 });
  project.provide("baseUrl", `http://127.0.0.1:${child.port}`);
  return async () => {
    await stopSystem(child);
    rmSync(stateDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
