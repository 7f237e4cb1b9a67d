import { env, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sagaInstance } from "../../src/kernel/saga";
import { createOrderData, type CreateOrderData } from "../../src/cosec/saga";
import type { Envelope } from "../../src/kernel/envelope";
import { aggregate } from "../../src/kernel/objects";
import type { SagaState } from "../../src/kernel/saga";

const createOrderSaga = (e: typeof env, orderId: string) => sagaInstance<CreateOrderData>(e.CREATE_ORDER_SAGA, orderId);
import { capturingQueues, eventually, inObject, patchEnv, stubOf } from "./helpers";
import {
  captureFrom,
  capturedReplies,
  deliver,
  event,
  outboxOf,
  replyChannel,
  replyTo,
  sagaName,
} from "./saga-support";

const uuid = () => crypto.randomUUID();
const cause = { correlationId: "setup", causationId: "setup" };
const auth = { authorization: "Bearer test-admin-token" };

type Saga = SagaState<CreateOrderData>;

const must = async <T>(result: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> => {
  const r = await result;
  if (!r.ok) throw new Error(`failed: ${JSON.stringify(r.error)}`);
  return r.value;
};

const sagaStub = (orderId: string) => stubOf(env.CREATE_ORDER_SAGA, orderId);
const sagaOf = (orderId: string): Promise<Saga> => must(createOrderSaga(env, orderId).get());
/** The commands the saga has written to its outbox, in order. */
const commandsOf = async (orderId: string): Promise<Envelope[]> => (await outboxOf(env.CREATE_ORDER_SAGA, orderId)).map((r) => r.envelope);
const lastCommand = async (orderId: string): Promise<Envelope> => (await commandsOf(orderId)).at(-1)!;
const toSaga = (...replies: Envelope[]) => deliver("mallbots-cosec", replies);

const adminSaga = async (id: string) => {
  const res = await SELF.fetch(`http://mallbots/api/admin/sagas/${id}`, { headers: auth });
  return { status: res.status, body: (await res.json()) as { saga: Saga } & { code?: number; message?: string; details?: unknown[] } };
};

interface Order0 {
  orderId: string;
  customerId: string;
  paymentId: string;
  items: { productId: string; storeId: string; price: number; quantity: number }[];
}

const orderCreated = (o: Order0): Envelope =>
  event(
    "ordersapi.OrderCreated",
    { id: o.orderId, customerId: o.customerId, paymentId: o.paymentId, shoppingId: "", items: o.items },
    { name: "ordering.Order", id: o.orderId, version: 1 },
  );

/**
 * A saga whose commands go nowhere: its object publishes into `captured`, so the test answers each
 * command itself. `patch` is applied to the saga object's env before it starts (e.g. a short timeout).
 */
async function controlledSaga(patch: object = {}) {
  const o: Order0 = {
    orderId: uuid(),
    customerId: uuid(),
    paymentId: uuid(),
    items: [
      { productId: "p1", storeId: "s1", price: 10.49, quantity: 4 },
      { productId: "p2", storeId: "s1", price: 0.01, quantity: 1 },
    ],
  };
  const captured = capturingQueues();
  await inObject(sagaStub(o.orderId), (instance) => {
    patchEnv(instance, { ...captured.queues, ...patch });
  });
  const created = orderCreated(o);
  const outcome = await toSaga(created);
  expect(outcome.explicitAcks).toEqual(["m0"]);
  return { ...o, created, captured };
}

/** Replaces the saga object's env values (e.g. the step timeout) for the commands it sends from now on. */
const patchSaga = (orderId: string, patch: object) =>
  inObject(sagaStub(orderId), (instance) => {
    patchEnv(instance, patch);
  });

/** The command the saga awaits a reply to. */
const awaited = async (orderId: string): Promise<Envelope> => {
  const { awaiting } = await sagaOf(orderId);
  const command = (await commandsOf(orderId)).find((c) => c.id === awaiting?.commandId);
  if (!command) throw new Error("the saga awaits no command");
  return command;
};

/** Answers the saga's awaited command with SUCCESS (with the list id for step 2) and returns the command it sends next. */
async function succeed(orderId: string, listId = uuid()): Promise<Envelope> {
  const command = await awaited(orderId);
  const reply =
    command.name === "depotapi.CreateShoppingListCommand"
      ? replyTo(command, "SUCCESS", "depotapi.CreatedShoppingListReply", { id: listId })
      : replyTo(command, "SUCCESS");
  expect((await toSaga(reply)).explicitAcks).toEqual(["m0"]);
  return lastCommand(orderId);
}

/** Drives the saga with SUCCESS replies until it awaits `name`. */
async function until(orderId: string, name: string, listId = uuid()): Promise<Envelope> {
  let command = await awaited(orderId);
  while (command.name !== name) {
    command = await succeed(orderId, listId);
  }
  return command;
}

const historyOf = (saga: Saga) => saga.history.map((h) => `${h.kind}:${h.name}${h.outcome ? `:${h.outcome}` : ""}`);

// ---- start -------------------------------------------------------------------------------------

describe("starting the saga", () => {
  it("sends AuthorizeCustomer with the saga headers and awaits it", async () => {
    const o = await controlledSaga();
    const [command, ...rest] = await commandsOf(o.orderId);
    expect(rest).toEqual([]);
    expect(command).toMatchObject({ name: "customersapi.AuthorizeCustomer", payload: { id: o.customerId } });
    expect(command!.metadata).toEqual({
      correlationId: o.created.metadata.correlationId,
      causationId: o.created.id,
      COMMAND_REPLY_CHANNEL: replyChannel,
      COMMAND_SAGA_ID: o.orderId,
      COMMAND_SAGA_NAME: sagaName,
    });
    const rows = await outboxOf(env.CREATE_ORDER_SAGA, o.orderId);
    expect(rows[0]!.destinations).toEqual(["customers"]);
    // the relay sent it to the customers queue
    await eventually(async () => (o.captured.sent("customers").some((m) => m.id === command!.id) ? true : undefined));

    const saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({
      id: o.orderId,
      name: sagaName,
      status: "running",
      step: 1,
      compensating: false,
      done: false,
      lastFailure: "",
      failureReason: "",
      data: {
        orderId: o.orderId,
        customerId: o.customerId,
        paymentId: o.paymentId,
        shoppingId: "",
        items: o.items,
        total: 41.97,
      },
      awaiting: { step: 1, command: "customersapi.AuthorizeCustomer", commandId: command!.id },
    });
    // the deadline is now + SAGA_REPLY_TIMEOUT_SECONDS (30 s) and the object's alarm is armed no later
    const createdAt = Date.parse(saga.createdAt);
    expect(saga.awaiting!.deadline).toBeGreaterThanOrEqual(createdAt + 30_000);
    expect(saga.awaiting!.deadline).toBeLessThan(createdAt + 31_000);
    const alarm = await inObject(sagaStub(o.orderId), (_, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(saga.awaiting!.deadline);
    expect(historyOf(saga)).toEqual(["command:customersapi.AuthorizeCustomer"]);
  });

  it("ignores a duplicate OrderCreated: the same message again, or another one for the same order", async () => {
    const o = await controlledSaga();
    const before = await sagaOf(o.orderId);
    const again = await toSaga(o.created, o.created);
    expect(again.explicitAcks).toEqual(["m0", "m1"]);
    const other = orderCreated({ ...o, customerId: "someone-else", items: [{ productId: "x", storeId: "y", price: 1, quantity: 1 }] });
    expect((await toSaga(other)).explicitAcks).toEqual(["m0"]);
    // calling start directly with the message already delivered reports its recorded outcome: the saga exists
    expect(await createOrderSaga(env, o.orderId).start(o.orderId, "cosec.ordersapi.OrderCreated", other, createOrderData(other.payload as never))).toEqual({
      ok: true,
      value: { handled: "exists", duplicate: true },
    });
    expect(await commandsOf(o.orderId)).toHaveLength(1);
    expect(await sagaOf(o.orderId)).toEqual(before);
  });

  it("can be started directly through the object's start()", async () => {
    const o: Order0 = { orderId: uuid(), customerId: "c", paymentId: "p", items: [{ productId: "a", storeId: "b", price: 2.5, quantity: 2 }] };
    const captured = capturingQueues();
    await inObject(sagaStub(o.orderId), (instance) => {
      patchEnv(instance, captured.queues);
    });
    const created = orderCreated(o);
    const saga = createOrderSaga(env, o.orderId);
    const data = createOrderData({ id: o.orderId, customerId: o.customerId, paymentId: o.paymentId, items: o.items });
    expect(await saga.start(o.orderId, "cosec.ordersapi.OrderCreated", created, data)).toEqual({ ok: true, value: { handled: "started" } });
    expect(await saga.start(o.orderId, "cosec.ordersapi.OrderCreated", created, data)).toEqual({ ok: true, value: { handled: "started", duplicate: true } });
    expect(await commandsOf(o.orderId)).toHaveLength(1);
    expect((await sagaOf(o.orderId)).data.total).toBe(5);
  });
});

// ---- the happy path and replies ----------------------------------------------------------------

describe("replies", () => {
  it("walks the five steps on SUCCESS replies and completes", async () => {
    const o = await controlledSaga();
    const list = uuid();
    const create = await succeed(o.orderId);
    expect(create).toMatchObject({
      name: "depotapi.CreateShoppingListCommand",
      payload: {
        orderId: o.orderId,
        items: [
          { productId: "p1", storeId: "s1", quantity: 4 },
          { productId: "p2", storeId: "s1", quantity: 1 },
        ],
      },
    });
    const confirm = await succeed(o.orderId, list);
    expect(confirm).toMatchObject({ name: "paymentsapi.ConfirmPayment", payload: { id: o.paymentId, amount: 41.97 } });
    const initiate = await succeed(o.orderId);
    expect(initiate).toMatchObject({ name: "depotapi.InitiateShoppingCommand", payload: { id: list } });
    const approve = await succeed(o.orderId);
    expect(approve).toMatchObject({ name: "ordersapi.ApproveOrder", payload: { id: o.orderId, shoppingId: list } });
    await succeed(o.orderId);

    const commands = await commandsOf(o.orderId);
    expect(commands.map((c) => c.name)).toEqual([
      "customersapi.AuthorizeCustomer",
      "depotapi.CreateShoppingListCommand",
      "paymentsapi.ConfirmPayment",
      "depotapi.InitiateShoppingCommand",
      "ordersapi.ApproveOrder",
    ]);
    // every command after the first was caused by the reply that preceded it, and keeps the correlation id
    for (const c of commands) expect(c.metadata.correlationId).toBe(o.created.metadata.correlationId);
    const saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({ status: "completed", done: true, compensating: false, step: 5, awaiting: null, lastFailure: "" });
    expect(saga.data.shoppingId).toBe(list);
    expect(historyOf(saga)).toEqual([
      "command:customersapi.AuthorizeCustomer",
      "reply:am.Success:SUCCESS",
      "command:depotapi.CreateShoppingListCommand",
      "reply:depotapi.CreatedShoppingListReply:SUCCESS",
      "command:paymentsapi.ConfirmPayment",
      "reply:am.Success:SUCCESS",
      "command:depotapi.InitiateShoppingCommand",
      "reply:am.Success:SUCCESS",
      "command:ordersapi.ApproveOrder",
      "reply:am.Success:SUCCESS",
    ]);
    expect(saga.history.filter((h) => h.kind === "command").map((h) => h.messageId)).toEqual(commands.map((c) => c.id));
  });

  it("keeps the alarm armed at the start through quickly answered steps, and leaves none once completed", async () => {
    const started = Date.now();
    const o = await controlledSaga();
    const alarmOf = () => inObject(sagaStub(o.orderId), (_, state) => state.storage.getAlarm());
    const first = await alarmOf();
    expect(first).not.toBeNull();
    for (let step = 1; step <= 4; step++) {
      await succeed(o.orderId);
      const { awaiting } = await sagaOf(o.orderId);
      const alarm = await eventually(async () => ((await commandsOf(o.orderId)).length === step + 1 ? await alarmOf() : undefined));
      expect(alarm).not.toBeNull();
      expect(alarm!).toBeLessThanOrEqual(awaiting!.deadline);
      // answered within the relay's safety delay (2 s): the alarm is not moved (no alarm writes per step)
      if (Date.now() - started < 1_500) expect(alarm).toBe(first);
    }
    await succeed(o.orderId);
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "completed", awaiting: null });
    // deleted by the completing commit, not left to fire (and find nothing to do) after the safety delay
    expect(await alarmOf()).toBeNull();
    expect(await runDurableObjectAlarm(sagaStub(o.orderId))).toBe(false);
  });

  it("records an awaited command's sent mark in its reply's commit, and resends it only if the object lost the mark", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    const sentCopies = (id: string) => o.captured.sent("customers").filter((m) => m.id === id).length;
    const sentAtOf = async (id: string) => (await outboxOf(env.CREATE_ORDER_SAGA, o.orderId)).find((r) => r.envelope.id === id)!.sentAt;
    await eventually(async () => (sentCopies(authorize.id) === 1 ? true : undefined));
    // delivered, but no commit of its own: the mark waits for the reply
    expect(await sentAtOf(authorize.id)).toBeNull();
    // an alarm meanwhile neither resends it nor re-arms for it (it stays due only at the deadline)
    expect(await runDurableObjectAlarm(sagaStub(o.orderId))).toBe(true);
    expect(sentCopies(authorize.id)).toBe(1);
    const alarm = await inObject(sagaStub(o.orderId), (_, state) => state.storage.getAlarm());
    expect(alarm).toBe((await sagaOf(o.orderId)).awaiting!.deadline);

    // the reply's commit records it, and the next command's mark waits in turn
    const createList = await succeed(o.orderId);
    expect(await sentAtOf(authorize.id)).not.toBeNull();
    await eventually(async () => (o.captured.sent("depot").some((m) => m.id === createList.id) ? true : undefined));
    expect(await sentAtOf(createList.id)).toBeNull();

    // an object that lost its marks (evicted, crashed) sends the command again at its next alarm
    await inObject(sagaStub(o.orderId), (instance) => (instance as unknown as { delivered: Map<string, unknown> }).delivered.clear());
    expect(await runDurableObjectAlarm(sagaStub(o.orderId))).toBe(true);
    expect(o.captured.sent("depot").filter((m) => m.id === createList.id)).toHaveLength(2);
    await succeed(o.orderId);
    expect(await sentAtOf(createList.id)).not.toBeNull();
  });

  it("applies a duplicate reply once: one advance, one next command", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    const reply = replyTo(authorize, "SUCCESS");
    const first = await toSaga(reply, reply);
    const second = await toSaga(reply);
    expect(first.explicitAcks).toEqual(["m0", "m1"]);
    expect(second.explicitAcks).toEqual(["m0"]);
    const commands = await commandsOf(o.orderId);
    expect(commands.map((c) => c.name)).toEqual(["customersapi.AuthorizeCustomer", "depotapi.CreateShoppingListCommand"]);
    const saga = await sagaOf(o.orderId);
    expect(saga.step).toBe(2);
    expect(saga.awaiting?.commandId).toBe(commands[1]!.id);
    expect(saga.history.filter((h) => h.messageId === reply.id)).toHaveLength(1);
    expect(historyOf(saga)).toEqual(["command:customersapi.AuthorizeCustomer", "reply:am.Success:SUCCESS", "command:depotapi.CreateShoppingListCommand"]);

    // the direct call reports the recorded outcome again
    expect(await createOrderSaga(env, o.orderId).reply("cosec.am.Success", reply)).toEqual({ ok: true, value: { handled: "reply", duplicate: true } });
    expect(await commandsOf(o.orderId)).toHaveLength(2);
  });

  it("records a stale reply (wrong causationId) as stale-reply and changes nothing else", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    const before = await sagaOf(o.orderId);
    const staleSuccess = replyTo(authorize, "SUCCESS", "am.Success", {}, { causationId: uuid() });
    const staleFailure = replyTo(authorize, "FAILURE", "am.Failure", { code: 16, message: "customer is not authorized" }, { causationId: uuid() });
    expect((await toSaga(staleSuccess, staleFailure)).explicitAcks).toEqual(["m0", "m1"]);

    const saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({
      status: "running",
      step: before.step,
      compensating: false,
      done: false,
      awaiting: before.awaiting,
      lastFailure: "",
      data: before.data,
    });
    expect(saga.history.slice(1)).toEqual([
      expect.objectContaining({ kind: "stale-reply", name: "am.Success", outcome: "SUCCESS", messageId: staleSuccess.id, step: 1 }),
      expect.objectContaining({ kind: "stale-reply", name: "am.Failure", outcome: "FAILURE", messageId: staleFailure.id, step: 1 }),
    ]);
    expect(await commandsOf(o.orderId)).toHaveLength(1);
    expect(await createOrderSaga(env, o.orderId).reply("cosec.am.Success", staleSuccess)).toEqual({ ok: true, value: { handled: "stale", duplicate: true } });

    // the real reply still advances the saga
    const next = await succeed(o.orderId);
    expect(next.name).toBe("depotapi.CreateShoppingListCommand");
  });

  it("treats a reply for an already answered step, and any reply after the end, as stale", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    await succeed(o.orderId);
    // a different reply message to the already answered AuthorizeCustomer
    const late = replyTo(authorize, "FAILURE", "am.Failure", { code: 16, message: "customer is not authorized" });
    await toSaga(late);
    let saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({ status: "running", compensating: false, step: 2 });
    expect(saga.history.at(-1)).toMatchObject({ kind: "stale-reply", messageId: late.id });

    await until(o.orderId, "ordersapi.ApproveOrder");
    const approve = await lastCommand(o.orderId);
    await succeed(o.orderId);
    const count = (await commandsOf(o.orderId)).length;
    const afterEnd = replyTo(approve, "FAILURE", "am.Failure", { code: 9, message: "the order cannot be approved" });
    await toSaga(afterEnd);
    saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({ status: "completed", done: true, lastFailure: "" });
    expect(saga.history.at(-1)).toMatchObject({ kind: "stale-reply", messageId: afterEnd.id });
    expect(await commandsOf(o.orderId)).toHaveLength(count);
  });

  it("acknowledges replies for another saga name or an unknown saga without touching any saga", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    const before = await sagaOf(o.orderId);
    const otherName = replyTo(authorize, "SUCCESS", "am.Success", {}, { REPLY_SAGA_NAME: "cosec.Other" });
    const unknown = replyTo(authorize, "SUCCESS", "am.Success", {}, { REPLY_SAGA_ID: uuid() });
    expect((await toSaga(otherName, unknown)).explicitAcks).toEqual(["m0", "m1"]);
    const after = await sagaOf(o.orderId);
    // at most a stale-reply entry (SPEC §4.2 3.1); nothing else moves
    const { history: h0, updatedAt: u0, ...rest0 } = before;
    const { history: h1, updatedAt: u1, ...rest1 } = after;
    expect(rest1).toEqual(rest0);
    expect(h1.slice(0, h0.length)).toEqual(h0);
    expect(h1.slice(h0.length).every((h) => h.kind === "stale-reply")).toBe(true);
    expect(await commandsOf(o.orderId)).toHaveLength(1);
    expect(await createOrderSaga(env, unknown.metadata.REPLY_SAGA_ID!).get()).toEqual({
      ok: false,
      error: { code: 5, message: "saga with that ID does not exist" },
    });
  });

  it("cancels the list of a late CreatedShoppingListReply that carries another id, without awaiting it", async () => {
    const o = await controlledSaga();
    await succeed(o.orderId);
    const create = await lastCommand(o.orderId);
    const list = uuid();
    const confirm = await succeed(o.orderId, list);
    expect(confirm.name).toBe("paymentsapi.ConfirmPayment");
    const before = await sagaOf(o.orderId);

    // the same list again: stale, nothing to cancel
    await toSaga(replyTo(create, "SUCCESS", "depotapi.CreatedShoppingListReply", { id: list }));
    expect(await commandsOf(o.orderId)).toHaveLength(3);

    const orphan = uuid();
    const late = replyTo(create, "SUCCESS", "depotapi.CreatedShoppingListReply", { id: orphan });
    expect((await toSaga(late, late)).explicitAcks).toEqual(["m0", "m1"]);
    const commands = await commandsOf(o.orderId);
    expect(commands).toHaveLength(4);
    const cancel = commands[3]!;
    expect(cancel).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: orphan } });
    expect(cancel.metadata).toMatchObject({ causationId: late.id, COMMAND_SAGA_ID: o.orderId, COMMAND_SAGA_NAME: sagaName, COMMAND_REPLY_CHANNEL: replyChannel });
    expect((await outboxOf(env.CREATE_ORDER_SAGA, o.orderId))[3]!.destinations).toEqual(["depot"]);

    const saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({ status: "running", step: 3, awaiting: before.awaiting, data: { shoppingId: list } });
    expect(saga.history.at(-1)).toMatchObject({ kind: "stale-reply", name: "depotapi.CreatedShoppingListReply", messageId: late.id });

    // the answer to that cancel is itself stale; the saga goes on with its own step
    await toSaga(replyTo(cancel, "SUCCESS"));
    expect((await sagaOf(o.orderId)).awaiting).toEqual(before.awaiting);
    expect((await succeed(o.orderId)).name).toBe("depotapi.InitiateShoppingCommand");
  });
});

// ---- compensation ------------------------------------------------------------------------------

describe("compensation", () => {
  it("rejects the order when step 1 fails and ends compensated", async () => {
    const o = await controlledSaga();
    const authorize = await lastCommand(o.orderId);
    await toSaga(replyTo(authorize, "FAILURE", "am.Failure", { code: 16, message: "customer is not authorized" }));
    const reject = await lastCommand(o.orderId);
    expect(reject).toMatchObject({ name: "ordersapi.RejectOrder", payload: { id: o.orderId } });
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "compensating", compensating: true, step: 0, lastFailure: "customer is not authorized" });
    await succeed(o.orderId);
    const saga = await sagaOf(o.orderId);
    expect(saga).toMatchObject({ status: "compensated", done: true, awaiting: null, failureReason: "" });
    expect((await commandsOf(o.orderId)).map((c) => c.name)).toEqual(["customersapi.AuthorizeCustomer", "ordersapi.RejectOrder"]);
  });

  it("cancels the list then rejects the order when step 3 fails", async () => {
    const o = await controlledSaga();
    const list = uuid();
    const confirm = await until(o.orderId, "paymentsapi.ConfirmPayment", list);
    await toSaga(replyTo(confirm, "FAILURE", "am.Failure", { code: 5, message: "payment cannot be confirmed" }));
    const cancel = await lastCommand(o.orderId);
    expect(cancel).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: list } });
    const reject = await succeed(o.orderId);
    expect(reject).toMatchObject({ name: "ordersapi.RejectOrder", payload: { id: o.orderId } });
    await succeed(o.orderId);
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "compensated", done: true, lastFailure: "payment cannot be confirmed", failureReason: "" });
  });

  it("R5: ApproveOrder fails, CancelShoppingList fails → failed, and no further command", async () => {
    const o = await controlledSaga();
    const list = uuid();
    const approve = await until(o.orderId, "ordersapi.ApproveOrder", list);
    await toSaga(replyTo(approve, "FAILURE", "am.Failure", { code: 9, message: "the order cannot be approved" }));
    const cancel = await lastCommand(o.orderId);
    expect(cancel).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: list } });
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "compensating", compensating: true, step: 2, lastFailure: "the order cannot be approved" });

    const failure = replyTo(cancel, "FAILURE", "am.Failure", { code: 3, message: "the shopping list cannot be canceled" });
    expect((await toSaga(failure, failure)).explicitAcks).toEqual(["m0", "m1"]);
    const commands = await commandsOf(o.orderId);
    expect(commands.map((c) => c.name)).toEqual([
      "customersapi.AuthorizeCustomer",
      "depotapi.CreateShoppingListCommand",
      "paymentsapi.ConfirmPayment",
      "depotapi.InitiateShoppingCommand",
      "ordersapi.ApproveOrder",
      "depotapi.CancelShoppingListCommand",
    ]);
    const { status, body } = await adminSaga(o.orderId);
    expect(status).toBe(200);
    expect(body.saga).toMatchObject({
      id: o.orderId,
      name: sagaName,
      status: "failed",
      done: true,
      compensating: true,
      awaiting: null,
      lastFailure: "the shopping list cannot be canceled",
      failureReason: "received failed reply but already compensating",
    });
    expect(historyOf(body.saga).slice(-4)).toEqual([
      "command:ordersapi.ApproveOrder",
      "reply:am.Failure:FAILURE",
      "command:depotapi.CancelShoppingListCommand",
      "reply:am.Failure:FAILURE",
    ]);

    // nothing revives a failed saga
    await toSaga(replyTo(cancel, "SUCCESS"));
    expect(await commandsOf(o.orderId)).toHaveLength(6);
    expect((await sagaOf(o.orderId)).status).toBe("failed");
  });
});

// ---- timeouts ----------------------------------------------------------------------------------

/** Waits (polling, no fixed sleep) until the saga's deadline has passed, then runs its alarm until the timeout is recorded. */
async function timeOut(orderId: string): Promise<Saga> {
  const deadline = (await sagaOf(orderId)).awaiting!.deadline;
  const timeouts = (await sagaOf(orderId)).history.filter((h) => h.kind === "timeout").length;
  return eventually(async () => {
    if (Date.now() < deadline) return undefined;
    await runDurableObjectAlarm(sagaStub(orderId)); // the real alarm may have run already; either way it is due
    const saga = await sagaOf(orderId);
    return saga.history.filter((h) => h.kind === "timeout").length > timeouts ? saga : undefined;
  }, 10_000);
}

describe("step timeout (alarm)", () => {
  it("does nothing when the alarm runs before the deadline", async () => {
    const o = await controlledSaga();
    const before = await sagaOf(o.orderId);
    await runDurableObjectAlarm(sagaStub(o.orderId));
    expect(await sagaOf(o.orderId)).toEqual(before);
    expect(await commandsOf(o.orderId)).toHaveLength(1);
  });

  it("fails an overdue step 3: cancels the list and rejects the order; the late reply is stale", async () => {
    const o = await controlledSaga();
    const list = uuid();
    await until(o.orderId, "depotapi.CreateShoppingListCommand");
    // only ConfirmPayment gets a 1 s deadline
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "1" });
    const confirm = await succeed(o.orderId, list);
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "30" });
    expect(confirm.name).toBe("paymentsapi.ConfirmPayment");
    const sentAt = Date.parse((await sagaOf(o.orderId)).updatedAt);
    expect((await sagaOf(o.orderId)).awaiting!.deadline - sentAt).toBe(1000);

    const saga = await timeOut(o.orderId);
    expect(saga).toMatchObject({
      status: "compensating",
      compensating: true,
      done: false,
      step: 2,
      lastFailure: "the saga step timed out",
      failureReason: "",
      awaiting: { step: 2, command: "depotapi.CancelShoppingListCommand" },
    });
    expect(saga.history.filter((h) => h.kind === "timeout")).toEqual([
      expect.objectContaining({ step: 3, name: "paymentsapi.ConfirmPayment", outcome: "FAILURE", messageId: confirm.id }),
    ]);
    const cancel = await lastCommand(o.orderId);
    expect(cancel).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: list } });
    expect(saga.awaiting!.commandId).toBe(cancel.id);
    // the timeout's commit recorded the overdue command as sent; the compensation was relayed by the alarm
    expect((await outboxOf(env.CREATE_ORDER_SAGA, o.orderId)).find((r) => r.envelope.id === confirm.id)!.sentAt).not.toBeNull();
    await eventually(async () => (o.captured.sent("depot").some((m) => m.id === cancel.id) ? true : undefined));
    expect(o.captured.sent("payments").filter((m) => m.id === confirm.id)).toHaveLength(1);

    // R4: the late ConfirmPayment reply is stale
    await toSaga(replyTo(confirm, "SUCCESS"));
    expect((await sagaOf(o.orderId)).history.at(-1)).toMatchObject({ kind: "stale-reply" });
    expect(await commandsOf(o.orderId)).toHaveLength(4);

    const reject = await succeed(o.orderId);
    expect(reject).toMatchObject({ name: "ordersapi.RejectOrder", payload: { id: o.orderId } });
    await succeed(o.orderId);
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "compensated", done: true, lastFailure: "the saga step timed out" });
  });

  it("fails an overdue step 2 with RejectOrder only, and cancels the list of the late CreatedShoppingListReply", async () => {
    const o = await controlledSaga();
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "1" });
    const create = await succeed(o.orderId);
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "30" });
    expect(create.name).toBe("depotapi.CreateShoppingListCommand");

    const saga = await timeOut(o.orderId);
    expect(saga).toMatchObject({ status: "compensating", step: 0, lastFailure: "the saga step timed out", data: { shoppingId: "" } });
    const reject = await lastCommand(o.orderId);
    expect(reject.name).toBe("ordersapi.RejectOrder");

    const orphan = uuid();
    await toSaga(replyTo(create, "SUCCESS", "depotapi.CreatedShoppingListReply", { id: orphan }));
    const cancel = await lastCommand(o.orderId);
    expect(cancel).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: orphan } });
    expect((await sagaOf(o.orderId)).awaiting?.commandId).toBe(reject.id);

    await toSaga(replyTo(reject, "SUCCESS"));
    expect(await sagaOf(o.orderId)).toMatchObject({ status: "compensated", done: true });
    expect((await commandsOf(o.orderId)).map((c) => c.name)).toEqual([
      "customersapi.AuthorizeCustomer",
      "depotapi.CreateShoppingListCommand",
      "ordersapi.RejectOrder",
      "depotapi.CancelShoppingListCommand",
    ]);
  });

  it("fails the saga when a compensation step times out", async () => {
    const o = await controlledSaga();
    const confirm = await until(o.orderId, "paymentsapi.ConfirmPayment");
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "1" });
    await toSaga(replyTo(confirm, "FAILURE", "am.Failure", { code: 5, message: "payment cannot be confirmed" }));
    await patchSaga(o.orderId, { SAGA_REPLY_TIMEOUT_SECONDS: "30" });
    const cancel = await lastCommand(o.orderId);
    expect(cancel.name).toBe("depotapi.CancelShoppingListCommand");

    const saga = await timeOut(o.orderId);
    expect(saga).toMatchObject({
      status: "failed",
      done: true,
      awaiting: null,
      lastFailure: "the saga step timed out",
      failureReason: "received failed reply but already compensating",
    });
    expect(await commandsOf(o.orderId)).toHaveLength(4);
  });
});

// ---- admin -------------------------------------------------------------------------------------

describe("GET /api/admin/sagas/{id}", () => {
  it("shows the full saga state", async () => {
    const o = await controlledSaga();
    await succeed(o.orderId);
    const { status, body } = await adminSaga(o.orderId);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["saga"]);
    expect(Object.keys(body.saga).sort()).toEqual(
      ["id", "name", "status", "step", "compensating", "done", "data", "awaiting", "lastFailure", "failureReason", "history", "createdAt", "updatedAt"].sort(),
    );
    expect(body.saga).toEqual(await sagaOf(o.orderId));
    expect(body.saga).toMatchObject({ id: o.orderId, name: sagaName, status: "running", step: 2, compensating: false, done: false });
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    expect(body.saga.createdAt).toMatch(iso);
    expect(body.saga.updatedAt).toMatch(iso);
    for (const h of body.saga.history) {
      expect(Object.keys(h).sort()).toEqual(["at", "kind", "messageId", "name", "outcome", "step"]);
      expect(h.at).toMatch(iso);
    }
    expect(Object.keys(body.saga.awaiting!).sort()).toEqual(["command", "commandId", "deadline", "step"]);
  });

  it("answers 404 saga with that ID does not exist for an unknown id", async () => {
    const { status, body } = await adminSaga(uuid());
    expect(status).toBe(404);
    expect(body).toEqual({ code: 5, message: "saga with that ID does not exist", details: [] });
  });
});

// ---- end to end with the receiving contexts, every message delivered by the test ------------------

/**
 * The whole cast of a checkout, each object publishing into one capture: the test carries every saga
 * command to its context's consumer and every reply back to the saga, in an order it controls.
 */
async function mall({ paymentExists = true, customerEnabled = true } = {}) {
  const captured = capturingQueues();
  const store = uuid();
  const product = uuid();
  const customer = uuid();
  const payment = uuid();
  const order = uuid();
  await must(aggregate(env.STORE, store).execute({ type: "CreateStore", name: "Store ABC", location: "The mall" }, cause));
  await must(
    aggregate(env.PRODUCT, product).execute(
      { type: "AddProduct", storeId: store, name: "Product ABC", description: "A thing", sku: "abc", price: 10.49 },
      cause,
    ),
  );
  for (const [ns, id] of [
    [env.CUSTOMER, customer],
    [env.PAYMENT, payment],
    [env.ORDER, order],
    [env.CREATE_ORDER_SAGA, order],
  ] as const) {
    await captureFrom(ns, id, captured);
  }
  const customers = aggregate(env.CUSTOMER, customer);
  await must(customers.execute({ type: "RegisterCustomer", name: "Ann", smsNumber: "555-555-1212" }, cause));
  if (!customerEnabled) await must(customers.execute({ type: "DisableCustomer" }, cause));
  if (paymentExists) await must(aggregate(env.PAYMENT, payment).execute({ type: "AuthorizePayment", customerId: customer, amount: 41.96 }, cause));
  const orders = aggregate(env.ORDER, order);
  await must(
    orders.execute(
      {
        type: "CreateOrder",
        customerId: customer,
        paymentId: payment,
        items: [{ storeId: store, productId: product, storeName: "Store ABC", productName: "Product ABC", price: 10.49, quantity: 4 }],
      },
      cause,
    ),
  );
  const created = await eventually(async () => captured.sent("cosec").find((m) => m.name === "ordersapi.OrderCreated" && m.payload && (m.payload as { id: string }).id === order));
  expect((await toSaga(created)).explicitAcks).toEqual(["m0"]);

  const queueOf: Record<string, string> = {
    customersapi: "mallbots-customers",
    depotapi: "mallbots-depot",
    paymentsapi: "mallbots-payments",
    ordersapi: "mallbots-ordering",
  };
  /** Carries the saga's pending command to its context and returns the reply that context sent. */
  const carry = async (): Promise<{ command: Envelope; reply: Envelope }> => {
    const command = await lastCommand(order);
    if (command.name === "depotapi.CreateShoppingListCommand") await captureFrom(env.SHOPPING_LIST, command.id, captured);
    const outcome = await deliver(queueOf[command.name.split(".")[0]!]!, [command]);
    expect(outcome.explicitAcks).toEqual(["m0"]);
    const reply = await eventually(async () => capturedReplies(captured, command.id)[0]);
    return { command, reply };
  };
  /** Carries one command and its reply back to the saga. */
  const step = async () => {
    const exchange = await carry();
    expect((await toSaga(exchange.reply)).explicitAcks).toEqual(["m0"]);
    return exchange;
  };
  const list = (id: string) => aggregate(env.SHOPPING_LIST, id);
  return { captured, store, product, customer, payment, order, orders, list, carry, step };
}

describe("end to end with the receiving contexts (controlled delivery)", () => {
  it("happy path: the order is approved, the list available, the payment confirmed", async () => {
    const m = await mall();
    const names: string[] = [];
    let listId = "";
    for (let i = 0; i < 5; i++) {
      const { command, reply } = await m.step();
      names.push(`${command.name} → ${reply.name}:${reply.metadata.REPLY_OUTCOME}`);
      if (reply.name === "depotapi.CreatedShoppingListReply") listId = (reply.payload as { id: string }).id;
    }
    expect(names).toEqual([
      "customersapi.AuthorizeCustomer → am.Success:SUCCESS",
      "depotapi.CreateShoppingListCommand → depotapi.CreatedShoppingListReply:SUCCESS",
      "paymentsapi.ConfirmPayment → am.Success:SUCCESS",
      "depotapi.InitiateShoppingCommand → am.Success:SUCCESS",
      "ordersapi.ApproveOrder → am.Success:SUCCESS",
    ]);
    expect(await sagaOf(m.order)).toMatchObject({ status: "completed", done: true, data: { shoppingId: listId, total: 41.96 } });
    expect(await must(m.orders.get())).toMatchObject({ status: "approved", shoppingId: listId });
    expect(await must(m.list(listId).get())).toMatchObject({ id: listId, orderId: m.order, status: "available" });
    expect(await must(aggregate(env.PAYMENT, m.payment).get())).toMatchObject({ status: "confirmed", amount: 41.96 });
  });

  it("R1: a disabled customer → RejectOrder → order rejected, no shopping list, saga compensated", async () => {
    const m = await mall({ customerEnabled: false });
    const { reply } = await m.step();
    expect(reply).toMatchObject({ name: "am.Failure", payload: { code: 16, message: "customer is not authorized" } });
    const { command } = await m.step();
    expect(command.name).toBe("ordersapi.RejectOrder");
    expect(await sagaOf(m.order)).toMatchObject({ status: "compensated", lastFailure: "customer is not authorized" });
    expect(await must(m.orders.get())).toMatchObject({ status: "rejected" });
    expect((await commandsOf(m.order)).map((c) => c.name)).toEqual(["customersapi.AuthorizeCustomer", "ordersapi.RejectOrder"]);
  });

  it("R2: an unknown payment → the list is canceled and the order rejected", async () => {
    const m = await mall({ paymentExists: false });
    await m.step();
    const created = await m.step();
    const listId = (created.reply.payload as { id: string }).id;
    expect(listId).toBe(created.command.id);
    const confirm = await m.step();
    expect(confirm.reply).toMatchObject({ name: "am.Failure", payload: { code: 5, message: "payment cannot be confirmed" } });
    expect((await m.step()).command).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: listId } });
    expect((await m.step()).command.name).toBe("ordersapi.RejectOrder");
    expect(await sagaOf(m.order)).toMatchObject({ status: "compensated", done: true });
    expect(await must(m.list(listId).get())).toMatchObject({ status: "canceled" });
    expect(await must(m.orders.get())).toMatchObject({ status: "rejected" });
  });

  it("R3: the customer cancels before approval → list canceled, RejectOrder a no-op, saga compensated", async () => {
    const m = await mall();
    for (let i = 0; i < 4; i++) await m.step();
    const listId = (await sagaOf(m.order)).data.shoppingId;
    await must(m.orders.execute({ type: "CancelOrder" }, cause));
    const approve = await m.step();
    expect(approve.reply).toMatchObject({ name: "am.Failure", payload: { code: 9, message: "the order cannot be approved" } });
    expect((await m.step()).reply.name).toBe("am.Success"); // CancelShoppingList
    const reject = await m.step();
    expect(reject).toMatchObject({ command: { name: "ordersapi.RejectOrder" }, reply: { name: "am.Success" } });
    expect(await sagaOf(m.order)).toMatchObject({ status: "compensated", done: true });
    expect(await must(m.orders.get())).toMatchObject({ status: "cancelled" });
    expect(await must(m.list(listId).get())).toMatchObject({ status: "canceled" });
  });

  it("R5: the order is cancelled and the list completed between steps 4 and 5 → saga failed, no more commands", async () => {
    const m = await mall();
    for (let i = 0; i < 4; i++) await m.step();
    const listId = (await sagaOf(m.order)).data.shoppingId;
    expect(await must(m.list(listId).get())).toMatchObject({ status: "available" });

    // the customer cancels; a bot takes and completes the list
    await must(m.orders.execute({ type: "CancelOrder" }, cause));
    await captureFrom(env.SHOPPING_LIST, listId, m.captured);
    await must(m.list(listId).execute({ type: "AssignShoppingList", botId: "bot-7" }, cause));
    await must(m.list(listId).execute({ type: "CompleteShoppingList" }, cause));

    const approve = await m.step();
    expect(approve.command).toMatchObject({ name: "ordersapi.ApproveOrder", payload: { id: m.order, shoppingId: listId } });
    expect(approve.reply).toMatchObject({ name: "am.Failure", payload: { code: 9, message: "the order cannot be approved" } });
    const cancel = await m.step();
    expect(cancel.command).toMatchObject({ name: "depotapi.CancelShoppingListCommand", payload: { id: listId } });
    expect(cancel.reply).toMatchObject({
      name: "am.Failure",
      payload: { code: 3, message: "the shopping list cannot be canceled" },
      metadata: { REPLY_OUTCOME: "FAILURE", REPLY_SAGA_ID: m.order, REPLY_SAGA_NAME: sagaName, causationId: cancel.command.id },
    });

    const { status, body } = await adminSaga(m.order);
    expect(status).toBe(200);
    expect(body.saga).toMatchObject({
      id: m.order,
      name: sagaName,
      status: "failed",
      done: true,
      compensating: true,
      awaiting: null,
      lastFailure: "the shopping list cannot be canceled",
      failureReason: "received failed reply but already compensating",
    });
    expect((await commandsOf(m.order)).map((c) => c.name)).toEqual([
      "customersapi.AuthorizeCustomer",
      "depotapi.CreateShoppingListCommand",
      "paymentsapi.ConfirmPayment",
      "depotapi.InitiateShoppingCommand",
      "ordersapi.ApproveOrder",
      "depotapi.CancelShoppingListCommand",
    ]);

    // ordering ignores the list's completion: the order stays cancelled
    const completed = await eventually(async () => m.captured.sent("ordering").find((e) => e.name === "depotapi.ShoppingListCompleted" && (e.payload as { id: string }).id === listId));
    expect(completed.payload).toEqual({ id: listId, orderId: m.order });
    expect((await deliver("mallbots-ordering", [completed])).explicitAcks).toEqual(["m0"]);
    expect(await must(m.orders.get())).toMatchObject({ status: "cancelled" });
    expect(await must(m.list(listId).get())).toMatchObject({ status: "completed" });
  });
});
