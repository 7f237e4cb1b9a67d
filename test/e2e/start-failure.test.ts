import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startSystem } from "../../scripts/local.mjs";

const stateDir = mkdtempSync(join(tmpdir(), "mallbots-start-failure-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

it("a system that cannot start says why: the end of its output is in the error", async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const { port } = taken.address() as { port: number };
  try {
    const started = startSystem({ port, persistTo: stateDir, stdio: "ignore", timeoutMs: 110_000 });
    await expect(started).rejects.toThrow(/exited with 1 while starting; its output ended with:[\s\S]*Address already in use/);
  } finally {
    taken.close();
  }
}, 120_000);
