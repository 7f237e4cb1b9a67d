// CPU time of processes, read from /proc (Linux): utime + stime of /proc/<pid>/stat, in clock ticks.
// The bench samples the system's process tree (the start script's node process and its descendants,
// i.e. workerd) before and after a measured window and divides the difference by the requests served.
import { execFileSync } from "node:child_process";
import { processTree, readStat } from "../scripts/proc.mjs";

/** Clock ticks per second (`getconf CLK_TCK`, 100 on nearly every Linux). */
export const clockTicks = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** A sample of the tree under rootPid: Map pid → { name, ticks }. */
export function sampleTree(rootPid) {
  const sample = new Map();
  for (const pid of processTree(rootPid)) {
    const stat = readStat(pid);
    if (stat) sample.set(pid, { name: stat.name, ticks: stat.ticks });
  }
  return sample;
}

const round = (v) => Math.round(v * 1000) / 1000;

/**
 * CPU used between two samples: { ms, byName: { workerd: ms, node: ms, … } }. A process that appeared
 * in between counts from 0; one that exited in between is lost (the system's processes live all run).
 */
export function cpuBetween(before, after) {
  const byName = {};
  let ticks = 0;
  for (const [pid, { name, ticks: t }] of after) {
    const used = t - (before.get(pid)?.ticks ?? 0);
    ticks += used;
    byName[name] = (byName[name] ?? 0) + used;
  }
  const ms = (t) => round((t * 1000) / clockTicks);
  return { ms: ms(ticks), byName: Object.fromEntries(Object.entries(byName).map(([n, t]) => [n, ms(t)])) };
}

/** { ms, msPerUnit, byName: { name: msPerUnit } } for `units` requests or orders (null when there are none). */
export function perUnit(cpu, units) {
  if (!cpu || !units) return null;
  const each = (ms) => round(ms / units);
  return { ms: cpu.ms, msPerUnit: each(cpu.ms), byName: Object.fromEntries(Object.entries(cpu.byName ?? {}).map(([n, ms]) => [n, each(ms)])) };
}

/** This process's CPU since `since` (a process.cpuUsage() value), in ms. */
export const ownCpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return round((user + system) / 1000);
};

/**
 * Waits until the tree under rootPid is quiet: less than `maxShare` of one core used over `windowMs`
 * (the queues and projections fed by earlier work have drained), or timeoutMs passed. Returns the ms waited.
 */
export async function untilIdle(rootPid, { windowMs = 500, maxShare = 0.05, timeoutMs = 30_000 } = {}) {
  const t0 = Date.now();
  let before = sampleTree(rootPid);
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs));
    const after = sampleTree(rootPid);
    if (cpuBetween(before, after).ms < windowMs * maxShare || Date.now() - t0 > timeoutMs) return Date.now() - t0;
    before = after;
  }
}
