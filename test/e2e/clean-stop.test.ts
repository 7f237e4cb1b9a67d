import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quietEnv, root } from "../../scripts/local.mjs";
import { allProcesses, processTree, readStat } from "../../scripts/proc.mjs";

// The real `npm start` (npm → node scripts/start.mjs, exec'd by npm's shell → workerd), signalled the way a
// process manager or a terminal does: the npm process alone. npm passes SIGINT and SIGTERM on and SIGHUP not at
// all, so this is what proves the start script notices. SIGKILL to npm (a crashed manager) is covered too.
const signals = ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"] as const;
const STOP_WITHIN_MS = 5_000;

/** pid → start time of `pid` and every living descendant (zombies are gone already). */
function descendants(pid: number): Map<number, number> {
  const living = allProcesses().filter((p) => p.state !== "Z");
  const started = new Map(living.map((p) => [p.pid, p.started]));
  return new Map(processTree(pid, living).map((p) => [p, started.get(p) ?? 0]));
}

/** Still running (not gone, not a zombie, and not a new process that reused the pid). */
function alive(pid: number, started: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== "Z" && stat.started === started;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").slice(0, 120);
  } catch {
    return "?";
  }
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.concurrent("npm start stops everything it started", () => {
  it.each(signals)(
    `%s to the npm process alone: every process gone and the port free within ${STOP_WITHIN_MS / 1000} s`,
    async (signal) => {
      const stateDir = mkdtempSync(join(tmpdir(), "mallbots-stop-"));
      const npm = spawn("npm", ["start"], {
        cwd: root,
        // port 0: the banner names the port workerd took
        env: { ...quietEnv, PORT: "0", MALLBOTS_STATE_DIR: stateDir },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let output = "";
      npm.stdout.on("data", (d) => (output += d));
      npm.stderr.on("data", (d) => (output += d));
      const npmPid = npm.pid!;
      let started = new Map<number, number>();
      let port = 0;
      try {
        const deadline = Date.now() + 270_000; // four starts at once on a busy 2-core machine
        for (;;) {
          if (npm.exitCode !== null || npm.signalCode !== null) throw new Error(`npm start exited while starting:\n${output}`);
          port = Number(/MallBots is up: API http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1] ?? 0);
          const ready = port > 0 && (await fetch(`http://127.0.0.1:${port}/liveness`).then((r) => r.ok, () => false));
          if (ready) break;
          if (Date.now() > deadline) throw new Error(`npm start did not answer /liveness:\n${output}`);
          await sleep(200);
        }
        started = descendants(npmPid);
        // npm, sh, node and workerd at least
        expect(started.size).toBeGreaterThanOrEqual(3);
        expect([...started.keys()].some((pid) => commandOf(pid).includes("workerd"))).toBe(true);

        const sent = Date.now();
        process.kill(npmPid, signal);
        let left = [...started].filter(([pid, t]) => alive(pid, t));
        while (left.length > 0 && Date.now() - sent < STOP_WITHIN_MS) {
          await sleep(50);
          left = left.filter(([pid, t]) => alive(pid, t));
        }
        const tookMs = Date.now() - sent;
        console.log(`${signal}: ${started.size - left.length} of ${started.size} processes gone after ${tookMs} ms`);
        expect(left.map(([pid]) => `${pid} ${commandOf(pid)}`), `still running ${tookMs} ms after ${signal}`).toEqual([]);
        expect(await refuses(port), "the port still accepts connections").toBe(true);
        expect(await canListen(port), "a new server cannot listen on the port").toBe(true);
      } finally {
        try {
          process.kill(-npmPid, "SIGKILL");
        } catch {}
        for (const [pid, t] of started) {
          if (!alive(pid, t)) continue;
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
