import { bindingNamed } from "../src/kernel/bindings";
import { readConfig, type ConfigVars } from "../src/kernel/config";
import { type Envelope, envelopeSchema } from "../src/kernel/envelope";
import { configureLog, describeError, log, logError, logInfo, type LogLevel } from "../src/kernel/log";
import type { ContextHandlers, ReplyToCaller } from "../src/kernel/messages";
import type { Module } from "../src/kernel/module";
import { withCoalescedD1 } from "./coalesce";
import { deadLetterUpsert } from "./dead-letters";
import { parseQueueName } from "./topology";

export interface ConsumerEnv extends ConfigVars {
  OPS_DB: D1Database;
}

/**
 * The queue() handler: decode, validate, dispatch, then ack or retry each message on its own.
 * After the last retry the queue moves a message to the context's dead-letter queue, whose batches
 * land in OPS_DB.dead_letters. `now` is the pruning clock (tests move it).
 */
export async function consume<Env extends ConsumerEnv>(
  batch: MessageBatch<unknown>,
  env: Env,
  modules: readonly Pick<Module, "name" | "handlers" | "database">[],
  now: () => number = Date.now,
): Promise<void> {
  configureLog(env);
  const queue = parseQueueName(batch.queue);
  if (!queue) {
    logError("message from an unknown queue", new Error(batch.queue), { queue: batch.queue });
    batch.retryAll();
    return;
  }
  const { queueRetryBaseSeconds, stalledContexts } = readConfig(env);
  if (queue.deadLetter) return storeDeadLetters(batch, env, queue.context, queueRetryBaseSeconds);
  const module = modules.find((m) => m.name === queue.context);
  const handlers: ContextHandlers<Env> = module?.handlers ?? {};
  if (stalledContexts.includes(queue.context)) {
    batch.retryAll({ delaySeconds: 1 });
    return;
  }
  // Messages about different aggregates run concurrently; those about one aggregate keep their order,
  // which spares the projection rule needless gap repairs. Their D1 requests of one turn travel as one batch.
  const laneEnv = withCoalescedD1(env);
  const lanes = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const key = laneOf(message.body) ?? message.id;
    lanes.set(key, [...(lanes.get(key) ?? []), message]);
  }
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const message of lane) await handleOne(message, laneEnv, queue.context, handlers, queueRetryBaseSeconds);
    }),
  );
  await pruneIfDue(env, queue.context, module?.database?.binding, now());
}

const dayMs = 24 * 3600 * 1000;
/** Queues keep a message at most 14 days, so older inbox marks can no longer deduplicate anything. */
const inboxRetentionMs = 14 * dayMs;
const failureRetentionMs = 14 * dayMs;
/** Each database is pruned at most this often per isolate, and at most `pruneBatch` rows at a time. */
const pruneEveryMs = 60_000;
const pruneBatch = 1000;
const prunedAt = new Map<string, number>();

/**
 * Storage bounds of SPEC §2.8 on the normal path: the context's inbox (in the database its module
 * declares, if any) and OPS_DB.delivery_failures. A failure is logged and never fails the batch.
 */
async function pruneIfDue(env: ConsumerEnv, context: string, database: string | undefined, now: number): Promise<void> {
  const contextDb = database === undefined ? undefined : bindingNamed<D1Database>(env, database);
  const tasks = [
    {
      key: context,
      db: contextDb,
      sql: "DELETE FROM inbox WHERE rowid IN (SELECT rowid FROM inbox WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)",
      retentionMs: inboxRetentionMs,
    },
    {
      key: "ops",
      db: env.OPS_DB,
      sql: "DELETE FROM delivery_failures WHERE rowid IN (SELECT rowid FROM delivery_failures WHERE updated_at < ?1 ORDER BY updated_at LIMIT ?2)",
      retentionMs: failureRetentionMs,
    },
  ];
  await Promise.all(
    tasks.map(async ({ key, db, sql, retentionMs }) => {
      if (!db || now - (prunedAt.get(key) ?? -Infinity) < pruneEveryMs) return;
      prunedAt.set(key, now);
      try {
        await db.prepare(sql).bind(new Date(now - retentionMs).toISOString(), pruneBatch).run();
      } catch (error) {
        logError("pruning failed", error, { database: key });
      }
    }),
  );
}

const unhandled = new Set<string>();

/** How a delivery ended, for its log line (SPEC §7). */
export type MessageOutcome = "acked" | "duplicate" | "retried" | "dead-lettered";
const outcomeLevels: Record<MessageOutcome, LogLevel> = { acked: "info", duplicate: "info", retried: "warn", "dead-lettered": "error" };

/** The one line per handled message; ids and names only, never the payload. */
export function logMessage(
  outcome: MessageOutcome,
  fields: { context: string; name: string; messageId: string; envelope: Envelope | undefined; attempt: number; started: number },
): void {
  const { context, name, messageId, envelope, attempt, started } = fields;
  log(outcomeLevels[outcome], "message", {
    context,
    handler: `${context}.${name}`,
    name,
    messageId,
    correlationId: envelope?.metadata.correlationId ?? "",
    causationId: envelope?.metadata.causationId ?? "",
    attempt,
    outcome,
    ms: Date.now() - started,
  });
}

/**
 * What `context` does with one decoded message: its handler runs on the validated payload, and a name
 * it has no handler for is acknowledged (logged once per isolate). Throws when the message must be retried.
 */
export async function dispatch<Env>(
  env: Env,
  context: string,
  handlers: ContextHandlers<Env>,
  envelope: Envelope,
  replyToCaller?: ReplyToCaller,
): Promise<"acked" | "duplicate"> {
  const handler = handlerFor(handlers, envelope.name);
  if (!handler) {
    // a context without handlers yet must not flood the log
    if (!unhandled.has(`${context}.${envelope.name}`)) {
      unhandled.add(`${context}.${envelope.name}`);
      logInfo("no handler for this message name; acknowledged (logged once)", { context, messageId: envelope.id, name: envelope.name });
    }
    return "acked";
  }
  const payload = handler.schema.parse(envelope.payload);
  const outcome = await handler.run(env, { ...envelope, payload }, `${context}.${envelope.name}`, replyToCaller);
  return outcome === "duplicate" ? "duplicate" : "acked";
}

/** `handlers`' own handler for a message name (never one inherited from Object's prototype). */
export const handlerFor = <Env>(handlers: ContextHandlers<Env>, name: string) => (Object.hasOwn(handlers, name) ? handlers[name] : undefined);

async function handleOne<Env extends ConsumerEnv>(
  message: Message<unknown>,
  env: Env,
  context: string,
  handlers: ContextHandlers<Env>,
  retryBaseSeconds: number,
): Promise<void> {
  const started = Date.now();
  let messageId = message.id;
  let name = "";
  let envelope: Envelope | undefined;
  try {
    envelope = decode(message.body);
    messageId = envelope.id;
    name = envelope.name;
    const outcome = await dispatch(env, context, handlers, envelope);
    message.ack();
    logMessage(outcome, { context, name, messageId, envelope, attempt: message.attempts, started });
  } catch (error) {
    logError("handler failed", error, { context, handler: `${context}.${name}`, messageId, attempts: message.attempts });
    await recordFailure(env.OPS_DB, messageId, context, message.attempts, error);
    message.retry({ delaySeconds: retryBaseSeconds * 2 ** (message.attempts - 1) });
    logMessage("retried", { context, name, messageId, envelope, attempt: message.attempts, started });
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
      .bind(messageId, context, attempts, describeError(error), new Date().toISOString())
      .run();
  } catch (dbError) {
    logError("recording a delivery failure failed", dbError, { messageId, context });
  }
}

/** Longest wait between two attempts to store a dead letter. */
const deadLetterRetryCapSeconds = 300;

/**
 * Delay before the next attempt to store a dead letter: base × 2^(attempts−1) s, at most 5 minutes.
 * With the base of 10 s and the DLQ consumers' 20 retries (wrangler.toml) an OPS_DB fault of more
 * than an hour loses nothing.
 */
export const deadLetterRetryDelaySeconds = (attempts: number, baseSeconds: number): number =>
  Math.min(deadLetterRetryCapSeconds, baseSeconds * 2 ** (attempts - 1));

/** Consumer of `mallbots-<context>-dlq`: keeps each dead message in OPS_DB for inspection and replay. */
async function storeDeadLetters(batch: MessageBatch<unknown>, env: ConsumerEnv, context: string, retryBaseSeconds: number): Promise<void> {
  for (const message of batch.messages) {
    const started = Date.now();
    let messageId = message.id;
    let name = "";
    let envelope: string;
    let decoded: Envelope | undefined;
    try {
      decoded = decode(message.body);
      messageId = decoded.id;
      name = decoded.name;
      envelope = JSON.stringify(decoded);
    } catch {
      envelope = typeof message.body === "string" ? message.body : JSON.stringify(message.body);
    }
    try {
      const stored = await env.OPS_DB.prepare(
        `INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at, replay_count)
         SELECT ?1, ?2, ?3, ?4, ?5, COALESCE(f.attempts, 0), COALESCE(f.last_error, ''), ?6, 0
         FROM (SELECT 1) LEFT JOIN delivery_failures f ON f.message_id = ?3 AND f.context = ?2
         ${deadLetterUpsert} RETURNING attempts`,
      )
        .bind(crypto.randomUUID(), context, messageId, name, envelope, new Date().toISOString())
        .first<{ attempts: number }>();
      message.ack();
      // attempt: the deliveries the context's queue made before giving up (from delivery_failures)
      logMessage("dead-lettered", { context, name, messageId, envelope: decoded, attempt: stored?.attempts ?? 0, started });
    } catch (error) {
      logError("storing a dead letter failed", error, { context, messageId, attempts: message.attempts });
      message.retry({ delaySeconds: deadLetterRetryDelaySeconds(message.attempts, retryBaseSeconds) });
    }
  }
}
