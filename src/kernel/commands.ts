import { Code, DomainError, type Result } from "./errors";
import type { Envelope } from "./envelope";

/**
 * Settles a message-driven command's outcome for the consumer (SPEC §4.3): success, or a failure that
 * was answered with a reply, acknowledges the message; anything else (no reply channel, internal
 * fault) is thrown so the message is retried.
 */
export function settleCommand(message: Envelope, result: Result<unknown>): void {
  if (result.ok) return;
  const replied = message.metadata.COMMAND_REPLY_CHANNEL !== undefined && result.error.code !== Code.Internal;
  if (!replied) throw DomainError.from(result.error);
}

/**
 * A handler that turns a message into one command on the aggregate it names, run through the object's
 * `handle()` (inbox, effects and any reply in one transaction).
 */
export const commandHandler =
  <Env, P, C>(
    target: (env: Env, payload: P) => { handle(handler: string, message: Envelope, command: C): Promise<Result<unknown>> },
    command: (payload: P) => NoInfer<C>,
  ) =>
  async (env: Env, message: Envelope<P>, handler: string): Promise<void> => {
    settleCommand(message, await target(env, message.payload).handle(handler, message, command(message.payload)));
  };
