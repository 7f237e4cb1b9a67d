import { createServer, type Server } from "node:http";
import { afterEach, expect, it } from "vitest";
import { cronPath, startCron } from "../../scripts/local.mjs";

/** `npm start` fires the cron trigger itself (local runtimes do not): the timer hits /__scheduled until stopped. */

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

it("fires /__scheduled on every tick until stopped, and keeps going after a failed firing", async () => {
  const hits: string[] = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.statusCode = hits.length === 1 ? 500 : 200;
    res.end("ok");
  });
  await new Promise<void>((listening) => server!.listen(0, "127.0.0.1", () => listening()));
  const port = (server.address() as { port: number }).port;
  const reported: string[] = [];
  const cron = startCron(port, 20, (error) => reported.push(error.message));
  await new Promise<void>((enough) => {
    const check = setInterval(() => hits.length >= 3 && (clearInterval(check), enough()), 5);
  });
  cron.stop();
  const firedBeforeStop = hits.length;
  await new Promise((r) => setTimeout(r, 100));
  expect(hits.length).toBeLessThanOrEqual(firedBeforeStop + 1); // at most one firing already in flight
  expect(new Set(hits)).toEqual(new Set([cronPath]));
  expect(reported[0]).toContain("answered 500");
});
