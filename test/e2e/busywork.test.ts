import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { root } from "../../scripts/local.mjs";
import { baseUrl } from "./http";

let child: ChildProcess | undefined;

afterEach(() => {
  // a failed assertion or a timeout must not leave the load running
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Runs `npm run busywork`'s script to its end; resolves with its exit code and output. */
function busywork(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, failed) => {
    const proc = spawn(process.execPath, [resolve(root, "scripts/busywork.mjs"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d));
    proc.stderr.on("data", (d: Buffer) => (stderr += d));
    proc.on("error", failed);
    proc.on("close", (code) => done({ code, stdout, stderr }));
  });
}

it("drives stores, baskets, bots and invoice payments until orders complete, with no unexpected error", { timeout: 120_000 }, async () => {
  // bounded by time, and done as soon as one order went the whole way (a loaded machine takes longer)
  const { code, stdout, stderr } = await busywork(["--url", baseUrl(), "--clients", "3", "--seconds", "90", "--until-orders", "1", "--timeout-ms", "10000"]);
  const lines = stdout.trim().split("\n");
  const summary = /^busywork: (\d+) requests, (\d+) errors, (\d+) orders completed$/.exec(lines.at(-1) ?? "");
  expect(summary, `stdout:\n${stdout}\nstderr:\n${stderr}`).not.toBeNull();
  const [, requests, errors, orders] = summary!.map(Number);
  expect({ code, errors }, stderr).toEqual({ code: 0, errors: 0 });
  expect(requests).toBeGreaterThan(0);
  // the bots completed lists and the customers paid invoices: the whole ready → invoice → pay path ran
  expect(orders, stderr).toBeGreaterThanOrEqual(1);
  // progress lines (stderr is not a TTY here) report latency percentiles
  expect(stderr).toMatch(/requests, \d+ errors, .*p50 [\d.]+ ms, p99 [\d.]+ ms/);
});

it("refuses bad usage with exit status 2", async () => {
  const { code, stderr } = await busywork(["--clients", "0"]);
  expect(code).toBe(2);
  expect(stderr).toContain("--clients must be a number");
});
