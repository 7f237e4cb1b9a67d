import { runInDurableObject } from "cloudflare:test";
import type { AggregateObject } from "../../objects/aggregate-object";
import { contexts, queueBinding } from "../../queues/topology";
import { override } from "../../src/kernel/bindings";
import type { Envelope } from "../../src/kernel/envelope";

/** Polls until `check` yields a value other than undefined (no fixed sleeps). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Producer bindings whose sends all fail, as when the queue service is unreachable. */
export function failingQueues(): Record<string, Pick<Queue, "send" | "sendBatch">> {
  const refuse = async () => {
    throw new Error("queue unavailable");
  };
  return Object.fromEntries(contexts.map((c) => [queueBinding(c), { send: refuse, sendBatch: refuse }]));
}

/**
 * Producer bindings that keep what is sent, so a test can deliver the messages in an order it controls.
 * The queues of `refused` contexts reject every sendBatch; `offered` lists every message a queue was
 * given, taken or refused.
 */
export function capturingQueues(refused: readonly string[] = []) {
  const sent = new Map<string, Envelope[]>();
  const offered = new Map<string, Envelope[]>();
  const batchSizes = new Map<string, number[]>();
  const add = (map: Map<string, Envelope[]>, c: string, body: unknown) => map.set(c, [...(map.get(c) ?? []), body as Envelope]);
  const queues = Object.fromEntries(
    contexts.map((c) => [
      queueBinding(c),
      {
        send: async (body: unknown) => void add(sent, c, body),
        sendBatch: async (messages: Iterable<MessageSendRequest>) => {
          const bodies = [...messages].map((m) => m.body);
          batchSizes.set(c, [...(batchSizes.get(c) ?? []), bodies.length]);
          for (const body of bodies) add(offered, c, body);
          if (refused.includes(c)) throw new Error(`queue mallbots-${c} refused the batch`);
          for (const body of bodies) add(sent, c, body);
        },
      },
    ]),
  );
  return {
    queues,
    sent: (context: string) => sent.get(context) ?? [],
    offered: (context: string) => offered.get(context) ?? [],
    /** The size of each sendBatch call to the context's queue, in order. */
    batchSizes: (context: string) => batchSizes.get(context) ?? [],
  };
}

/** Replaces the clock an object's relay and pruning read (OutboxObject.clock). */
export function setClock(instance: object, now: () => number): void {
  (instance as unknown as { clock: () => number }).clock = now;
}

/** runInDurableObject, typed for the generic aggregate object. */
export function inObject<R>(
  stub: DurableObjectStub,
  callback: (instance: AggregateObject<any, any, any>, state: DurableObjectState) => R | Promise<R>,
): Promise<R> {
  const run = runInDurableObject as unknown as (stub: unknown, callback: unknown) => Promise<R>;
  return run(stub, callback);
}

/** A stub for the object named `id` (typed loosely: tests reach into the generic object). */
export const stubOf = (namespace: object, id: string): DurableObjectStub => {
  const ns = namespace as { get(id: DurableObjectId): DurableObjectStub; idFromName(name: string): DurableObjectId };
  return ns.get(ns.idFromName(id));
};

/** Replaces some of an object's bindings (e.g. queues) until the returned function restores them. */
export function patchEnv(instance: AggregateObject<any, any, any>, patch: object): () => void {
  const holder = instance as unknown as { env: object };
  const original = holder.env;
  holder.env = { ...original, ...patch };
  return () => {
    holder.env = original;
  };
}

/**
 * `db` with its round trips recorded: the statements of each `batch()`, and 1 for each statement run on its
 * own (`first`, `all`, `run`, `raw`).
 */
export function countingD1(db: D1Database): { db: D1Database; batches: number[] } {
  const batches: number[] = [];
  const inner = new WeakMap<object, D1PreparedStatement>();
  const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
    const once =
      (method: "first" | "all" | "run" | "raw") =>
      (...args: unknown[]) => (batches.push(1), (statement[method] as (...a: unknown[]) => unknown)(...args));
    const view = override(statement, {
      bind: (...values: unknown[]) => counted(statement.bind(...values)),
      first: once("first"),
      all: once("all"),
      run: once("run"),
      raw: once("raw"),
    });
    inner.set(view, statement);
    return view;
  };
  const batch = (statements: D1PreparedStatement[]) => (batches.push(statements.length), db.batch(statements.map((s) => inner.get(s) ?? s)));
  return { db: override(db, { prepare: (query: string) => counted(db.prepare(query)), batch }), batches };
}
