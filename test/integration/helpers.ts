import { runInDurableObject } from "cloudflare:test";
import type { AggregateObject } from "../../objects/aggregate-object";
import { contexts, queueBinding } from "../../queues/topology";
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

/** Producer bindings that keep what is sent, so a test can deliver the messages in an order it controls. */
export function capturingQueues() {
  const sent = new Map<string, Envelope[]>();
  const queues = Object.fromEntries(
    contexts.map((c) => {
      const keep = (body: unknown) => sent.set(c, [...(sent.get(c) ?? []), body as Envelope]);
      return [
        queueBinding(c),
        {
          send: async (body: unknown) => void keep(body),
          sendBatch: async (messages: Iterable<MessageSendRequest>) => {
            for (const m of messages) keep(m.body);
          },
        },
      ];
    }),
  );
  return { queues, sent: (context: string) => sent.get(context) ?? [] };
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
