import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startSystem, stopSystem } from "../../scripts/local.mjs";
import { e2eVars } from "./global-setup";
import { waitFor } from "./http";

const stateDir = mkdtempSync(join(tmpdir(), "mallbots-crash-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

it("relays a committed outbox after the runtime is killed and restarted, with no request to the object", async () => {
  // First run: commits happen but the immediate relay is skipped, as if the process died right after commit.
  const first = await startSystem({ persistTo: stateDir, vars: { ...e2eVars, OUTBOX_RELAY_FAULT: "skip-immediate", ALLOW_TEST_FAULTS: "true" }, stdio: "ignore", timeoutMs: 110_000 });
  let storeId: string;
  try {
    const res = await fetch(`http://127.0.0.1:${first.port}/api/stores`, { method: "POST", body: JSON.stringify({ name: "Survivor", location: "Crash site" }) });
    expect(res.status).toBe(200);
    storeId = ((await res.json()) as { id: string }).id;
  } finally {
    await stopSystem(first, "SIGKILL");
  }

  // Second run: nobody touches the store; only its alarm can deliver the StoreCreated event.
  const second = await startSystem({ persistTo: stateDir, vars: e2eVars, stdio: "ignore", timeoutMs: 110_000 });
  const base = `http://127.0.0.1:${second.port}`;
  try {
    const listed = await waitFor(async () => {
      const body = (await (await fetch(`${base}/api/stores`)).json()) as { stores: { id: string; name: string }[] };
      return body.stores.find((s) => s.id === storeId);
    }, "the store relayed after the restart", { timeoutMs: 30_000 });
    expect(listed).toEqual({ id: storeId, name: "Survivor", location: "Crash site", participating: false });
  } finally {
    await stopSystem(second);
  }
});
