import { describe, expect, it } from "vitest";
import {
  type CreateOrderData,
  createOrderData,
  createOrderReplyChannel,
  createOrderSaga,
  createOrderSagaName,
} from "../../src/cosec/saga";
import {
  advance,
  failedWhileCompensating,
  type HistoryEntry,
  onReply,
  onTimeout,
  type SagaContext,
  type SagaReply,
  type SagaState,
  startSaga,
  timedOutMessage,
  type Transition,
} from "../../src/kernel/saga";

const ORDER_ID = "7a8b9c0d-1111-4aaa-8bbb-0000000000d1";
const CUSTOMER_ID = "7a8b9c0d-2222-4aaa-8bbb-0000000000d2";
const PAYMENT_ID = "7a8b9c0d-3333-4aaa-8bbb-0000000000d3";
const LIST_ID = "7a8b9c0d-4444-4aaa-8bbb-0000000000d4";
const ORPHAN_LIST_ID = "7a8b9c0d-5555-4aaa-8bbb-0000000000d5";
const STORE_1 = "7a8b9c0d-6666-4aaa-8bbb-0000000000d6";
const STORE_2 = "7a8b9c0d-7777-4aaa-8bbb-0000000000d7";
const GIN = "7a8b9c0d-8888-4aaa-8bbb-0000000000d8";
const LIME = "7a8b9c0d-9999-4aaa-8bbb-0000000000d9";

const T0 = Date.parse("2026-03-01T12:00:00.000Z");
const TIMEOUT_MS = 30_000;
const iso = (ms: number) => new Date(ms).toISOString();

const ITEMS = [
  { productId: GIN, storeId: STORE_1, price: 10.49, quantity: 4 },
  { productId: LIME, storeId: STORE_2, price: 0.1, quantity: 3 },
];
const TOTAL = 42.26; // 41.96 + 0.3, in cents

const DATA: CreateOrderData = createOrderData({ id: ORDER_ID, customerId: CUSTOMER_ID, paymentId: PAYMENT_ID, items: ITEMS });

// ---- a deterministic clock and id source --------------------------------------------------------

/** A fixed context whose ids are "cmd-1", "cmd-2", … and whose clock can be moved. */
class Clock {
  private n = 0;
  constructor(public now = T0) {}
  readonly newId = () => `cmd-${++this.n}`;
  /** The SagaContext at the current time (sharing the id counter). */
  get ctx(): SagaContext {
    return { now: this.now, newId: this.newId, timeoutMs: TIMEOUT_MS };
  }
  tick(ms = 1_000): this {
    this.now += ms;
    return this;
  }
}

let replies = 0;
/** A reply to the awaited command (override causationId / sagaName to make it stale). */
const replyTo = (
  state: SagaState<CreateOrderData>,
  outcome: "SUCCESS" | "FAILURE",
  name?: string,
  payload?: unknown,
  over: Partial<SagaReply> = {},
): SagaReply => ({
  messageId: `reply-${++replies}`,
  name: name ?? (outcome === "SUCCESS" ? "am.Success" : "am.Failure"),
  outcome,
  payload: payload ?? (outcome === "SUCCESS" ? {} : { code: 9, message: "boom" }),
  causationId: state.awaiting?.commandId ?? "none",
  sagaName: createOrderSagaName,
  ...over,
});
const success = (state: SagaState<CreateOrderData>) => replyTo(state, "SUCCESS");
const failure = (state: SagaState<CreateOrderData>, message = "boom") =>
  replyTo(state, "FAILURE", "am.Failure", { code: 9, message });
const listCreated = (state: SagaState<CreateOrderData>, id = LIST_ID, over: Partial<SagaReply> = {}) =>
  replyTo(state, "SUCCESS", "depotapi.CreatedShoppingListReply", { id }, over);

/** The reply each forward step answers with on the happy path. */
const happyReply = (state: SagaState<CreateOrderData>) => (state.step === 2 ? listCreated(state) : success(state));

/** Starts the saga and answers SUCCESS until the saga awaits `step` (1…5). */
function runTo(step: number, clock = new Clock()) {
  let t = startSaga(createOrderSaga, ORDER_ID, DATA, clock.ctx);
  while (t.state.step < step) t = onReply(createOrderSaga, t.state, happyReply(t.state), clock.tick().ctx);
  expect(t.state.awaiting?.step).toBe(step);
  return { t, clock };
}

/** A stale reply changes nothing but the history (and updatedAt). */
function expectUnchangedBut(after: SagaState<CreateOrderData>, before: SagaState<CreateOrderData>, entry: Partial<HistoryEntry>) {
  expect({ ...after, history: before.history, updatedAt: before.updatedAt }).toEqual(before);
  expect(after.history).toHaveLength(before.history.length + 1);
  expect(after.history.at(-1)).toMatchObject({ kind: "stale-reply", ...entry });
}

// ---- definition and data -----------------------------------------------------------------------

describe("createOrderSaga definition", () => {
  it("is named cosec.CreateOrder and replies on mallbots.cosec.replies.CreateOrder", () => {
    expect(createOrderSagaName).toBe("cosec.CreateOrder");
    expect(createOrderSaga.name).toBe("cosec.CreateOrder");
    expect(createOrderReplyChannel).toBe("mallbots.cosec.replies.CreateOrder");
    expect(createOrderSaga.replyChannel).toBe("mallbots.cosec.replies.CreateOrder");
    expect(createOrderSaga.steps).toHaveLength(6);
  });

  it("createOrderData builds {orderId, customerId, paymentId, shoppingId: \"\", items, total} with the total in cents", () => {
    expect(DATA).toStrictEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      paymentId: PAYMENT_ID,
      shoppingId: "",
      items: ITEMS,
      total: TOTAL,
    });
    expect(createOrderData({ id: "o", customerId: "c", paymentId: "p", items: [{ productId: "x", storeId: "s", price: 0.1, quantity: 3 }] }).total).toBe(0.3);
  });

  it.each([
    // step, forward command, compensation (with shoppingId = LIST_ID)
    [0, undefined, { name: "ordersapi.RejectOrder", payload: { id: ORDER_ID } }],
    [1, { name: "customersapi.AuthorizeCustomer", payload: { id: CUSTOMER_ID } }, undefined],
    [
      2,
      {
        name: "depotapi.CreateShoppingListCommand",
        payload: {
          orderId: ORDER_ID,
          items: [
            { productId: GIN, storeId: STORE_1, quantity: 4 },
            { productId: LIME, storeId: STORE_2, quantity: 3 },
          ],
        },
      },
      { name: "depotapi.CancelShoppingListCommand", payload: { id: LIST_ID } },
    ],
    [3, { name: "paymentsapi.ConfirmPayment", payload: { id: PAYMENT_ID, amount: TOTAL } }, undefined],
    [4, { name: "depotapi.InitiateShoppingCommand", payload: { id: LIST_ID } }, undefined],
    [5, { name: "ordersapi.ApproveOrder", payload: { id: ORDER_ID, shoppingId: LIST_ID } }, undefined],
  ] as const)("step %i: forward %j, compensation %j", (i, action, compensation) => {
    const step = createOrderSaga.steps[i]!;
    const data = { ...DATA, shoppingId: LIST_ID };
    expect(step.action?.(data)).toStrictEqual(action);
    expect(step.compensation?.(data)).toStrictEqual(compensation);
  });
});

// ---- start -------------------------------------------------------------------------------------

describe("startSaga", () => {
  it("sends customersapi.AuthorizeCustomer {id: customerId} at step 1 and awaits it until now + timeout", () => {
    const clock = new Clock();
    const { state, send } = startSaga(createOrderSaga, ORDER_ID, DATA, clock.ctx);
    expect(send).toStrictEqual([{ name: "customersapi.AuthorizeCustomer", payload: { id: CUSTOMER_ID }, id: "cmd-1" }]);
    expect(state).toStrictEqual({
      id: ORDER_ID,
      name: "cosec.CreateOrder",
      data: DATA,
      step: 1,
      compensating: false,
      done: false,
      status: "running",
      awaiting: { step: 1, command: "customersapi.AuthorizeCustomer", commandId: "cmd-1", deadline: T0 + TIMEOUT_MS },
      lastFailure: "",
      failureReason: "",
      history: [
        { at: iso(T0), step: 1, kind: "command", name: "customersapi.AuthorizeCustomer", outcome: "", messageId: "cmd-1" },
      ],
      createdAt: iso(T0),
      updatedAt: iso(T0),
    });
  });
});

// ---- advance -----------------------------------------------------------------------------------

describe("advance", () => {
  const base = startSaga(createOrderSaga, ORDER_ID, { ...DATA, shoppingId: LIST_ID }, new Clock().ctx).state;

  it.each([
    // from step, compensating → next step and command, or the final status
    [-1, false, 1, "customersapi.AuthorizeCustomer"],
    [1, false, 2, "depotapi.CreateShoppingListCommand"],
    [2, false, 3, "paymentsapi.ConfirmPayment"],
    [3, false, 4, "depotapi.InitiateShoppingCommand"],
    [4, false, 5, "ordersapi.ApproveOrder"],
    [5, false, "completed", null],
    [6, true, 2, "depotapi.CancelShoppingListCommand"], // skips 5, 4, 3: they have no compensation
    [5, true, 2, "depotapi.CancelShoppingListCommand"],
    [3, true, 2, "depotapi.CancelShoppingListCommand"],
    [2, true, 0, "ordersapi.RejectOrder"], // skips 1
    [1, true, 0, "ordersapi.RejectOrder"],
    [0, true, "compensated", null],
  ] as const)("from step %i (compensating %s) → %s %s", (step, compensating, next, command) => {
    const clock = new Clock(T0 + 5_000);
    const { state, send } = advance(createOrderSaga, { ...base, step, compensating, awaiting: null }, clock.ctx);
    if (typeof next === "number") {
      expect(state).toMatchObject({ step: next, done: false, compensating });
      expect(state.awaiting).toStrictEqual({ step: next, command, commandId: "cmd-1", deadline: T0 + 5_000 + TIMEOUT_MS });
      expect(send).toHaveLength(1);
      expect(send[0]).toMatchObject({ name: command, id: "cmd-1" });
      expect(state.history.at(-1)).toStrictEqual({
        at: iso(T0 + 5_000),
        step: next,
        kind: "command",
        name: command,
        outcome: "",
        messageId: "cmd-1",
      });
    } else {
      expect(send).toEqual([]);
      expect(state).toMatchObject({ step, done: true, status: next, awaiting: null, updatedAt: iso(T0 + 5_000) });
      expect(state.history).toEqual(base.history);
    }
  });
});

// ---- happy path --------------------------------------------------------------------------------

describe("onReply: happy path 1 → 2 → 3 → 4 → 5", () => {
  it.each([
    // the step answered, the reply, then the command sent next
    [1, "am.Success", {}, 2, { name: "depotapi.CreateShoppingListCommand", payload: { orderId: ORDER_ID, items: [{ productId: GIN, storeId: STORE_1, quantity: 4 }, { productId: LIME, storeId: STORE_2, quantity: 3 }] } }],
    [2, "depotapi.CreatedShoppingListReply", { id: LIST_ID }, 3, { name: "paymentsapi.ConfirmPayment", payload: { id: PAYMENT_ID, amount: TOTAL } }],
    [3, "am.Success", {}, 4, { name: "depotapi.InitiateShoppingCommand", payload: { id: LIST_ID } }],
    [4, "am.Success", {}, 5, { name: "ordersapi.ApproveOrder", payload: { id: ORDER_ID, shoppingId: LIST_ID } }],
  ] as const)("a SUCCESS %s at step %i → sends step %i's command", (step, name, payload, next, command) => {
    const { t, clock } = runTo(step);
    const reply = replyTo(t.state, "SUCCESS", name, payload);
    const { state, send } = onReply(createOrderSaga, t.state, reply, clock.tick(2_000).ctx);
    const id = `cmd-${next}`;
    expect(send).toStrictEqual([{ ...command, id }]);
    expect(state).toMatchObject({ step: next, status: "running", compensating: false, done: false, updatedAt: iso(clock.now) });
    expect(state.awaiting).toStrictEqual({ step: next, command: command.name, commandId: id, deadline: clock.now + TIMEOUT_MS });
    expect(state.history.slice(-2)).toStrictEqual([
      { at: iso(clock.now), step, kind: "reply", name, outcome: "SUCCESS", messageId: reply.messageId },
      { at: iso(clock.now), step: next, kind: "command", name: command.name, outcome: "", messageId: id },
    ]);
  });

  it("CreatedShoppingListReply sets shoppingId; other replies leave the data alone", () => {
    const { t: at2, clock } = runTo(2);
    expect(at2.state.data.shoppingId).toBe("");
    const at3 = onReply(createOrderSaga, at2.state, listCreated(at2.state), clock.ctx);
    expect(at3.state.data).toStrictEqual({ ...DATA, shoppingId: LIST_ID });
    const at4 = onReply(createOrderSaga, at3.state, success(at3.state), clock.ctx);
    expect(at4.state.data).toStrictEqual({ ...DATA, shoppingId: LIST_ID });
    // a plain am.Success at step 2 carries no id: shoppingId stays ""
    const plain = onReply(createOrderSaga, at2.state, success(at2.state), clock.ctx);
    expect(plain.state.data.shoppingId).toBe("");
  });

  it("the SUCCESS of step 5 completes the saga: done, completed, awaiting null, nothing sent", () => {
    const { t, clock } = runTo(5);
    const { state, send } = onReply(createOrderSaga, t.state, success(t.state), clock.tick().ctx);
    expect(send).toEqual([]);
    expect(state).toMatchObject({
      step: 5,
      done: true,
      status: "completed",
      compensating: false,
      awaiting: null,
      lastFailure: "",
      failureReason: "",
      data: { ...DATA, shoppingId: LIST_ID },
    });
  });

  it("records every command and reply in the history, with message ids", () => {
    const clock = new Clock();
    let t = startSaga(createOrderSaga, ORDER_ID, DATA, clock.ctx);
    const replyIds: string[] = [];
    while (!t.state.done) {
      const reply = happyReply(t.state);
      replyIds.push(reply.messageId);
      t = onReply(createOrderSaga, t.state, reply, clock.ctx);
    }
    expect(t.state.history.map(({ step, kind, name, outcome, messageId }) => [step, kind, name, outcome, messageId])).toEqual([
      [1, "command", "customersapi.AuthorizeCustomer", "", "cmd-1"],
      [1, "reply", "am.Success", "SUCCESS", replyIds[0]],
      [2, "command", "depotapi.CreateShoppingListCommand", "", "cmd-2"],
      [2, "reply", "depotapi.CreatedShoppingListReply", "SUCCESS", replyIds[1]],
      [3, "command", "paymentsapi.ConfirmPayment", "", "cmd-3"],
      [3, "reply", "am.Success", "SUCCESS", replyIds[2]],
      [4, "command", "depotapi.InitiateShoppingCommand", "", "cmd-4"],
      [4, "reply", "am.Success", "SUCCESS", replyIds[3]],
      [5, "command", "ordersapi.ApproveOrder", "", "cmd-5"],
      [5, "reply", "am.Success", "SUCCESS", replyIds[4]],
    ]);
    expect(t.state.history.every((h) => h.at === iso(T0))).toBe(true);
  });
});

// ---- failures and compensation -----------------------------------------------------------------

const REJECT = { name: "ordersapi.RejectOrder", payload: { id: ORDER_ID } };
const CANCEL_LIST = { name: "depotapi.CancelShoppingListCommand", payload: { id: LIST_ID } };

describe("onReply: a FAILURE runs the compensations backwards, skipping the failed step's own", () => {
  it.each([
    [1, [REJECT]],
    [2, [REJECT]],
    [3, [CANCEL_LIST, REJECT]],
    [4, [CANCEL_LIST, REJECT]],
    [5, [CANCEL_LIST, REJECT]],
  ] as const)("failure at step %i → %j → compensated", (failedStep, compensations) => {
    const { t, clock } = runTo(failedStep);
    const sentBefore = Number(t.state.awaiting!.commandId.slice(4));
    const shoppingId = failedStep >= 3 ? LIST_ID : "";

    let step = onReply(createOrderSaga, t.state, failure(t.state, "customer is not authorized"), clock.tick().ctx);
    for (const [k, command] of compensations.entries()) {
      const id = `cmd-${sentBefore + k + 1}`;
      const expectedStep = command.name === REJECT.name ? 0 : 2;
      expect(step.send).toStrictEqual([{ ...command, id }]);
      expect(step.state).toMatchObject({
        step: expectedStep,
        compensating: true,
        status: "compensating",
        done: false,
        lastFailure: "customer is not authorized",
        failureReason: "",
        awaiting: { step: expectedStep, command: command.name, commandId: id, deadline: clock.now + TIMEOUT_MS },
      });
      expect(step.state.data.shoppingId).toBe(shoppingId);
      step = onReply(createOrderSaga, step.state, success(step.state), clock.tick().ctx);
    }
    expect(step.send).toEqual([]);
    expect(step.state).toMatchObject({
      step: 0,
      done: true,
      compensating: true,
      status: "compensated",
      awaiting: null,
      lastFailure: "customer is not authorized",
      failureReason: "",
    });
  });

  it("records the failed reply in the history before the compensation", () => {
    const { t, clock } = runTo(3);
    const reply = failure(t.state, "payment cannot be confirmed");
    const { state } = onReply(createOrderSaga, t.state, reply, clock.ctx);
    expect(state.history.slice(-2)).toStrictEqual([
      { at: iso(clock.now), step: 3, kind: "reply", name: "am.Failure", outcome: "FAILURE", messageId: reply.messageId },
      { at: iso(clock.now), step: 2, kind: "command", name: "depotapi.CancelShoppingListCommand", outcome: "", messageId: "cmd-4" },
    ]);
  });

  it("does not run the step's reply handler on a FAILURE", () => {
    const { t, clock } = runTo(2);
    const reply = replyTo(t.state, "FAILURE", "depotapi.CreatedShoppingListReply", { id: LIST_ID, message: "nope" });
    const { state, send } = onReply(createOrderSaga, t.state, reply, clock.ctx);
    expect(state.data.shoppingId).toBe("");
    expect(send).toStrictEqual([{ ...REJECT, id: "cmd-3" }]);
    expect(state.lastFailure).toBe("nope");
  });

  it.each([
    ["a FAILURE reply", "boom-while-compensating"],
    ["a timeout", timedOutMessage],
  ])("%s while compensating → failed, done, nothing more sent", (how, message) => {
    const { t: at4, clock } = runTo(4);
    const cancel = onReply(createOrderSaga, at4.state, failure(at4.state, "the shopping list cannot be initiated"), clock.tick().ctx);
    expect(cancel.state.status).toBe("compensating");
    const result =
      how === "a timeout"
        ? onTimeout(createOrderSaga, cancel.state, clock.tick(TIMEOUT_MS).ctx)!
        : onReply(createOrderSaga, cancel.state, failure(cancel.state, message), clock.tick().ctx);
    expect(result.send).toEqual([]);
    expect(result.state).toMatchObject({
      step: 2,
      status: "failed",
      done: true,
      compensating: true,
      awaiting: null,
      failureReason: failedWhileCompensating,
      lastFailure: message,
    });
    expect(failedWhileCompensating).toBe("received failed reply but already compensating");
    // and it stays there: the alarm does nothing, replies are stale
    expect(onTimeout(createOrderSaga, result.state, clock.tick(10 * TIMEOUT_MS).ctx)).toBeNull();
    const late = onReply(createOrderSaga, result.state, replyTo(result.state, "SUCCESS", "am.Success", {}, { causationId: cancel.state.awaiting!.commandId }), clock.ctx);
    expect(late.send).toEqual([]);
    expectUnchangedBut(late.state, result.state, { name: "am.Success" });
  });

  it("a FAILURE of the final RejectOrder also ends failed", () => {
    const { t: at1, clock } = runTo(1);
    const reject = onReply(createOrderSaga, at1.state, failure(at1.state, "customer with that ID does not exist"), clock.ctx);
    const { state, send } = onReply(createOrderSaga, reject.state, failure(reject.state, "the order cannot be rejected"), clock.ctx);
    expect(send).toEqual([]);
    expect(state).toMatchObject({
      step: 0,
      status: "failed",
      done: true,
      failureReason: failedWhileCompensating,
      lastFailure: "the order cannot be rejected",
    });
  });
});

// ---- stale replies -----------------------------------------------------------------------------

describe("onReply: stale replies change nothing but the history", () => {
  const at3 = () => runTo(3);

  it.each([
    ["a wrong causationId", "SUCCESS", (s: SagaState<CreateOrderData>) => replyTo(s, "SUCCESS", "am.Success", {}, { causationId: "cmd-2" })],
    ["an unknown causationId (FAILURE)", "FAILURE", (s: SagaState<CreateOrderData>) => replyTo(s, "FAILURE", "am.Failure", { code: 3, message: "x" }, { causationId: "other" })],
    ["a wrong saga name", "SUCCESS", (s: SagaState<CreateOrderData>) => replyTo(s, "SUCCESS", "am.Success", {}, { sagaName: "cosec.Other" })],
    ["a wrong saga name (FAILURE)", "FAILURE", (s: SagaState<CreateOrderData>) => replyTo(s, "FAILURE", "am.Failure", { code: 3, message: "x" }, { sagaName: "" })],
  ] as const)("%s", (_, outcome, make) => {
    const { t, clock } = at3();
    const reply = make(t.state);
    const { state, send } = onReply(createOrderSaga, t.state, reply, clock.tick(500).ctx);
    expect(send).toEqual([]);
    expectUnchangedBut(state, t.state, { step: 3, name: reply.name, outcome, messageId: reply.messageId, at: iso(clock.now) });
  });

  it.each(["completed", "compensated"] as const)("a reply to a %s saga (done), even one with the last causationId", (status) => {
    const { t: at5, clock } = runTo(5);
    let done: Transition<CreateOrderData>;
    if (status === "completed") {
      done = onReply(createOrderSaga, at5.state, success(at5.state), clock.ctx);
    } else {
      const reject = onReply(createOrderSaga, at5.state, failure(at5.state), clock.ctx);
      const cancel = onReply(createOrderSaga, reject.state, success(reject.state), clock.ctx);
      done = onReply(createOrderSaga, cancel.state, success(cancel.state), clock.ctx);
    }
    expect(done.state).toMatchObject({ done: true, status });
    const lastCommand = done.state.history.filter((h) => h.kind === "command").at(-1)!.messageId;
    for (const outcome of ["SUCCESS", "FAILURE"] as const) {
      const reply = replyTo(done.state, outcome, undefined, undefined, { causationId: lastCommand });
      const { state, send } = onReply(createOrderSaga, done.state, reply, clock.ctx);
      expect(send).toEqual([]);
      expectUnchangedBut(state, done.state, { name: reply.name, outcome, messageId: reply.messageId });
    }
  });

  it("a duplicate of the awaited reply is stale the second time", () => {
    const { t, clock } = runTo(1);
    const reply = success(t.state);
    const first = onReply(createOrderSaga, t.state, reply, clock.ctx);
    expect(first.state.step).toBe(2);
    const again = onReply(createOrderSaga, first.state, reply, clock.ctx);
    expect(again.send).toEqual([]);
    expectUnchangedBut(again.state, first.state, { messageId: reply.messageId });
  });

  describe("a stale SUCCESS depotapi.CreatedShoppingListReply", () => {
    it("whose id = shoppingId sends nothing (a redelivered reply)", () => {
      const { t, clock } = at3();
      const stale = listCreated(t.state, LIST_ID, { causationId: "cmd-2" });
      const { state, send } = onReply(createOrderSaga, t.state, stale, clock.ctx);
      expect(send).toEqual([]);
      expectUnchangedBut(state, t.state, { name: "depotapi.CreatedShoppingListReply", outcome: "SUCCESS" });
    });

    it("whose id ≠ shoppingId sends depotapi.CancelShoppingListCommand {id}, not awaited", () => {
      const { t, clock } = at3();
      const stale = listCreated(t.state, ORPHAN_LIST_ID, { causationId: "old" });
      const { state, send } = onReply(createOrderSaga, t.state, stale, clock.ctx);
      expect(send).toStrictEqual([{ name: "depotapi.CancelShoppingListCommand", payload: { id: ORPHAN_LIST_ID }, id: "cmd-4" }]);
      expectUnchangedBut(state, t.state, { name: "depotapi.CreatedShoppingListReply", outcome: "SUCCESS" });
      expect(state.awaiting).toStrictEqual(t.state.awaiting);
    });

    it("arriving after step 2 timed out cancels the orphan list; the awaited RejectOrder stays awaited", () => {
      const { t: at2, clock } = runTo(2);
      const lateCommand = at2.state.awaiting!.commandId;
      const timedOut = onTimeout(createOrderSaga, at2.state, clock.tick(TIMEOUT_MS).ctx)!;
      expect(timedOut.send).toStrictEqual([{ ...REJECT, id: "cmd-3" }]);
      const late = listCreated(timedOut.state, LIST_ID, { causationId: lateCommand });
      const { state, send } = onReply(createOrderSaga, timedOut.state, late, clock.tick().ctx);
      expect(send).toStrictEqual([{ name: "depotapi.CancelShoppingListCommand", payload: { id: LIST_ID }, id: "cmd-4" }]);
      expectUnchangedBut(state, timedOut.state, { step: 0, name: "depotapi.CreatedShoppingListReply", messageId: late.messageId });
      expect(state.data.shoppingId).toBe("");
      expect(state.awaiting).toMatchObject({ step: 0, command: "ordersapi.RejectOrder", commandId: "cmd-3" });
    });

    it("arriving after the saga was compensated still cancels the orphan list", () => {
      const { t: at2, clock } = runTo(2);
      const lateCommand = at2.state.awaiting!.commandId;
      const timedOut = onTimeout(createOrderSaga, at2.state, clock.tick(TIMEOUT_MS).ctx)!;
      const compensated = onReply(createOrderSaga, timedOut.state, success(timedOut.state), clock.ctx);
      expect(compensated.state).toMatchObject({ done: true, status: "compensated" });
      const { state, send } = onReply(createOrderSaga, compensated.state, listCreated(compensated.state, ORPHAN_LIST_ID, { causationId: lateCommand }), clock.ctx);
      expect(send).toStrictEqual([{ name: "depotapi.CancelShoppingListCommand", payload: { id: ORPHAN_LIST_ID }, id: "cmd-4" }]);
      expect(state).toMatchObject({ done: true, status: "compensated", awaiting: null });
    });

    it("with outcome FAILURE sends nothing", () => {
      const { t, clock } = at3();
      const stale = replyTo(t.state, "FAILURE", "depotapi.CreatedShoppingListReply", { id: ORPHAN_LIST_ID }, { causationId: "old" });
      const { state, send } = onReply(createOrderSaga, t.state, stale, clock.ctx);
      expect(send).toEqual([]);
      expectUnchangedBut(state, t.state, { outcome: "FAILURE" });
    });

    it("other stale SUCCESS replies send nothing", () => {
      const { t, clock } = at3();
      const stale = replyTo(t.state, "SUCCESS", "am.Success", { id: ORPHAN_LIST_ID }, { causationId: "old" });
      expect(onReply(createOrderSaga, t.state, stale, clock.ctx).send).toEqual([]);
    });
  });
});

// ---- timeouts ----------------------------------------------------------------------------------

describe("onTimeout", () => {
  it.each([
    ["1 ms before the deadline", TIMEOUT_MS - 1, false],
    ["at the deadline", TIMEOUT_MS, true],
    ["after the deadline", TIMEOUT_MS + 60_000, true],
  ] as const)("%s → %s", (_, elapsed, fires) => {
    const { t, clock } = runTo(3);
    const awaited = t.state.awaiting!;
    expect(awaited.deadline).toBe(clock.now + TIMEOUT_MS);
    const result = onTimeout(createOrderSaga, t.state, clock.tick(elapsed).ctx);
    if (!fires) {
      expect(result).toBeNull();
      return;
    }
    expect(result!.send).toStrictEqual([{ ...CANCEL_LIST, id: "cmd-4" }]);
    expect(result!.state).toMatchObject({
      step: 2,
      status: "compensating",
      compensating: true,
      done: false,
      lastFailure: "the saga step timed out",
      failureReason: "",
      awaiting: { step: 2, command: CANCEL_LIST.name, commandId: "cmd-4", deadline: clock.now + TIMEOUT_MS },
    });
    expect(timedOutMessage).toBe("the saga step timed out");
    expect(result!.state.history.slice(-2)).toStrictEqual([
      { at: iso(clock.now), step: 3, kind: "timeout", name: "paymentsapi.ConfirmPayment", outcome: "FAILURE", messageId: awaited.commandId },
      { at: iso(clock.now), step: 2, kind: "command", name: CANCEL_LIST.name, outcome: "", messageId: "cmd-4" },
    ]);
  });

  it.each([1, 2])("a timeout at step %i sends RejectOrder", (step) => {
    const { t, clock } = runTo(step);
    const { state, send } = onTimeout(createOrderSaga, t.state, clock.tick(TIMEOUT_MS).ctx)!;
    expect(send).toStrictEqual([{ ...REJECT, id: `cmd-${step + 1}` }]);
    expect(state).toMatchObject({ step: 0, status: "compensating", lastFailure: timedOutMessage });
  });

  it("a reply arriving after its step timed out is stale", () => {
    const { t, clock } = runTo(4);
    const late = success(t.state);
    const timedOut = onTimeout(createOrderSaga, t.state, clock.tick(TIMEOUT_MS).ctx)!;
    const { state, send } = onReply(createOrderSaga, timedOut.state, late, clock.ctx);
    expect(send).toEqual([]);
    expectUnchangedBut(state, timedOut.state, { step: 2, messageId: late.messageId });
  });

  it("does nothing on a done saga", () => {
    const { t, clock } = runTo(5);
    const done = onReply(createOrderSaga, t.state, success(t.state), clock.ctx);
    expect(onTimeout(createOrderSaga, done.state, clock.tick(10 * TIMEOUT_MS).ctx)).toBeNull();
  });
});
