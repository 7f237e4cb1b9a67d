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
