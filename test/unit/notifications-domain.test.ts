import { describe, expect, it } from "vitest";
import {
  afterFailure,
  formatTotal,
  maxAttempts,
  messageText,
  redactUrl,
  retryDelayMs,
  scrubSecrets,
  webhookTarget,
} from "../../src/notifications/domain";

/** The pure rules of SPEC §3.7: message texts, the total with 2 decimals, the retry schedule, redaction. */

describe("message texts", () => {
  it.each([
    ["order_created", "Hi Ann, we have received your order B1."],
    ["order_ready", "Hi Ann, your order B1 is ready for pickup. Amount due: 41.96."],
    ["order_canceled", "Hi Ann, your order B1 has been canceled."],
    ["order_completed", "Hi Ann, your order B1 is complete. Thank you!"],
  ] as const)("%s → %s", (kind, text) => {
    expect(messageText(kind, "Ann", "B1", 41.96)).toBe(text);
  });
});

describe("formatTotal", () => {
  it.each([
    [41.96, "41.96"],
    [10, "10.00"],
    [9.9, "9.90"],
    [0, "0.00"],
    [0.05, "0.05"],
    [1234567.8, "1234567.80"],
    [-1.5, "-1.50"],
    [-0.01, "-0.01"],
    [10000000, "10000000.00"],
  ])("%d → %s", (total, text) => {
    expect(formatTotal(total)).toBe(text);
  });
});

describe("retry schedule", () => {
  it("waits 30 s × 2^(attempts−1): 30, 60, 120, 240 s", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it("keeps the row pending with the next attempt time until the 5th failure, then fails it", () => {
    const now = Date.parse("2026-03-01T12:00:00.000Z");
    expect(afterFailure(0, now)).toEqual({ attempts: 1, delivery: "pending", nextAttemptAt: "2026-03-01T12:00:30.000Z" });
    expect(afterFailure(1, now)).toEqual({ attempts: 2, delivery: "pending", nextAttemptAt: "2026-03-01T12:01:00.000Z" });
    expect(afterFailure(3, now)).toEqual({ attempts: 4, delivery: "pending", nextAttemptAt: "2026-03-01T12:04:00.000Z" });
    expect(afterFailure(maxAttempts - 1, now)).toEqual({ attempts: 5, delivery: "failed", nextAttemptAt: "" });
  });
});

describe("webhook credentials", () => {
  const url = "https://sms-user:s3cret-pw@sms.example.test/hook?x=1";

  it("never shows user:password in what is logged", () => {
    expect(redactUrl(url)).toBe("https://sms.example.test/hook?x=1");
    const scrubbed = scrubSecrets(`TypeError: fetch ${url} failed for sms-user:s3cret-pw`, url);
    expect(scrubbed).not.toContain("s3cret-pw");
    expect(scrubbed).not.toContain("sms-user");
    expect(scrubbed).toContain("https://sms.example.test/hook?x=1");
  });

  it("sends the credentials as HTTP Basic authorization to the URL without them", () => {
    expect(webhookTarget(url)).toEqual({ url: "https://sms.example.test/hook?x=1", authorization: `Basic ${btoa("sms-user:s3cret-pw")}` });
    expect(webhookTarget("http://127.0.0.1:9999/sms")).toEqual({ url: "http://127.0.0.1:9999/sms" });
  });
});

describe("retry base override (SMS_RETRY_BASE_SECONDS)", () => {
  it("scales the schedule; 0 makes a failed row due at once", () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, 1000))).toEqual([1000, 2000, 4000]);
    const now = Date.parse("2026-03-01T12:00:00.000Z");
    expect(afterFailure(2, now, 0)).toEqual({ attempts: 3, delivery: "pending", nextAttemptAt: "2026-03-01T12:00:00.000Z" });
  });
});
