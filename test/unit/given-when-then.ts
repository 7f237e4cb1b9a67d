import { expect } from "vitest";
import { type AggregateState, type Decider, type DomainEvent, applyEvent, fold } from "../../src/kernel/decider";
import { DomainError, type ErrorCode } from "../../src/kernel/errors";

/**
 * Given/when/then specs for pure deciders (ARCHITECTURE §4):
 *
 *   given(decider, id, pastEvents).when(command).then([expectedEvents])
 *   given(decider, id, pastEvents).when(command).thenFails(code, "exact message")
 *
 * `then` returns the state after the new events (folded with the kernel's `applyEvent`, so the version
 * is bumped exactly as the aggregate object does) and the events themselves, for further assertions.
 */
export interface Given<C, E extends DomainEvent, S extends AggregateState> {
  /** The state folded from the past events. */
  readonly state: S;
  when(command: C): When<E, S>;
}

export interface When<E extends DomainEvent, S extends AggregateState> {
  /** Asserts that the command records exactly these events (deep equality, order matters). */
  then(expected: readonly E[]): { events: E[]; state: S };
  /** Asserts that the command is rejected with exactly this DomainError code and message. */
  thenFails(code: ErrorCode, message: string): DomainError;
}

export function given<C, E extends DomainEvent, S extends AggregateState>(
  decider: Decider<C, E, S>,
  id: string,
  history: readonly E[] = [],
): Given<C, E, S> {
  const state = fold(decider, id, history);
  // Deciders must be pure: a command must never mutate the state it was given.
  const frozen = JSON.stringify(state);
  return {
    state,
    when(command) {
      const run = (): E[] => {
        try {
          return decider.decide(command, state);
        } finally {
          expect(JSON.stringify(state), "decide must not mutate the state").toBe(frozen);
        }
      };
      return {
        then(expected) {
          const events = run();
          expect(events).toEqual(expected);
          const after = events.reduce((s, e) => applyEvent(decider, s, e), state);
          return { events, state: after };
        },
        thenFails(code, message) {
          let events: E[] | undefined;
          let thrown: unknown;
          try {
            events = run();
          } catch (error) {
            thrown = error;
          }
          if (thrown === undefined) {
            expect.fail(`expected DomainError ${code} "${message}", but the command recorded ${JSON.stringify(events)}`);
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect({ code: error.code, message: error.message }).toEqual({ code, message });
          return error;
        },
      };
    },
  };
}
