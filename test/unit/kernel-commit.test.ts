import { describe, expect, it } from "vitest";
import { fold } from "../../src/kernel/decider";
import type { Envelope } from "../../src/kernel/envelope";
import { Code, DomainError } from "../../src/kernel/errors";
import { type CommitContext, planCommit, type Routing, snapshotDue } from "../../src/kernel/outgoing";
import { commandHeaders, expectsReply, readReply, type Reply, replyTo, settleCommand } from "../../src/kernel/replies";
import { type Counter, type CounterEvent, counterDecider, counterType } from "../toy/counter";

/** The kernel's write-path planning and reply protocol, proven on the toy counter (no context involved). */

const ID = "counter-1";
const AT = "2026-05-01T10:00:00.000Z";
const cause = { correlationId: "corr-1", causationId: "cause-1" };

/** Routing of a made-up topology: who subscribes to which name, which channel goes to which context. */
const routing = (subscribers: Record<string, string[]>, channels: Record<string, string> = {}): Routing => ({
  destinationsOf: (name) => subscribers[name] ?? [],
  replyDestinations: (channel) => (channel !== undefined && channels[channel] ? [channels[channel]] : []),
});

/** Ids id-1, id-2, … in the order the plan asks for them. */
const context = (r: Routing): CommitContext => {
  let n = 0;
  return { cause, occurredAt: AT, newId: () => `id-${++n}`, routing: r };
};

const opened = (label = "Cups"): CounterEvent => ({ name: "toy.Opened", payload: { label } });
const added = (amount: number): CounterEvent => ({ name: "toy.Added", payload: { amount } });
const closed: CounterEvent = { name: "toy.Closed", payload: {} };
const empty = (): Counter => counterDecider.initialState(ID);
const source = (version: number) => ({ aggregateName: "toy.Counter", aggregateId: ID, aggregateVersion: version });

const sagaCommand = (overrides: Partial<Envelope> = {}): Envelope => ({
  id: "command-1",
  name: "toyapi.OpenCounter",
  payload: {},
  metadata: { correlationId: "corr-1", causationId: "saga-step", ...commandHeaders({ id: "saga-1", name: "toy.Saga", replyChannel: "toy.replies" }) },
  occurredAt: AT,
  ...overrides,
});

describe("planCommit: events", () => {
  it("folds the events into the state and numbers them after the current version, each with a new id", () => {
    const before = fold(counterDecider, ID, [opened(), added(2)]);
    const plan = planCommit(counterType, before, { events: [added(3), added(4), closed] }, context(routing({})));
    expect(plan.state).toEqual({ id: ID, label: "Cups", count: 9, closed: true, version: 5 });
    expect(plan.appended).toEqual([
      { version: 3, eventId: "id-1", event: added(3) },
      { version: 4, eventId: expect.any(String), event: added(4) },
      { version: 5, eventId: expect.any(String), event: closed },
    ]);
    expect(new Set(plan.appended.map((a) => a.eventId)).size).toBe(3);
  });

  it("does not mutate the state it was given", () => {
    const before = fold(counterDecider, ID, [opened()]);
    const frozen = JSON.stringify(before);
    planCommit(counterType, before, { events: [added(1), closed] }, context(routing({ "toy.Added": ["a"], "toyapi.CounterAdded": ["b"] })));
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it("plans nothing for no events and no replies", () => {
    const before = fold(counterDecider, ID, [opened()]);
    expect(planCommit(counterType, before, { events: [] }, context(routing({ "toy.Added": ["a"] })))).toEqual({ state: before, appended: [], outbox: [] });
  });
});

describe("planCommit: outbox", () => {
  const everywhere = routing({ "toy.Opened": ["toy"], "toy.Added": ["toy"], "toyapi.CounterOpened": ["x", "y"], "toyapi.CounterAdded": ["y"] });

  it("publishes the domain event under its own id, then its integration event, with the cause and the aggregate metadata", () => {
    const plan = planCommit(counterType, empty(), { events: [opened(), added(5)] }, context(everywhere));
    expect(plan.outbox).toEqual([
      {
        envelope: { id: plan.appended[0]!.eventId, name: "toy.Opened", payload: { label: "Cups" }, metadata: { ...cause, ...source(1) }, occurredAt: AT },
        destinations: ["toy"],
      },
      {
        envelope: { id: expect.any(String), name: "toyapi.CounterOpened", payload: { id: ID, label: "Cups" }, metadata: { ...cause, ...source(1) }, occurredAt: AT },
        destinations: ["x", "y"],
      },
      {
        envelope: { id: plan.appended[1]!.eventId, name: "toy.Added", payload: { amount: 5 }, metadata: { ...cause, ...source(2) }, occurredAt: AT },
        destinations: ["toy"],
      },
      {
        envelope: { id: expect.any(String), name: "toyapi.CounterAdded", payload: { id: ID, count: 5 }, metadata: { ...cause, ...source(2) }, occurredAt: AT },
        destinations: ["y"],
      },
    ]);
    const ids = plan.outbox.map((m) => m.envelope.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("takes each message's destinations from the routing and leaves out messages nobody subscribes to", () => {
    const plan = planCommit(counterType, empty(), { events: [opened(), added(1), closed] }, context(routing({ "toyapi.CounterAdded": ["y", "z"] })));
    expect(plan.outbox.map((m) => [m.envelope.name, m.destinations])).toEqual([["toyapi.CounterAdded", ["y", "z"]]]);
    expect(plan.appended).toHaveLength(3); // unrouted events are still appended
  });

  it("routes replies by their channel, with the REPLY_* headers and the cause but no aggregate metadata", () => {
    const command = sagaCommand();
    const replies: Reply[] = [
      replyTo(command, { ok: true }),
      replyTo(command, { ok: false, error: { code: Code.InvalidArgument, message: "no" } }),
      { ...replyTo(command, { ok: true }), channel: "nobody.listens" },
    ];
    const plan = planCommit(counterType, empty(), { events: [opened()], replies }, context(routing({}, { "toy.replies": "sagas" })));
    expect(plan.outbox).toEqual([
      {
        envelope: {
          id: expect.any(String),
          name: "am.Success",
          payload: {},
          metadata: { ...cause, REPLY_OUTCOME: "SUCCESS", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
          occurredAt: AT,
        },
        destinations: ["sagas"],
      },
      {
        envelope: {
          id: expect.any(String),
          name: "am.Failure",
          payload: { code: 3, message: "no" },
          metadata: { ...cause, REPLY_OUTCOME: "FAILURE", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
          occurredAt: AT,
        },
        destinations: ["sagas"],
      },
    ]);
    expect(plan.outbox[0]!.envelope).not.toHaveProperty("channel");
  });

  it("keeps saga headers off events and integration events committed with a reply", () => {
    const reply = replyTo(sagaCommand(), { ok: true });
    const r = routing({ "toy.Opened": ["toy"], "toyapi.CounterOpened": ["x"] }, { "toy.replies": "sagas" });
    const plan = planCommit(counterType, empty(), { events: [opened()], replies: [reply] }, context(r));
    const [event, published] = plan.outbox;
    expect(event!.envelope.metadata).toEqual({ ...cause, ...source(1) });
    expect(published!.envelope.metadata).toEqual({ ...cause, ...source(1) });
    for (const m of plan.outbox) expect(m.envelope.occurredAt).toBe(AT);
  });
});

describe("snapshotDue", () => {
  it.each([
    [0, 4, 5, false],
    [4, 5, 5, true],
    [5, 6, 5, false],
    [5, 5, 5, false],
    [3, 7, 5, true],
    [9, 10, 5, true],
    [4, 11, 5, true],
    [10, 14, 5, false],
    [0, 1, 1, true],
    [49, 50, 50, true],
    [50, 99, 50, false],
  ])("from %i to %i every %i: %s", (from, to, every, due) => {
    expect(snapshotDue(from, to, every)).toBe(due);
  });
});

describe("reply protocol", () => {
  it("puts the saga's address in a command's headers, and only such a command expects a reply", () => {
    expect(commandHeaders({ id: "s", name: "n", replyChannel: "c" })).toEqual({ COMMAND_REPLY_CHANNEL: "c", COMMAND_SAGA_ID: "s", COMMAND_SAGA_NAME: "n" });
    expect(expectsReply(sagaCommand())).toBe(true);
    expect(expectsReply(sagaCommand({ metadata: cause }))).toBe(false);
  });

  it("answers success with am.Success {} by default, copying the saga id and name and the reply channel", () => {
    expect(replyTo(sagaCommand(), { ok: true })).toEqual({
      name: "am.Success",
      payload: {},
      metadata: { REPLY_OUTCOME: "SUCCESS", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
      channel: "toy.replies",
    });
  });

  it("answers success with the handler's own reply when there is one, keeping its metadata", () => {
    const own = counterType.successReply!({ type: "Open", label: "L" }, empty());
    expect(own).toEqual({ name: "toyapi.CounterOpenedReply", payload: { id: ID } });
    expect(replyTo(sagaCommand(), { ok: true, reply: { ...own!, metadata: { extra: "kept" } } })).toEqual({
      name: "toyapi.CounterOpenedReply",
      payload: { id: ID },
      metadata: { extra: "kept", REPLY_OUTCOME: "SUCCESS", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
      channel: "toy.replies",
    });
  });

  it("answers failure with am.Failure {code, message}", () => {
    expect(replyTo(sagaCommand(), { ok: false, error: { code: Code.FailedPrecondition, message: "the counter is closed" } })).toEqual({
      name: "am.Failure",
      payload: { code: 9, message: "the counter is closed" },
      metadata: { REPLY_OUTCOME: "FAILURE", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
      channel: "toy.replies",
    });
  });

  it("has no channel for a command that carried none", () => {
    expect(replyTo(sagaCommand({ metadata: cause }), { ok: true }).channel).toBeUndefined();
  });

  it("reads a reply as the saga sees it", () => {
    const reply: Envelope = {
      id: "reply-1",
      name: "am.Failure",
      payload: { code: 9, message: "closed" },
      metadata: { correlationId: "corr-1", causationId: "command-1", REPLY_OUTCOME: "FAILURE", REPLY_SAGA_ID: "saga-1", REPLY_SAGA_NAME: "toy.Saga" },
      occurredAt: AT,
    };
    expect(readReply(reply)).toEqual({
      messageId: "reply-1",
      name: "am.Failure",
      outcome: "FAILURE",
      payload: { code: 9, message: "closed" },
      causationId: "command-1",
      sagaId: "saga-1",
      sagaName: "toy.Saga",
    });
    expect(readReply({ ...reply, metadata: { ...reply.metadata, REPLY_OUTCOME: "SUCCESS" } }).outcome).toBe("SUCCESS");
    // a message without reply headers reads as a failure addressed to no saga
    expect(readReply({ ...reply, metadata: cause })).toMatchObject({ outcome: "FAILURE", sagaId: "", sagaName: "" });
  });
});

describe("settleCommand", () => {
  const error = { code: Code.FailedPrecondition, message: "the counter is closed" } as const;

  it("acknowledges a success and a failure whose reply was committed", () => {
    expect(() => settleCommand({ ok: true, value: { version: 2 } })).not.toThrow();
    expect(() => settleCommand({ ok: false, error, replied: true })).not.toThrow();
  });

  it.each([undefined, false])("throws an unreplied failure (replied: %s) as a DomainError with its code and message", (replied) => {
    let thrown: unknown;
    try {
      settleCommand({ ok: false, error, replied });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).toInfo()).toEqual(error);
  });
});
