import { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../../src/kernel/decider";
import { Code, DomainError, invalid } from "../../src/kernel/errors";

/**
 * A toy aggregate for the kernel's own tests (ARCHITECTURE §4): a counter that is opened with a label,
 * counts up, and is closed. It belongs to no context, so kernel tests prove the framework, not Stores.
 */

export const counterEvents = {
  "toy.Opened": z.object({ label: z.string() }),
  "toy.Added": z.object({ amount: z.number().int() }),
  "toy.Closed": z.object({}),
} as const;

export const counterApi = {
  "toyapi.CounterOpened": z.object({ id: z.string(), label: z.string() }),
  "toyapi.CounterAdded": z.object({ id: z.string(), count: z.number().int() }),
  "toyapi.CounterClosed": z.object({ id: z.string(), count: z.number().int() }),
  /** The SUCCESS reply to a saga's Open (instead of `am.Success` {}). */
  "toyapi.CounterOpenedReply": z.object({ id: z.string() }),
} as const;

export interface Counter {
  id: string;
  label: string;
  count: number;
  closed: boolean;
  version: number;
}

export type CounterCommand = { type: "Open"; label: string } | { type: "Add"; amount: number } | { type: "Close" };
export type CounterEvent = EventsOf<typeof counterEvents>;
export type CounterMessage = MessagesOf<typeof counterApi>;

export const counterNotFound = entityNotFound("counter");

export const counterDecider: Decider<CounterCommand, CounterEvent, Counter> = {
  initialState: (id) => ({ id, label: "", count: 0, closed: false, version: 0 }),

  decide(command, counter) {
    if (command.type === "Open") {
      if (counter.version > 0) throw new DomainError(Code.AlreadyExists, "the counter already exists");
      if (command.label.trim() === "") throw invalid("the counter label cannot be blank");
      return [{ name: "toy.Opened", payload: { label: command.label } }];
    }
    if (counter.version === 0) throw DomainError.from(counterNotFound);
    if (counter.closed) throw new DomainError(Code.FailedPrecondition, "the counter is closed");
    switch (command.type) {
      case "Add":
        if (!Number.isInteger(command.amount) || command.amount <= 0) throw invalid("the amount must be a positive integer");
        return [{ name: "toy.Added", payload: { amount: command.amount } }];
      case "Close":
        return [{ name: "toy.Closed", payload: {} }];
    }
  },

  evolve(counter, event) {
    switch (event.name) {
      case "toy.Opened":
        return { ...counter, label: event.payload.label };
      case "toy.Added":
        return { ...counter, count: counter.count + event.payload.amount };
      case "toy.Closed":
        return { ...counter, closed: true };
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
};

export const counterType = aggregateType<CounterCommand, CounterEvent, Counter, CounterMessage>({
  name: "toy.Counter",
  entity: "counter",
  decider: counterDecider,
  visible: (counter) => !counter.closed,
  publish(event, counter) {
    switch (event.name) {
      case "toy.Opened":
        return [{ name: "toyapi.CounterOpened", payload: { id: counter.id, label: counter.label } }];
      case "toy.Added":
        return [{ name: "toyapi.CounterAdded", payload: { id: counter.id, count: counter.count } }];
      case "toy.Closed":
        return [{ name: "toyapi.CounterClosed", payload: { id: counter.id, count: counter.count } }];
    }
  },
  successReply: (command, counter) => (command.type === "Open" ? { name: "toyapi.CounterOpenedReply", payload: { id: counter.id } } : undefined),
});
