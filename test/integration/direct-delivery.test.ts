import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import { deliverDirect, travelsDirect } from "../../queues/direct";
import { capturingQueues, eventually, inObject, patchEnv, stubOf } from "./helpers";
import { deliver, event, outboxOf, relayed, repliesIn, sagaCommand } from "./saga-support";
import { sagaInstance } from "../../src/kernel/saga";
import type { CreateOrderData } from "../../src/cosec/saga";

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

  it("with takeReply, hands the reply back, committed as delivered (never relayed); a redelivery gets the same reply", async () => {
    const customerId = await newCustomer();
    const command = authorize(customerId);
    const reply = await deliverDirect(direct, "customers", command, 1, true);
    expect(reply).toMatchObject({
      name: "am.Success",
      metadata: { causationId: command.id, REPLY_OUTCOME: "SUCCESS", REPLY_SAGA_ID: command.metadata.COMMAND_SAGA_ID },
    });
    const row = repliesIn(await outboxOf(env.CUSTOMER, customerId)).find((r) => r.envelope.id === reply!.id);
    expect(row?.sentAt).not.toBeNull();
    const { copies, alarm } = await inObject(stubOf(env.CUSTOMER, customerId), async (_, state) => ({
      copies: state.storage.sql.exec("SELECT 1 FROM outbox_deliveries WHERE message_id = ?", reply!.id).toArray().length,
      alarm: await state.storage.getAlarm(),
    }));
    // nothing for the relay to do: no delivery rows, no safety alarm
    expect({ copies, alarm }).toEqual({ copies: 0, alarm: null });
    expect(await deliverDirect(direct, "customers", command, 2, true)).toEqual(reply);
    expect(await deliverDirect(direct, "customers", command, 3)).toBeUndefined();
    expect(repliesIn(await outboxOf(env.CUSTOMER, customerId))).toHaveLength(1);

    // a rule violation's FAILURE reply comes back the same way
    const unknown = authorize(crypto.randomUUID());
    expect(await deliverDirect(direct, "customers", unknown, 1, true)).toMatchObject({
      name: "am.Failure",
      payload: { code: 5, message: "customer with that ID does not exist" },
      metadata: { REPLY_OUTCOME: "FAILURE", causationId: unknown.id },
    });
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

describe("a saga's relay", () => {
  const orderCreated = (orderId: string, customerId: string): Envelope =>
    event(
      "ordersapi.OrderCreated",
      { id: orderId, customerId, paymentId: crypto.randomUUID(), shoppingId: "", items: [{ productId: "p1", storeId: "s1", price: 1, quantity: 1 }] },
      { name: "ordering.Order", id: orderId, version: 1 },
    );

  it("takes the reply back with the command and records it at once; the reply's commit marks the command sent", async () => {
    const customerId = await newCustomer();
    const orderId = crypto.randomUUID();
    const saga = stubOf(env.CREATE_ORDER_SAGA, orderId);
    // depot is stalled, so the saga stops at step 2 and the first step can be read
    const stallDepot = { SAGA_DELIVERY: "direct", ALLOW_TEST_FAULTS: "true", STALL_QUEUES: "depot", QUEUE_RETRY_BASE_SECONDS: "600" };
    await inObject(saga, (instance) => void patchEnv(instance, stallDepot));
    expect((await deliver("mallbots-cosec", [orderCreated(orderId, customerId)])).explicitAcks).toEqual(["m0"]);
    const state = await eventually(async () => {
      const r = await sagaInstance<CreateOrderData>(env.CREATE_ORDER_SAGA, orderId).get();
      return r.ok && r.value.history.length >= 3 ? r.value : undefined;
    });
    const [authorizeCommand, createList] = await outboxOf(env.CREATE_ORDER_SAGA, orderId);
    expect(state.history.map((h) => `${h.kind}:${h.name}`)).toEqual([
      "command:customersapi.AuthorizeCustomer",
      "reply:am.Success",
      "command:depotapi.CreateShoppingListCommand",
    ]);
    expect(state.awaiting?.commandId).toBe(createList!.envelope.id);
    // the command is marked sent by the reply's commit; step 2's command waits for depot
    expect(authorizeCommand!.sentAt).not.toBeNull();
    expect(createList!.sentAt).toBeNull();
    // the customer committed its reply as delivered (no copy for its relay): the one the saga recorded
    const replies = repliesIn(await outboxOf(env.CUSTOMER, customerId));
    expect(replies.map((r) => [r.envelope.id, r.sentAt !== null])).toEqual([[state.history[1]!.messageId, true]]);
    const copies = await inObject(stubOf(env.CUSTOMER, customerId), (_, s) =>
      s.storage.sql.exec("SELECT 1 FROM outbox_deliveries WHERE message_id = ?", replies[0]!.envelope.id).toArray().length,
    );
    expect(copies).toBe(0);
  });
});
