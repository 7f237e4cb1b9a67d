import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import { deliverDirect, travelsDirect } from "../../queues/direct";
import { capturingQueues, inObject, patchEnv, stubOf } from "./helpers";
import { outboxOf, relayed, repliesIn, sagaCommand } from "./saga-support";

/**
 * Direct delivery (queues/direct.ts): saga commands and replies go from the sender's outbox relay straight
 * to the receiving context's handler. This suite's Worker runs with SAGA_DELIVERY=queues (the other tests step
 * sagas through the queues), so these tests switch it on for the env they pass or the object they patch.
 */

const cause = { correlationId: "setup", causationId: "setup" };
const direct = { ...env, SAGA_DELIVERY: "direct" };

async function newCustomer(): Promise<string> {
  const id = crypto.randomUUID();
  const registered = await aggregate(env.CUSTOMER, id).execute({ type: "RegisterCustomer", name: "Ann", smsNumber: "555" }, cause);
  expect(registered.ok).toBe(true);
  return id;
}

const authorize = (customerId: string): Envelope => sagaCommand("customersapi.AuthorizeCustomer", { id: customerId }, crypto.randomUUID());

describe("which messages travel direct", () => {
  it("saga commands and replies when SAGA_DELIVERY is unset or direct; never events; none when it is queues", () => {
    const command = authorize("c");
    const reply: Envelope = { ...command, metadata: { correlationId: "c", causationId: command.id, REPLY_OUTCOME: "SUCCESS", REPLY_SAGA_ID: "s", REPLY_SAGA_NAME: "cosec.CreateOrder" } };
    const event: Envelope = { ...command, name: "customersapi.CustomerRegistered", metadata: { correlationId: "c", causationId: "c" } };
    expect([travelsDirect(direct, command), travelsDirect(direct, reply), travelsDirect(direct, event)]).toEqual([true, true, false]);
    expect(travelsDirect({ ...env, SAGA_DELIVERY: undefined }, command)).toBe(true);
    expect(travelsDirect(env, command)).toBe(false);
  });
});

describe("deliverDirect", () => {
  it("runs the receiving context's handler: one reply committed in the object's outbox, once however often it is delivered", async () => {
    const customerId = await newCustomer();
    const command = authorize(customerId);
    await deliverDirect(direct, "customers", command, 1);
    await deliverDirect(direct, "customers", command, 2);
    const replies = repliesIn(await outboxOf(env.CUSTOMER, customerId)).filter((r) => r.envelope.metadata.causationId === command.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ destinations: ["cosec"], envelope: { name: "am.Success", metadata: { REPLY_OUTCOME: "SUCCESS" } } });
  });

  it("answers a rule violation with a FAILURE reply and resolves: only faults are retried", async () => {
    const command = authorize(crypto.randomUUID());
    await deliverDirect(direct, "customers", command, 1);
    const customerId = command.payload as { id: string };
    const replies = repliesIn(await outboxOf(env.CUSTOMER, customerId.id));
    expect(replies.map((r) => [r.envelope.name, r.envelope.metadata.REPLY_OUTCOME])).toEqual([["am.Failure", "FAILURE"]]);
  });

  it("throws, writing nothing, when the receiving context is stalled (STALL_QUEUES) or its payload is invalid", async () => {
    const customerId = await newCustomer();
    const stalled = { ...direct, ALLOW_TEST_FAULTS: "true", STALL_QUEUES: "customers" };
    await expect(deliverDirect(stalled, "customers", authorize(customerId), 1)).rejects.toThrow(/stalled/);
    await expect(deliverDirect(direct, "customers", { ...authorize(customerId), payload: { id: 42 } }, 1)).rejects.toThrow();
    expect(repliesIn(await outboxOf(env.CUSTOMER, customerId))).toEqual([]);
  });
});

describe("the relay", () => {
  it("hands a reply to the saga context's handler instead of the cosec queue, and marks it sent", async () => {
    const customerId = await newCustomer();
    const captured = capturingQueues();
    await inObject(stubOf(env.CUSTOMER, customerId), (instance) => void patchEnv(instance, { ...captured.queues, SAGA_DELIVERY: "direct" }));
    // a command whose saga does not exist: the reply reaches cosec's handler, which acknowledges it as stale
    const command = authorize(customerId);
    await deliverDirect(direct, "customers", command, 1);
    const rows = await relayed(env.CUSTOMER, customerId);
    const reply = repliesIn(rows).find((r) => r.envelope.metadata.causationId === command.id);
    expect(reply?.sentAt).not.toBeNull();
    expect(captured.sent("cosec")).toEqual([]);
  });
});
