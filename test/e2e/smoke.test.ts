import { expect, it } from "vitest";
import { call, waitFor } from "./http";

it("serves liveness and lists a new store eventually", async () => {
  const live = await call("GET", "/liveness");
  expect(live.status).toBe(200);
  expect(live.body).toBe(".");
  const { body } = await call("POST", "/api/stores", { name: "Smoke", location: "Here" });
  await waitFor(async () => {
    const list = await call("GET", "/api/stores");
    return list.body.stores.find((s: { id: string }) => s.id === body.id);
  }, "the new store in the list");
});
