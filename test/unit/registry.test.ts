import { describe, expect, it } from "vitest";
import { z } from "zod";
import { routedMessageNames } from "../../queues/topology";
import { buildRegistry } from "../../src/kernel/registry";
import { messageSchemas } from "../../src/messages";
import { handlers } from "../../src/handlers";

describe("message registry", () => {
  it("has a contract schema for every message the topology routes", () => {
    const missing = routedMessageNames().filter((name) => !messageSchemas[name]);
    expect(missing).toEqual([]);
  });

  it("has a contract schema for every message a context handles, and it is the handler's schema", () => {
    for (const [context, byName] of Object.entries(handlers)) {
      for (const [name, handler] of Object.entries(byName ?? {})) {
        expect(messageSchemas[name], `${context} handles ${name}`).toBe(handler.schema);
      }
    }
  });

  it("refuses a name registered twice", () => {
    expect(() => buildRegistry({ "a.B": z.object({}) }, { "a.B": z.object({}) })).toThrow("message a.B registered twice");
  });
});
