import { afterEach, expect, it } from "vitest";
import { startCron } from "../../scripts/local.mjs";

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
