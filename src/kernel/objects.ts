import type { Cause, Envelope } from "./envelope";
import type { HandleResult, Result } from "./errors";
import type { StreamPage } from "../../objects/aggregate-object";

/** An aggregate's state as another context may read it (SPEC §2.6 `snapshot()`). */
export interface AggregateSnapshot<S> {
  exists: boolean;
  version: number;
  state: S;
  createdAt: string;
  updatedAt: string;
}

/** The RPC surface of every aggregate object (objects/aggregate-object.ts). */
export interface AggregateRpc<C, S> {
  execute(id: string, command: C, cause: Cause): Promise<Result<{ version: number }>>;
  handle(id: string, handler: string, message: Envelope, command: C): Promise<HandleResult<{ version: number }>>;
  get(id: string): Promise<Result<S>>;
  history(fromVersion: number, limit: number): Promise<Result<StreamPage>>;
  snapshot(id: string): Promise<Result<AggregateSnapshot<S>>>;
}

/** A client for the aggregate named `id`: every call carries the id so the object knows who it is. */
export function aggregate<C, S>(namespace: DurableObjectNamespace, id: string) {
  const stub = (namespace as { get(id: DurableObjectId): unknown }).get(namespace.idFromName(id)) as AggregateRpc<C, S>;
  return {
    execute: (command: C, cause: Cause) => stub.execute(id, command, cause),
    handle: (handler: string, message: Envelope, command: C) => stub.handle(id, handler, message, command),
    get: () => stub.get(id),
    snapshot: () => stub.snapshot(id),
    history: (fromVersion: number, limit: number) => stub.history(fromVersion, limit),
  };
}
