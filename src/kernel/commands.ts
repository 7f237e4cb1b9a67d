import { DomainError, type HandleResult } from "./errors";
import type { Envelope } from "./envelope";

/**
 * Settles a message-driven command's outcome for the consumer (SPEC §4.3): success, or a failure whose
 * reply was committed, acknowledges the message; any other failure (no reply channel, a conflict or
 * fault that rolled the transaction back) is thrown so the message is retried.
 */
export function settleCommand(result: HandleResult<unknown>): void {
  if (result.ok || result.replied) return;
  throw DomainError.from(result.error);
}

/**
 * A handler that turns a message into one command on the aggregate it names, run through the object's
 * `handle()` (inbox, effects and any reply in one transaction).
 */
export const commandHandler =
  <Env, P, C>(
    target: (env: Env, payload: P) => { handle(handler: string, message: Envelope, command: C): Promise<HandleResult<unknown>> },
    command: (payload: P) => NoInfer<C>,
  ) =>
  async (env: Env, message: Envelope<P>, handler: string): Promise<void> => {
    settleCommand(await target(env, message.payload).handle(handler, message, command(message.payload)));
  };
