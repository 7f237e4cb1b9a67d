import type { Envelope, OutboxMessage } from "../src/kernel/envelope";
import { logError } from "../src/kernel/log";
import { queueBinding, type QueueBinding } from "./topology";

export type QueueProducers = Record<QueueBinding, Queue | undefined>;

const maxBatchMessages = 100;
const maxBatchBytes = 250 * 1024;

/**
 * Sends each message to every destination queue with sendBatch (SPEC §5.3).
 * Returns the ids of messages that failed on at least one destination: the caller retries them
 * whole, and consumers de-duplicate the copies that did arrive.
 */
export async function sendToQueues(
  queues: Partial<QueueProducers>,
  messages: readonly OutboxMessage[],
): Promise<Set<string>> {
  const failed = new Set<string>();
  const byContext = new Map<string, Envelope[]>();
  for (const m of messages) {
    for (const d of m.destinations) {
      const list = byContext.get(d) ?? [];
      list.push(m.envelope);
      byContext.set(d, list);
    }
  }
  await Promise.all(
    [...byContext].map(async ([context, envelopes]) => {
      const queue = (queues as Partial<Record<string, Queue>>)[queueBinding(context)];
      for (const chunk of chunks(envelopes)) {
        try {
          if (!queue) throw new Error(`no producer binding ${queueBinding(context)}`);
          await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
        } catch (error) {
          for (const e of chunk) failed.add(e.id);
          logError("queue send failed", error, { context });
        }
      }
    }),
  );
  return failed;
}

function* chunks(envelopes: Envelope[]): Generator<Envelope[]> {
  let chunk: Envelope[] = [];
  let bytes = 0;
  for (const e of envelopes) {
    const size = JSON.stringify(e).length + 100;
    if (chunk.length > 0 && (chunk.length === maxBatchMessages || bytes + size > maxBatchBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(e);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
