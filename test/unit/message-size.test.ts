import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aggregateType, type Decider, type EventsOf } from "../../src/kernel/decider";
import { DomainError } from "../../src/kernel/errors";
import { maxEnvelopeBytes, planCommit, type Routing } from "../../src/kernel/outgoing";

/** SPEC §2.8: an outgoing envelope over 120,000 UTF-8 bytes refuses its command before anything is written. */

const events = { "note.Written": z.object({ text: z.string() }) };
type Note = { id: string; text: string; version: number };
const decider: Decider<never, EventsOf<typeof events>, Note> = {
  initialState: (id) => ({ id, text: "", version: 0 }),
  decide: () => [],
  evolve: (note, event) => ({ ...note, text: event.payload.text }),
};
const noteType = aggregateType({
  name: "note.Note",
  entity: "note",
  decider,
  publish: (event, note) => [{ name: "noteapi.Written", payload: { id: note.id, text: event.payload.text } }],
});
const everyone: Routing = { destinationsOf: () => ["elsewhere"], replyDestinations: () => [] };
const nobody: Routing = { destinationsOf: () => [], replyDestinations: () => [] };
let n = 0;
const plan = (text: string, routing = everyone) =>
  planCommit(noteType, decider.initialState("n1"), { events: [{ name: "note.Written", payload: { text } }] }, {
    cause: { correlationId: "c", causationId: "c" },
    occurredAt: "2026-01-01T00:00:00.000Z",
    newId: () => `id-${++n}`,
    routing,
  });
const refused = (text: string) => {
  try {
    plan(text);
    return null;
  } catch (error) {
    return error instanceof DomainError ? error.toInfo() : error;
  }
};

describe("envelope size", () => {
  it("measures UTF-8 bytes, not UTF-16 units: 3-byte characters count three times", () => {
    const overhead = Math.max(...plan("").outbox.map((m) => JSON.stringify(m.envelope).length));
    const justFits = "€".repeat(Math.floor((maxEnvelopeBytes - overhead) / 3));
    expect(refused(justFits)).toBeNull();
    expect(refused(`${justFits}€€`)).toEqual({ code: 3, message: "invalid request: message too large" });
    // the same number of ASCII characters is far below the limit
    expect(refused("x".repeat(justFits.length + 2))).toBeNull();
  });

  it("refuses an envelope just over the limit, accepts one at the limit", () => {
    const overhead = Math.max(...plan("").outbox.map((m) => JSON.stringify(m.envelope).length));
    // ids grow by a digit or two between plans
    expect(refused("x".repeat(maxEnvelopeBytes - overhead - 4))).toBeNull();
    expect(refused("x".repeat(maxEnvelopeBytes))).toEqual({ code: 3, message: "invalid request: message too large" });
  });

  it("does not measure messages nobody receives", () => {
    expect(plan("x".repeat(maxEnvelopeBytes), nobody).outbox).toEqual([]);
  });
});
