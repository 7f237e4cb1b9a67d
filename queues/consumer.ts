import { readConfig, type ConfigVars } from "../src/kernel/config";
import { type Envelope, envelopeSchema } from "../src/kernel/envelope";
import { logError, logInfo } from "../src/kernel/log";
import type { ContextHandlers } from "../src/kernel/messages";
import type { Module } from "../src/kernel/module";
import { parseQueueName } from "./topology";

export interface ConsumerEnv extends ConfigVars {
  OPS_DB: D1Database;
}

/**
 * The queue() handler: decode, validate, dispatch, then ack or retry each message on its own.
 * After the last retry the queue moves a message to the context's dead-letter queue, whose batches
 * land in OPS_DB.dead_letters.
 */
export async function consume<Env extends ConsumerEnv>(
  batch: MessageBatch<unknown>,
  env: Env,
  modules: readonly Pick<Module, "name" | "handlers">[],
): Promise<void> {
  const queue = parseQueueName(batch.queue);
  if (!queue) {
    logError("message from an unknown queue", new Error(batch.queue), { queue: batch.queue });
    batch.retryAll();
    return;
  }
  if (queue.deadLetter) return storeDeadLetters(batch, env, queue.context);
  const handlers: ContextHandlers<Env> = modules.find((m) => m.name === queue.context)?.handlers ?? {};
  const { queueRetryBaseSeconds, stalledContexts } = readConfig(env);
  if (stalledContexts.includes(queue.context)) {
    batch.retryAll({ delaySeconds: 1 });
    return;
  }
  // Messages about different aggregates run concurrently; those about one aggregate keep their order,
  // which spares the projection rule needless gap repairs.
  const lanes = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const key = laneOf(message.body) ?? message.id;
    lanes.set(key, [...(lanes.get(key) ?? []), message]);
  }
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const message of lane) await handleOne(message, env, queue.context, handlers, queueRetryBaseSeconds);
    }),
  );
}

const unhandled = new Set<string>();

async function handleOne<Env extends ConsumerEnv>(
  message: Message<unknown>,
  env: Env,
  context: string,
  handlers: ContextHandlers<Env>,
  retryBaseSeconds: number,
): Promise<void> {
  let messageId = message.id;
  let name = "";
  try {
    const envelope = decode(message.body);
    messageId = envelope.id;
    name = envelope.name;
    const handler = handlers[envelope.name];
    if (!handler) {
      // logged once per name and context in this isolate: a context without handlers yet must not flood the log
      if (!unhandled.has(`${context}.${name}`)) {
        unhandled.add(`${context}.${name}`);
        logInfo("no handler for this message name; acknowledged (logged once)", { context, messageId, name });
      }
      message.ack();
      return;
    }
    const payload = handler.schema.parse(envelope.payload);
    await handler.run(env, { ...envelope, payload }, `${context}.${envelope.name}`);
    message.ack();
  } catch (error) {
    logError("handler failed", error, { context, handler: `${context}.${name}`, messageId, attempts: message.attempts });
    await recordFailure(env.OPS_DB, messageId, context, message.attempts, error);
    message.retry({ delaySeconds: retryBaseSeconds * 2 ** (message.attempts - 1) });
  }
}

/** The aggregate (or saga) a message is about, if its envelope says so. */
function laneOf(body: unknown): string | undefined {
  const metadata = (body as { metadata?: Record<string, unknown> } | null)?.metadata;
  const key = metadata?.aggregateId ?? metadata?.REPLY_SAGA_ID ?? metadata?.COMMAND_SAGA_ID;
  return typeof key === "string" ? key : undefined;
}

export function decode(body: unknown): Envelope {
  const value = typeof body === "string" ? JSON.parse(body) : body;
  return envelopeSchema.parse(value) as Envelope;
}

async function recordFailure(
  db: D1Database,
  messageId: string,
  context: string,
  attempts: number,
  error: unknown,
): Promise<void> {
  try {
    await db
      .prepare(
        `INSERT INTO delivery_failures (message_id, context, attempts, last_error, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (message_id, context) DO UPDATE SET attempts = excluded.attempts,
           last_error = excluded.last_error, updated_at = excluded.updated_at`,
      )
      .bind(messageId, context, attempts, describe(error), new Date().toISOString())
      .run();
  } catch (dbError) {
    logError("recording a delivery failure failed", dbError, { messageId, context });
  }
}

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}

/** Consumer of `mallbots-<context>-dlq`: keeps each dead message in OPS_DB for inspection and replay. */
async function storeDeadLetters(batch: MessageBatch<unknown>, env: ConsumerEnv, context: string): Promise<void> {
  for (const message of batch.messages) {
    let messageId = message.id;
    let name = "";
    let envelope: string;
    try {
      const decoded = decode(message.body);
      messageId = decoded.id;
      name = decoded.name;
      envelope = JSON.stringify(decoded);
    } catch {
      envelope = typeof message.body === "string" ? message.body : JSON.stringify(message.body);
    }
    try {
      await env.OPS_DB.prepare(
        `INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at, replay_count)
         SELECT ?1, ?2, ?3, ?4, ?5, COALESCE(f.attempts, 0), COALESCE(f.last_error, ''), ?6, 0
         FROM (SELECT 1) LEFT JOIN delivery_failures f ON f.message_id = ?3 AND f.context = ?2
         ON CONFLICT (context, message_id) DO UPDATE SET envelope = excluded.envelope,
           attempts = excluded.attempts, last_error = excluded.last_error, dead_lettered_at = excluded.dead_lettered_at`,
      )
        .bind(crypto.randomUUID(), context, messageId, name, envelope, new Date().toISOString())
        .run();
      logError("message dead-lettered", new Error(name || "undecodable message"), { context, messageId });
      message.ack();
    } catch (error) {
      logError("storing a dead letter failed", error, { context, messageId });
      message.retry();
    }
  }
}
