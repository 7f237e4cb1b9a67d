import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { eventually, inObject, stubOf } from "./helpers";

const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await SELF.fetch(`http://mallbots${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as any;
};

/**
 * SPEC §5.1: the checkout's request id is the correlation id of everything it causes — the order's
 * events, the saga's commands and the replies — and causation ids chain message to message.
 * Runs on the real queues of the test runtime.
 */
it("carries the checkout's request id as correlation id through the order, the saga and its replies", async () => {
  const { id: storeId } = await api("POST", "/api/stores", { name: "Corr", location: "L" });
  const { id: productId } = await api("POST", `/api/stores/${storeId}/products`, { name: "P", price: 2 });
  const { id: customerId } = await api("POST", "/api/customers", { name: "Ann", smsNumber: "555" });
  const { id: basketId } = await api("POST", "/api/baskets", { customerId });
  await api("PUT", `/api/baskets/${basketId}/addItem`, { productId, quantity: 1 });
  const { id: paymentId } = await api("POST", "/api/payments", { customerId, amount: 2 });
  const requestId = `checkout-${crypto.randomUUID()}`;
  await api("PUT", `/api/baskets/${basketId}/checkout`, { paymentId }, { "x-request-id": requestId });

  const order = await eventually(async () => {
    const got = await api("GET", `/api/ordering/${basketId}`);
    return got.order?.status === "approved" ? got.order : undefined;
  }, 20_000);
  expect(order.paymentId).toBe(paymentId);

  const basketEvents = await api("GET", `/api/admin/streams/baskets.Basket/${basketId}/events`, undefined, {
    authorization: "Bearer test-admin-token",
  });
  const checkedOut = basketEvents.events.at(-1);
  expect(checkedOut.metadata).toEqual({ correlationId: requestId, causationId: requestId });

  const orderEvents = await api("GET", `/api/admin/streams/ordering.Order/${basketId}/events`, undefined, {
    authorization: "Bearer test-admin-token",
  });
  expect(orderEvents.events.map((e: { name: string }) => e.name)).toEqual(["ordering.OrderCreated", "ordering.OrderApproved"]);
  for (const e of orderEvents.events) expect(e.metadata.correlationId).toBe(requestId);

  const sent = await inObject(stubOf(env.CREATE_ORDER_SAGA, basketId), (_, state) =>
    state.storage.sql.exec<{ message_id: string; name: string; metadata: string }>("SELECT message_id, name, metadata FROM outbox ORDER BY rowid").toArray(),
  );
  expect(sent.map((m) => m.name)).toEqual([
    "customersapi.AuthorizeCustomer",
    "depotapi.CreateShoppingListCommand",
    "paymentsapi.ConfirmPayment",
    "depotapi.InitiateShoppingCommand",
    "ordersapi.ApproveOrder",
  ]);
  for (const m of sent) expect(JSON.parse(m.metadata)).toMatchObject({ correlationId: requestId, COMMAND_SAGA_ID: basketId });

  const saga = await api("GET", `/api/admin/sagas/${basketId}`, undefined, { authorization: "Bearer test-admin-token" });
  const commandIds = saga.saga.history.filter((h: { kind: string }) => h.kind === "command").map((h: { messageId: string }) => h.messageId);
  expect(commandIds).toEqual(sent.map((m) => m.message_id));
  // each command after the first was caused by the reply to the one before it
  const causes = sent.map((m) => JSON.parse(m.metadata).causationId as string);
  const replies = saga.saga.history.filter((h: { kind: string }) => h.kind === "reply").map((h: { messageId: string }) => h.messageId);
  expect(causes.slice(1)).toEqual(replies.slice(0, 4));
});
