import { describe, expect, it } from "vitest";
import { batches, maxBatchBytes, maxBatchMessages } from "../../queues/relay";
import type { Envelope } from "../../src/kernel/envelope";

const envelope = (text: string): Envelope => ({
  id: crypto.randomUUID(),
  name: "test.Message",
  payload: { text },
  metadata: { correlationId: "c", causationId: "c" },
  occurredAt: "2026-03-01T12:00:00.000Z",
});
const utf8Bytes = (e: Envelope) => new TextEncoder().encode(JSON.stringify(e)).byteLength;

describe("relay batches (Queues: ≤ 100 messages and ≤ 256 KB per sendBatch)", () => {
  it("measures messages in UTF-8 bytes, not string length", () => {
    // 40,000 "€" are 40,000 UTF-16 units but 120,000 bytes: three such messages exceed 256 KB
    const messages = [envelope("€".repeat(40_000)), envelope("€".repeat(40_000)), envelope("€".repeat(40_000))];
    const total = messages.reduce((n, m) => n + JSON.stringify(m).length, 0);
    expect(total).toBeLessThan(maxBatchBytes); // a string-length budget would send them in one call
    const sent = [...batches(messages)];
    expect(sent.map((b) => b.length)).toEqual([2, 1]);
    for (const b of sent) expect(b.reduce((n, m) => n + utf8Bytes(m), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it("sends at most 100 messages per call, in order", () => {
    const messages = Array.from({ length: 250 }, (_, i) => envelope(String(i)));
    const sent = [...batches(messages)];
    expect(sent.map((b) => b.length)).toEqual([maxBatchMessages, maxBatchMessages, 50]);
    expect(sent.flat()).toEqual(messages);
  });
});
