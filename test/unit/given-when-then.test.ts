import { describe, expect, it } from "vitest";
import type { Decider, DomainEvent } from "../../src/kernel/decider";
import { DomainError } from "../../src/kernel/errors";
import { given } from "./given-when-then";

/** The helper itself must be able to fail: a toy counter decider exercises every branch. */

type Cmd = { type: "Add"; n: number } | { type: "Boom" } | { type: "Mutate" };
type Ev = DomainEvent<"Added", { n: number }>;
interface Counter {
  id: string;
  version: number;
  total: number;
}

const counter: Decider<Cmd, Ev, Counter> = {
  initialState: (id) => ({ id, version: 0, total: 0 }),
  decide(command, state) {
    switch (command.type) {
      case "Add":
        if (command.n < 0) throw new DomainError(3, "negative");
        return [{ name: "Added", payload: { n: command.n } }];
      case "Boom":
        throw new Error("not a domain error");
      case "Mutate":
        state.total = 999; // an impure decider
        return [];
    }
  },
  evolve: (state, event) => ({ ...state, total: state.total + event.payload.n }),
};

const added = (n: number): Ev => ({ name: "Added", payload: { n } });

describe("given/when/then helper", () => {
  it("folds the history into the given state, bumping the version per event", () => {
    expect(given(counter, "c1", [added(1), added(2)]).state).toEqual({ id: "c1", version: 2, total: 3 });
    expect(given(counter, "c1").state).toEqual({ id: "c1", version: 0, total: 0 });
  });

  it("then() returns the events and the state after them", () => {
    const { events, state } = given(counter, "c1", [added(1)]).when({ type: "Add", n: 4 }).then([added(4)]);
    expect(events).toEqual([added(4)]);
    expect(state).toEqual({ id: "c1", version: 2, total: 5 });
  });

  it("then() fails when the events differ", () => {
    expect(() => given(counter, "c1").when({ type: "Add", n: 4 }).then([added(5)])).toThrow();
    expect(() => given(counter, "c1").when({ type: "Add", n: 4 }).then([])).toThrow();
  });

  it("then() fails when the command is rejected", () => {
    expect(() => given(counter, "c1").when({ type: "Add", n: -1 }).then([added(-1)])).toThrow("negative");
  });

  it("thenFails() passes on the exact code and message and returns the error", () => {
    const error = given(counter, "c1").when({ type: "Add", n: -1 }).thenFails(3, "negative");
    expect(error).toBeInstanceOf(DomainError);
  });

  it("thenFails() fails when the command succeeds", () => {
    expect(() => given(counter, "c1").when({ type: "Add", n: 1 }).thenFails(3, "negative")).toThrow(
      /but the command recorded/,
    );
  });

  it("thenFails() fails on a different code or message", () => {
    expect(() => given(counter, "c1").when({ type: "Add", n: -1 }).thenFails(5, "negative")).toThrow();
    expect(() => given(counter, "c1").when({ type: "Add", n: -1 }).thenFails(3, "negativ")).toThrow();
    expect(() => given(counter, "c1").when({ type: "Add", n: -1 }).thenFails(3, "negative!")).toThrow();
  });

  it("thenFails() fails on an error that is not a DomainError", () => {
    expect(() => given(counter, "c1").when({ type: "Boom" }).thenFails(13, "not a domain error")).toThrow();
  });

  it("detects a decider that mutates the given state", () => {
    expect(() => given(counter, "c1").when({ type: "Mutate" }).then([])).toThrow(/must not mutate/);
  });
});
