import { describe, expect, it } from "vitest";
import { z } from "zod";
import { topology } from "../../queues/topology";
import { buildRegistry } from "../../src/kernel/registry";
import { messageSchemas, modules } from "../../src/modules";

describe("message registry", () => {
  it("has a contract schema for every message the topology routes", () => {
    const missing = topology.routedMessageNames().filter((name) => !messageSchemas[name]);
    expect(missing).toEqual([]);
  });

  it("has a contract schema for every message a context handles, and it is the handler's schema", () => {
    for (const m of modules) {
      for (const [name, handler] of Object.entries(m.handlers)) {
        expect(messageSchemas[name], `${m.name} handles ${name}`).toBe(handler.schema);
      }
    }
  });

  it("refuses a name registered twice", () => {
    expect(() => buildRegistry({ "a.B": z.object({}) }, { "a.B": z.object({}) })).toThrow("message a.B registered twice");
  });
});
