import { describe, expect, it } from "vitest";
import * as worker from "../../src/index";
import { modules } from "../../src/modules";

describe("the Worker entry", () => {
  it("exports every Durable Object class the modules name", () => {
    const exported = worker as unknown as Record<string, unknown>;
    for (const m of modules) {
      for (const { className } of [...m.aggregates, ...(m.sagas ?? [])]) expect(typeof exported[className], className).toBe("function");
    }
  });
});
