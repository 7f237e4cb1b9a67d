import { readConfig } from "../src/kernel/config";
import type { Envelope } from "../src/kernel/envelope";
import { logError } from "../src/kernel/log";
import type { ReplyToCaller } from "../src/kernel/messages";
import { modules } from "../src/modules";
import { dispatch, handlerFor, logMessage } from "./consumer";

/**
 * Direct delivery (docs/architecture.md, "Saga commands and replies go direct"): a saga's command is
 * addressed to one aggregate and its reply to one saga, so the sender's outbox relay hands them straight
 * to the destination context's handler, which calls the owning object's `handle()`. Integration events
 * keep travelling through Queues. Retried by the relay and its alarm with the consumer's backoff,
 * deduplicated by the receiver's inbox, dead-lettered after the consumer's 5 attempts into the receiving
 * context's dead letters. SAGA_DELIVERY=queues sends them through Queues instead.
 */
export const travelsDirect = (env: object, envelope: Envelope): boolean =>
  (envelope.metadata.COMMAND_SAGA_ID !== undefined || envelope.metadata.REPLY_SAGA_ID !== undefined) && readConfig(env).sagaMessagesDirect;

/** Attempts of a direct delivery before it becomes a dead letter: the consumers' max_retries (4) + 1, wrangler.toml. */
export const directDeliveryAttempts = 5;

/**
 * Runs what `destination`'s consumer would run for this message, logging the same line. With
 * `takeReply`, a command's reply comes back as the result (the receiver commits it as delivered)
 * instead of being relayed by the receiver. Throws when the delivery must be retried (the handler
 * failed, or the test-only STALL_QUEUES defers the context).
 */
export async function deliverDirect(
  env: object,
  destination: string,
  envelope: Envelope,
  attempt: number,
  takeReply = false,
): Promise<Envelope | undefined> {
  const started = Date.now();
  const line = { context: destination, name: envelope.name, messageId: envelope.id, envelope, attempt, started };
  try {
    if (readConfig(env).stalledContexts.includes(destination)) throw new Error(`${destination} is stalled (STALL_QUEUES)`);
    const replyToCaller: ReplyToCaller | undefined = takeReply ? {} : undefined;
    logMessage(await dispatch(env, destination, handlersOf(destination), envelope, replyToCaller), line);
    return replyToCaller?.reply;
  } catch (error) {
    logError("handler failed", error, { context: destination, handler: `${destination}.${envelope.name}`, messageId: envelope.id, attempts: attempt });
    logMessage("retried", line);
    throw error;
  }
}

/**
 * A reply taken back with its command, as `context`'s consumer would hand it to its handler: the inbox
 * key and the envelope with its payload checked by that handler's schema. Throws on an unknown or
 * invalid reply.
 */
export function replyAsConsumed(context: string, reply: Envelope): { handler: string; message: Envelope } {
  const handler = handlerFor(handlersOf(context), reply.name);
  if (!handler) throw new Error(`${context} has no handler for ${reply.name}`);
  return { handler: `${context}.${reply.name}`, message: { ...reply, payload: handler.schema.parse(reply.payload) } };
}

const handlersOf = (context: string) => modules.find((m) => m.name === context)?.handlers ?? {};
