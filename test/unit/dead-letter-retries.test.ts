/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { deadLetterRetryDelaySeconds } from "../../queues/consumer";
import { contexts } from "../../queues/topology";
import toml from "../../wrangler.toml?raw";

/** The `[[queues.consumers]]` entries of wrangler.toml, as key → value maps. */
function consumers(): Record<string, string>[] {
  return toml
    .split("[[queues.consumers]]")
    .slice(1)
    .map((block) => Object.fromEntries([...block.matchAll(/^(\w+) = "?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!])));
}

describe("dead-letter queue consumers ride out an OPS_DB fault", () => {
  it("back off 10, 20, 40 … s up to 5 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => deadLetterRetryDelaySeconds(n, 10))).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it.each(contexts.map((c) => [c]))("mallbots-%s-dlq retries for more than an hour before giving up", (context) => {
    const entry = consumers().find((c) => c.queue === `mallbots-${context}-dlq`);
    expect(entry).toBeDefined();
    const retries = Number(entry!.max_retries);
    const waited = Array.from({ length: retries }, (_, i) => deadLetterRetryDelaySeconds(i + 1, 10)).reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(3600);
  });
});
