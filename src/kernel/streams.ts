import type { z } from "zod";
import type { Cause } from "./envelope";
import { bindingNamed } from "./bindings";
import { internal, unwrap } from "./errors";
import { logError } from "./log";
import { type AggregateSnapshot, anyAggregate } from "./objects";

/**
 * An aggregate stream as its owner's contract declares it for other contexts: the stream name, the
 * object binding that answers `snapshot()`, and the view of the state a reader may rely on (SPEC §2.6).
 */
export interface StreamRef<V> {
  name: string;
  binding: string;
  view: z.ZodType<V>;
}

export const streamRef = <V>(name: string, binding: string, view: z.ZodType<V>): StreamRef<V> => ({ name, binding, view });

/**
 * Reads the owner's `snapshot()` as the stream's view. One failure policy (SPEC §2.7): a failed call
 * is logged with its cause and the request or message it served, and becomes an internal error
 * (code 13) with the given message; the HTTP layer answers 500, the consumer retries.
 */
export async function readOwner<V>(
  env: object,
  stream: StreamRef<V>,
  id: string,
  origin: Cause,
  failure = "internal error",
): Promise<AggregateSnapshot<V>> {
  try {
    const namespace = bindingNamed<DurableObjectNamespace>(env, stream.binding);
    if (!namespace) throw new Error(`no binding ${stream.binding}`);
    const snapshot = unwrap(await anyAggregate<unknown>(namespace, id).snapshot());
    return { ...snapshot, state: snapshot.exists ? stream.view.parse(snapshot.state) : (snapshot.state as V) };
  } catch (error) {
    logError("reading the owning object failed", error, { stream: stream.name, id, requestId: origin.correlationId, causationId: origin.causationId });
    throw internal(failure);
  }
}
