import { expect } from "vitest";
import { topology } from "../../queues/topology";
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import type { Envelope, Metadata } from "../../src/kernel/envelope";
import worker from "../../src/index";
import { capturingQueues, eventually, inObject, patchEnv, stubOf } from "./helpers";

/** Saga headers of SPEC §5.1. */
export const replyChannel = "mallbots.cosec.replies.CreateOrder";
export const sagaName = "cosec.CreateOrder";

export interface QueueOutcome {
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

/** Delivers envelopes to a context's consumer as one batch (queue message ids m0, m1, …). */
export async function deliver(queue: string, envelopes: Envelope[]): Promise<QueueOutcome> {
  const batch = createMessageBatch(
    queue,
    envelopes.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** A command as the saga sends it: saga headers, a fresh id. */
export function sagaCommand(name: string, payload: unknown, sagaId: string, id: string = crypto.randomUUID()): Envelope {
  return {
    id,
    name,
    payload,
    metadata: {
      correlationId: `corr-${sagaId}`,
      causationId: `cause-${id}`,
      COMMAND_REPLY_CHANNEL: replyChannel,
      COMMAND_SAGA_ID: sagaId,
      COMMAND_SAGA_NAME: sagaName,
    },
    occurredAt: new Date().toISOString(),
  };
}

/** An integration event as an aggregate publishes it. */
export function event(name: string, payload: unknown, aggregate: { name: string; id: string; version: number }): Envelope {
  return {
    id: crypto.randomUUID(),
    name,
    payload,
    metadata: {
      correlationId: `corr-${aggregate.id}`,
      causationId: `cause-${aggregate.id}`,
      aggregateName: aggregate.name,
      aggregateId: aggregate.id,
      aggregateVersion: aggregate.version,
    },
    occurredAt: new Date().toISOString(),
  };
}

/** A reply to a command, as a receiving context would send it. */
export function replyTo(
  command: Envelope,
  outcome: "SUCCESS" | "FAILURE",
  name = outcome === "SUCCESS" ? "am.Success" : "am.Failure",
  payload: unknown = outcome === "SUCCESS" ? {} : { code: 9, message: "nope" },
  metadata: Partial<Metadata> = {},
): Envelope {
  return {
    id: crypto.randomUUID(),
    name,
    payload,
    metadata: {
      correlationId: command.metadata.correlationId,
      causationId: command.id,
      REPLY_OUTCOME: outcome,
      REPLY_SAGA_ID: command.metadata.COMMAND_SAGA_ID,
      REPLY_SAGA_NAME: command.metadata.COMMAND_SAGA_NAME,
      ...metadata,
    },
    occurredAt: new Date().toISOString(),
  };
}

export interface OutboxRow {
  envelope: Envelope;
  destinations: string[];
  sentAt: string | null;
}

/** An object's outbox, in write order. */
export async function outboxOf(namespace: object, id: string): Promise<OutboxRow[]> {
  return inObject(stubOf(namespace, id), (_, state) =>
    state.storage.sql
      .exec<{ message_id: string; name: string; payload: string; metadata: string; occurred_at: string; destinations: string; sent_at: string | null }>(
        "SELECT message_id, name, payload, metadata, occurred_at, destinations, sent_at FROM outbox ORDER BY rowid",
      )
      .toArray()
      .map((r) => ({
        envelope: { id: r.message_id, name: r.name, payload: JSON.parse(r.payload), metadata: JSON.parse(r.metadata), occurredAt: r.occurred_at },
        destinations: JSON.parse(r.destinations),
        sentAt: r.sent_at,
      })),
  );
}

/**
 * The outbox rows of one published message name: one row routed to exactly its subscribers, or none
 * while no built context subscribes to it (SPEC §5.3: a message with no subscriber is not sent).
 */
export async function expectPublished(namespace: object, id: string, name: string, payload: unknown): Promise<OutboxRow[]> {
  const rows = (await outboxOf(namespace, id)).filter((r) => r.envelope.name === name);
  const subscribers = topology.destinationsOf(name);
  expect(rows.map((r) => ({ payload: r.envelope.payload, destinations: r.destinations }))).toEqual(
    subscribers.length > 0 ? [{ payload, destinations: subscribers }] : [],
  );
  return rows;
}

/** Outbox rows that are replies (they carry REPLY_OUTCOME). */
export const repliesIn = (rows: OutboxRow[]) => rows.filter((r) => r.envelope.metadata.REPLY_OUTCOME !== undefined);

/** The names of an aggregate object's stored events, in version order. */
export async function eventNamesOf(namespace: object, id: string): Promise<string[]> {
  return inObject(stubOf(namespace, id), (_, state) =>
    state.storage.sql.exec<{ name: string }>("SELECT name FROM events ORDER BY version").toArray().map((r) => r.name),
  );
}

export type Captured = ReturnType<typeof capturingQueues>;

/** Makes the object named `id` publish into `captured` instead of the real queues. Call before it writes. */
export async function captureFrom(namespace: object, id: string, captured: Captured): Promise<void> {
  await inObject(stubOf(namespace, id), (instance) => {
    patchEnv(instance, captured.queues);
  });
}

/** Waits until every outbox row of the object has been relayed, and returns the rows. */
export async function relayed(namespace: object, id: string): Promise<OutboxRow[]> {
  return eventually(async () => {
    const rows = await outboxOf(namespace, id);
    return rows.every((r) => r.sentAt !== null) ? rows : undefined;
  });
}

/** Replies captured on the cosec queue that answer the command `commandId`. */
export const capturedReplies = (captured: Captured, commandId: string) =>
  captured.sent("cosec").filter((m) => m.metadata.causationId === commandId && m.metadata.REPLY_OUTCOME !== undefined);
