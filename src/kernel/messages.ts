import type { z } from "zod";
import type { Envelope } from "./envelope";

/**
 * What a handler tells the consumer for its log line (SPEC §7): "duplicate" when the inbox had already
 * seen the message, nothing otherwise. It never changes how the message is acknowledged.
 */
export type HandlerOutcome = "duplicate" | void;

/**
 * Given by a direct delivery whose sender takes the command's reply back with the call (queues/direct.ts):
 * the command's handler has the reply committed as delivered and leaves it in `reply`.
 */
export interface ReplyToCaller {
  reply?: Envelope;
}

/** What a context does with one message name (SPEC §5.4). */
export interface MessageHandler<Env, P = unknown> {
  schema: z.ZodType<P>;
  /** `handler` is the inbox key `<context>.<message name>` (SPEC §5.5). */
  run(env: Env, message: Envelope<P>, handler: string, replyToCaller?: ReplyToCaller): Promise<HandlerOutcome>;
}

/** A context's handlers by the message names it consumes. */
export type ContextHandlers<Env> = Readonly<Record<string, MessageHandler<Env, any>>>;

/** Defines a handler with its payload type inferred from the contract schema. */
export const on = <Env, S extends z.ZodType>(
  schema: S,
  run: (env: Env, message: Envelope<z.output<S>>, handler: string, replyToCaller?: ReplyToCaller) => Promise<HandlerOutcome>,
): MessageHandler<Env, z.output<S>> => ({ schema: schema as z.ZodType<z.output<S>>, run });
