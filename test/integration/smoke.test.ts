import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("creates a store", async () => {
  const res = await SELF.fetch("http://x/api/stores", { method: "POST", body: JSON.stringify({ name: "A", location: "B" }) });
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  const got = await SELF.fetch(`http://x/api/stores/${id}`);
  expect(await got.json()).toEqual({ store: { id, name: "A", location: "B", participating: false } });
  expect(env.SNAPSHOT_EVERY).toBe("5");
});
