import type { ErrorInfo } from "./errors";
import type { OutgoingMessage } from "./envelope";

/** A stored domain event: its name (e.g. `stores.StoreCreated`) and payload. */
export interface DomainEvent<N extends string = string, P = unknown> {
  name: N;
  payload: P;
}

/** Every aggregate state carries its id and version; version 0 means "does not exist". */
export interface AggregateState {
  id: string;
  version: number;
}

/**
 * A pure decider (ARCHITECTURE §3 rule 1): decide returns events or throws a DomainError,
 * evolve folds one event into the state. No I/O, clock or randomness.
 */
export interface Decider<C, E extends DomainEvent, S extends AggregateState> {
  initialState(id: string): S;
  decide(command: C, state: S): E[];
  /** Applies the event's effect; the kernel bumps `version`. */
  evolve(state: S, event: E): S;
}

/** Everything the generic aggregate object needs to host one aggregate type. */
export interface AggregateType<C, E extends DomainEvent, S extends AggregateState> {
  /** Stream name, e.g. `stores.Store`. */
  name: string;
  /** Snapshot name, e.g. `stores.StoreV1`. */
  snapshotName: string;
  decider: Decider<C, E, S>;
  /** The 404 of SPEC §2.6 for GETs on an aggregate that does not exist (or is removed). */
  notFound: ErrorInfo;
  /** Whether a GET may show this state (false for e.g. removed products). */
  visible?(state: S): boolean;
  /** The integration events an event publishes, given the state after it. */
  publish(event: E, state: S): OutgoingMessage[];
  /** The SUCCESS reply to a saga command, when it is not `am.Success` {} (e.g. a reply carrying an id). */
  successReply?(command: C, state: S): OutgoingMessage | undefined;
}

/** Applies an event and advances the version: the only way states change. */
export function applyEvent<E extends DomainEvent, S extends AggregateState>(
  decider: Decider<unknown, E, S>,
  state: S,
  event: E,
): S {
  return { ...decider.evolve(state, event), version: state.version + 1 };
}

/** Folds a history into a state (used by loading and by given/when/then tests). */
export function fold<E extends DomainEvent, S extends AggregateState>(
  decider: Decider<unknown, E, S>,
  id: string,
  events: readonly E[],
): S {
  return events.reduce((s, e) => applyEvent(decider, s, e), decider.initialState(id));
}
