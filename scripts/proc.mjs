// Processes as Linux's /proc shows them: the start script kills what it started, the bench measures the CPU
// of the system's processes (and says what filesystem its state is on), the clean-stop test checks they are
// gone. Elsewhere (no /proc) nothing is found.
import { readdirSync, readFileSync, realpathSync } from "node:fs";

/**
 * One process from /proc/<pid>/stat, or null when it is gone: { pid, name, state, ppid, pgrp, ticks (utime +
 * stime, in clock ticks), started (start time in clock ticks after boot, which tells a reused pid apart) }.
 */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp … utime stime … starttime": comm may hold spaces and parentheses
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    pid,
    name: text.slice(text.indexOf("(") + 1, close),
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    ticks: Number(fields[11]) + Number(fields[12]),
    started: Number(fields[19]),
  };
}

/** Every process there is. */
export function allProcesses() {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries.filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => readStat(Number(entry)) ?? []);
}

/** rootPid and all its descendants, as found in `processes`, parents before children. */
export function processTree(rootPid, processes = allProcesses()) {
  const children = new Map();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const pids = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/**
 * The mount that holds `path` (an existing file or folder): { type, device, mountPoint } from /proc/mounts
 * (the longest mount point that contains it), or null when unknown.
 */
export function filesystemOf(path, mounts = readMounts()) {
  let real;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  let best = null;
  for (const line of mounts.split("\n")) {
    const [device, mountPoint, type] = line.split(" ").map((field) => field?.replace(/\\040/g, " "));
    if (!mountPoint || !type) continue;
    const inside = mountPoint === "/" || real === mountPoint || real.startsWith(`${mountPoint}/`);
    if (inside && (!best || mountPoint.length >= best.mountPoint.length)) best = { type, device, mountPoint };
  }
  return best;
}

function readMounts() {
  try {
    return readFileSync("/proc/mounts", "utf8");
  } catch {
    return "";
  }
}
