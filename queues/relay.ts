import type { Envelope } from "../src/kernel/envelope";
import { describeError, logError } from "../src/kernel/log";
import { type Context, queueBinding, type QueueBinding } from "./topology";

export type QueueProducers = Record<QueueBinding, Queue | undefined>;

/** One copy of a message for one destination queue. */
export interface Delivery {
  envelope: Envelope;
  destination: Context;
}

export interface SendFailure {
  messageId: string;
  destination: Context;
  error: string;
}

/** Queues take at most 100 messages and 256 KB per sendBatch; the byte budget keeps a margin. */
export const maxBatchMessages = 100;
export const maxBatchBytes = 250 * 1024;
/** Allowance per message for what the queue adds to the body (content type, ids). */
const perMessageOverheadBytes = 100;

const encoder = new TextEncoder();

/**
 * Sends each delivery to its destination queue with sendBatch (SPEC §5.3) and reports the ones that
 * failed, with the error text. Destinations are independent: one refusing queue fails only its copies.
 */
export async function sendToQueues(queues: Partial<QueueProducers>, deliveries: readonly Delivery[]): Promise<SendFailure[]> {
  const failures: SendFailure[] = [];
  const byContext = new Map<Context, Envelope[]>();
  for (const d of deliveries) byContext.set(d.destination, [...(byContext.get(d.destination) ?? []), d.envelope]);
  await Promise.all(
    [...byContext].map(async ([context, envelopes]) => {
      const queue = queues[queueBinding(context)];
      for (const chunk of batches(envelopes)) {
        try {
          if (!queue) throw new Error(`no producer binding ${queueBinding(context)}`);
          await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
        } catch (error) {
          const text = describeError(error);
          for (const e of chunk) failures.push({ messageId: e.id, destination: context, error: text });
          logError("queue send failed", error, { context });
        }
      }
    }),
  );
  return failures;
}

/** Splits envelopes into sendBatch calls of at most 100 messages and `maxBatchBytes` UTF-8 bytes. */
export function* batches(envelopes: readonly Envelope[]): Generator<Envelope[]> {
  let chunk: Envelope[] = [];
  let bytes = 0;
  for (const e of envelopes) {
    const size = encoder.encode(JSON.stringify(e)).byteLength + perMessageOverheadBytes;
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
