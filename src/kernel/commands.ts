import type { Envelope } from "./envelope";
import type { HandlerOutcome, ReplyToCaller } from "./messages";
import { aggregate, type AggregateObjectLike, type CommandOf } from "./objects";
import { settleCommand } from "./replies";

/**
 * Message handlers that turn a message into one command on the aggregate it names, run through the
 * object's `handle()` (inbox, effects and any reply in one transaction). The binding comes first, so
 * the command type is known when the command is written:
 * `const order = commandHandler((env: Env) => env.ORDER)`, then `order((p) => p.id, (p) => ({ type: … }))`.
 */
export const commandHandler =
  <Env, O extends AggregateObjectLike>(objects: (env: Env) => DurableObjectNamespace<O>) =>
  <P>(target: (payload: P) => string, command: (payload: P) => CommandOf<O>) =>
  async (env: Env, message: Envelope<P>, handler: string, replyToCaller?: ReplyToCaller): Promise<HandlerOutcome> =>
    settleCommand(
      await aggregate(objects(env), target(message.payload)).handle(handler, message, command(message.payload), replyToCaller),
      replyToCaller,
    );
