import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/kernel/config";

describe("readConfig: test-only fault switches", () => {
  it("ignores OUTBOX_RELAY_FAULT and STALL_QUEUES unless ALLOW_TEST_FAULTS is true", () => {
    const faults = { OUTBOX_RELAY_FAULT: "skip-immediate", STALL_QUEUES: "payments, depot" };
    for (const allow of [undefined, "", "false", "1", "TRUE"]) {
      const config = readConfig({ ...faults, ALLOW_TEST_FAULTS: allow });
      expect({ allow, skip: config.skipImmediateRelay, stalled: config.stalledContexts }).toEqual({ allow, skip: false, stalled: [] });
    }
  });

  it("honours them when the harness sets ALLOW_TEST_FAULTS=true", () => {
    const config = readConfig({ OUTBOX_RELAY_FAULT: "skip-immediate", STALL_QUEUES: "payments, depot", ALLOW_TEST_FAULTS: "true" });
    expect(config.skipImmediateRelay).toBe(true);
    expect(config.stalledContexts).toEqual(["payments", "depot"]);
  });

  it("keeps the SPEC defaults when nothing is set", () => {
    expect(readConfig({})).toEqual({
      snapshotEvery: 50,
      sagaReplyTimeoutSeconds: 30,
      queueRetryBaseSeconds: 10,
      skipImmediateRelay: false,
      stalledContexts: [],
      smsWebhookUrl: "",
      smsRetryBaseSeconds: 30,
      sagaMessagesDirect: true,
    });
  });

  it("sends saga commands and replies direct unless SAGA_DELIVERY is queues", () => {
    expect(["direct", "", " Queues ", "queues", "anything"].map((v) => readConfig({ SAGA_DELIVERY: v }).sagaMessagesDirect)).toEqual([true, true, false, false, true]);
  });
});
