import type { HandlerOutcome, ReplyToCaller } from "./messages";
import type { Envelope, Metadata, OutgoingMessage } from "./envelope";
import { DomainError, type ErrorInfo, type HandleResult } from "./errors";
import type { SagaReply } from "./saga";

/**
 * The saga reply protocol of SPEC §4.3 and §5.1, in one place: the headers a saga puts on its
 * commands, the reply a command's handler answers with, how a reply is read, and how the consumer
 * settles a message-driven command.
 */

export const successReplyName = "am.Success";
export const failureReplyName = "am.Failure";

/** Where a saga's commands come from and where their replies go. */
export interface SagaAddress {
  id: string;
  name: string;
  replyChannel: string;
}

/** A reply on its way: the message and the channel that routes it (SPEC §5.3). */
export interface Reply extends OutgoingMessage {
  channel: string | undefined;
}

/** Headers of a saga command. */
export const commandHeaders = (saga: SagaAddress): Partial<Metadata> => ({
  COMMAND_REPLY_CHANNEL: saga.replyChannel,
  COMMAND_SAGA_ID: saga.id,
  COMMAND_SAGA_NAME: saga.name,
});

/** Whether a command expects a reply. */
export const expectsReply = (command: Envelope): boolean => command.metadata.COMMAND_REPLY_CHANNEL !== undefined;

/** The reply to a command: SUCCESS with the handler's own reply or `am.Success` {}, FAILURE with `am.Failure` {code, message}. */
export function replyTo(command: Envelope, outcome: { ok: true; reply?: OutgoingMessage } | { ok: false; error: ErrorInfo }): Reply {
  const message = outcome.ok
    ? (outcome.reply ?? { name: successReplyName, payload: {} })
    : { name: failureReplyName, payload: { code: outcome.error.code, message: outcome.error.message } };
  return {
    ...message,
    metadata: {
      ...message.metadata,
      REPLY_OUTCOME: outcome.ok ? "SUCCESS" : "FAILURE",
      REPLY_SAGA_ID: command.metadata.COMMAND_SAGA_ID,
      REPLY_SAGA_NAME: command.metadata.COMMAND_SAGA_NAME,
    },
    channel: command.metadata.COMMAND_REPLY_CHANNEL,
  };
}

/** A reply as the saga reads it, with the saga it is addressed to. */
export interface ReceivedReply extends SagaReply {
  sagaId: string;
}

export function readReply(message: Envelope): ReceivedReply {
  return {
    messageId: message.id,
    name: message.name,
    outcome: message.metadata.REPLY_OUTCOME === "SUCCESS" ? "SUCCESS" : "FAILURE",
    payload: message.payload,
    causationId: message.metadata.causationId,
    sagaId: message.metadata.REPLY_SAGA_ID ?? "",
    sagaName: message.metadata.REPLY_SAGA_NAME ?? "",
  };
}

/**
 * Settles a message-driven command's outcome for the consumer (SPEC §4.3): success, or a failure whose
 * reply was committed, acknowledges the message; any other failure (no reply channel, a conflict or
 * fault that rolled the transaction back) is thrown so the message is retried. A redelivery is "duplicate".
 * A caller that takes the reply back gets it in `replyToCaller.reply`.
 */
export function settleCommand(result: HandleResult<unknown>, replyToCaller?: ReplyToCaller): HandlerOutcome {
  if (!result.ok && !result.replied) throw DomainError.from(result.error);
  if (replyToCaller) replyToCaller.reply = result.reply;
  return result.duplicate ? "duplicate" : undefined;
}
