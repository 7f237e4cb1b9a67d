import type { Cause, Envelope, Metadata } from "./envelope";
import type { HandleResult, Result } from "./errors";
import type { ReplyToCaller } from "./messages";

/** An aggregate's state as another context may read it (SPEC §2.6 `snapshot()`). */
export interface AggregateSnapshot<S> {
  exists: boolean;
  version: number;
  state: S;
  createdAt: string;
  updatedAt: string;
}

export interface StoredEvent {
  version: number;
  eventId: string;
  name: string;
  payload: unknown;
  metadata: Metadata;
  occurredAt: string;
}

/** A page of a stream for the admin API: current version, latest snapshot version and events. */
export interface StreamPage {
  version: number;
  snapshotVersion: number;
  events: StoredEvent[];
}

/** The RPC surface of every aggregate object (objects/aggregate-object.ts). */
export interface AggregateRpc<C, S> {
  execute(id: string, command: C, cause: Cause): Promise<Result<{ version: number }>>;
  /** With `replyToCaller`, the reply is committed as delivered and returned in the result instead of relayed. */
  handle(id: string, handler: string, message: Envelope, command: C, replyToCaller?: boolean): Promise<HandleResult<{ version: number }>>;
  /** The recorded result of a message already handled, or null (lets a handler skip work before `handle`). */
  recorded(handler: string, messageId: string): Promise<Result<HandleResult<{ version: number }> | null>>;
  get(id: string): Promise<Result<S>>;
  history(fromVersion: number, limit: number): Promise<Result<StreamPage>>;
  snapshot(id: string): Promise<Result<AggregateSnapshot<S>>>;
}

/** An aggregate object class, as a Durable Object namespace binding names it. */
export type AggregateObjectLike = Rpc.DurableObjectBranded & AggregateRpc<any, any>;
export type CommandOf<O> = O extends AggregateRpc<infer C, any> ? C : never;
export type StateOf<O> = O extends { get(id: string): Promise<Result<infer S>> } ? S : never;

/** A client for the aggregate named `id`, typed by its binding: every call carries the id so the object knows who it is. */
export function aggregate<O extends AggregateObjectLike>(namespace: DurableObjectNamespace<O>, id: string) {
  type C = CommandOf<O>;
  // The runtime's stub type rewrites RPC signatures; these methods return plain values.
  const stub = namespace.get(namespace.idFromName(id)) as unknown as AggregateRpc<C, StateOf<O>>;
  return {
    execute: (command: C, cause: Cause) => stub.execute(id, command, cause),
    handle: (handler: string, message: Envelope, command: C, replyToCaller?: ReplyToCaller) =>
      stub.handle(id, handler, message, command, replyToCaller !== undefined),
    recorded: (handler: string, messageId: string) => stub.recorded(handler, messageId),
    get: () => stub.get(id),
    snapshot: () => stub.snapshot(id),
    history: (fromVersion: number, limit: number) => stub.history(fromVersion, limit),
  };
}

/** A client for any aggregate stream named at run time (admin, caches): its state is only known as the caller's view. */
export function anyAggregate<S = unknown>(namespace: DurableObjectNamespace, id: string) {
  const stub = (namespace as unknown as DurableObjectNamespace<AggregateObjectLike>).get(namespace.idFromName(id)) as unknown as AggregateRpc<never, S>;
  return {
    snapshot: () => stub.snapshot(id),
    history: (fromVersion: number, limit: number) => stub.history(fromVersion, limit),
  };
}
