import { afterEach, expect, it } from "vitest";
import { fireScheduled, startCron } from "../../scripts/local.mjs";

/** `npm start` fires the cron trigger itself (local runtimes do not): the timer calls it until stopped. */

let cron: { stop(): void } | undefined;
afterEach(() => cron?.stop());

it("fires on every tick until stopped, and keeps going after a failed firing", async () => {
  let fired = 0;
  const reported: string[] = [];
  cron = startCron(
    async () => {
      fired++;
      if (fired === 1) throw new Error("the scheduled handler ended with \"exception\"");
    },
    20,
    (error) => reported.push(error.message),
  );
  await new Promise<void>((enough) => {
    const check = setInterval(() => fired >= 3 && (clearInterval(check), enough()), 5);
  });
  cron.stop();
  const firedBeforeStop = fired;
  await new Promise((r) => setTimeout(r, 100));
  expect(fired).toBe(firedBeforeStop);
  expect(reported).toEqual(['the scheduled handler ended with "exception"']);
});

/**
 * The firing goes through Miniflare's trigger route, never its proxy (`getWorker()`): the proxy waits for
 * workerd synchronously, and while it waited the start script stopped reading workerd's output; under load
 * workerd then blocked writing a log line and the system hung.
 */
it("fires the scheduled handler through the trigger route, and reports an outcome other than ok", async () => {
  const urls: string[] = [];
  const miniflare = (status: number, outcome: string) => ({
    getWorker: () => {
      throw new Error("the synchronous proxy must not be used");
    },
    dispatchFetch: async (url: string) => {
      urls.push(url);
      return new Response(outcome, { status });
    },
  });
  await fireScheduled(miniflare(200, "ok"));
  expect(urls).toEqual(["http://127.0.0.1/cdn-cgi/handler/scheduled?cron=*%20*%20*%20*%20*"]);
  await expect(fireScheduled(miniflare(500, "exception"))).rejects.toThrow('the scheduled handler ended with "exception"');
});
