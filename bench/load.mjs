// Load generator for `npm run bench`, run as a separate process (child_process.fork from scripts/bench.mjs).
// It receives one job over IPC:
//   { baseUrl, scenario, state, concurrency, seconds, warmupSeconds, maxRequests, timeoutMs, systemPid }
// runs `concurrency` closed loops (each: send a request, wait for the whole response, repeat) for
// warmupSeconds (not recorded) and then for `seconds` (recorded) or until maxRequests were sent,
// and replies with { ok: true, result } or { ok: false, error }. Then it exits.
// CPU over exactly the measured window: the system's process tree under systemPid from /proc, and this
// process's own (process.cpuUsage, all its threads).
import { cpuBetween, ownCpuMs, sampleTree } from "./cpu.mjs";
import { scenarios } from "./scenarios.mjs";
import { sender } from "./sender.mjs";

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

async function run(job) {
  const { baseUrl, state, concurrency, seconds, warmupSeconds, maxRequests, timeoutMs, systemPid } = job;
  const scenario = scenarios.find((s) => s.name === job.scenario);
  if (!scenario) throw new Error(`unknown scenario ${job.scenario}`);
  const { send, close } = sender(baseUrl, concurrency, timeoutMs);
  let i = 0; // request index across warm-up and measurement

  // Warm-up: same loops, nothing recorded, bounded by time and by maxRequests.
  if (warmupSeconds > 0) {
    const until = performance.now() + warmupSeconds * 1000;
    let sent = 0;
    const lane = async () => {
      while (performance.now() < until && sent < maxRequests) {
        sent++;
        await send(scenario.request(state, i++));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  // Measurement.
  const latencies = new Float64Array(maxRequests);
  const statuses = {};
  const errorSamples = []; // up to 5 distinct (status, body) pairs
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let resent = 0;
  const systemBefore = systemPid ? sampleTree(systemPid) : null;
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  const lane = async () => {
    while (performance.now() < until && sent < maxRequests) {
      sent++;
      const t0 = performance.now();
      const r = await send(scenario.request(state, i++));
      latencies[completed++] = performance.now() - t0;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.resent) resent++;
      if (!(r.status >= 200 && r.status < 300)) {
        errors++;
        const key = `${r.status} ${r.body}`;
        if (errorSamples.length < 5 && !errorSamples.some((e) => `${e.status} ${e.body}` === key)) errorSamples.push({ status: r.status, body: r.body });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - start;
  const cpu = { system: systemBefore && cpuBetween(systemBefore, sampleTree(systemPid)), load: { ms: ownCpuMs(ownBefore) } };
  close();

  const sorted = latencies.subarray(0, completed).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    requests: completed,
    errors,
    resent,
    elapsedSeconds: round(elapsedMs / 1000),
    rps: round((completed * 1000) / elapsedMs),
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(completed ? sorted[completed - 1] : null),
    meanMs: round(completed ? sum / completed : null),
    statuses,
    errorSamples,
    hitMaxRequests: sent >= maxRequests,
    cpu,
  };
}

// The orchestrator going away (crash, Ctrl-C) ends this process too.
process.on("disconnect", () => process.exit(1));
process.once("message", async (job) => {
  try {
    const result = await run(job);
    process.send({ ok: true, result }, () => process.exit(0));
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
  }
});
