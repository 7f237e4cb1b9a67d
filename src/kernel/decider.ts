import type { z } from "zod";
import { Code, type ErrorInfo } from "./errors";
import type { OutgoingMessage } from "./envelope";

/** A stored domain event: its name (e.g. `stores.StoreCreated`) and payload. */
export interface DomainEvent<N extends string = string, P = unknown> {
  name: N;
  payload: P;
}

/** Message name → payload schema: a context's contract (e.g. its integration events). */
export type Contract = Readonly<Record<string, z.ZodType>>;

/** The named events of a contract, one union member per name (Emmett style): `EventsOf<typeof storeEvents>`. */
export type EventsOf<T extends Contract> = { [N in keyof T & string]: DomainEvent<N, z.output<T[N]>> }[keyof T & string];

/** A message an aggregate may publish under a contract: its name and a payload of that name's schema. */
export type MessagesOf<T extends Contract> = { [N in keyof T & string]: OutgoingMessage & { name: N; payload: z.input<T[N]> } }[keyof T & string];

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
export interface AggregateType<C, E extends DomainEvent, S extends AggregateState, P extends OutgoingMessage = OutgoingMessage> {
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
  publish(event: E, state: S): P[];
  /** The SUCCESS reply to a saga command, when it is not `am.Success` {} (e.g. a reply carrying an id). */
  successReply?(command: C, state: S): OutgoingMessage | undefined;
}

/** `<entity> with that ID does not exist` (SPEC §2.1). */
export const entityNotFound = (entity: string) => ({ code: Code.NotFound, message: `${entity} with that ID does not exist` }) as const;

/** Declares an aggregate type by its stream name and entity label; snapshot name and 404 follow from them. */
export function aggregateType<C, E extends DomainEvent, S extends AggregateState, P extends OutgoingMessage = OutgoingMessage>(
  def: Omit<AggregateType<C, E, S, P>, "snapshotName" | "notFound"> & { entity: string },
): AggregateType<C, E, S, P> {
  const { entity, ...rest } = def;
  return { ...rest, snapshotName: `${def.name}V1`, notFound: entityNotFound(entity) };
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
