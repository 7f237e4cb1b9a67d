import { orderTotal } from "../ordering/contract";
import type { SagaDefinition } from "../kernel/saga";

/** The create-order saga (SPEC §4): data, steps, commands, compensations. */
export interface CreateOrderData {
  orderId: string;
  customerId: string;
  paymentId: string;
  shoppingId: string;
  items: { productId: string; storeId: string; price: number; quantity: number }[];
  total: number;
}

export const createOrderSagaName = "cosec.CreateOrder";
export const createOrderReplyChannel = "mallbots.cosec.replies.CreateOrder";

export function createOrderData(order: { id: string; customerId: string; paymentId: string; items: CreateOrderData["items"] }): CreateOrderData {
  return {
    orderId: order.id,
    customerId: order.customerId,
    paymentId: order.paymentId,
    shoppingId: "",
    items: order.items,
    total: orderTotal(order.items),
  };
}

const cancelList = (id: string) => ({ name: "depotapi.CancelShoppingListCommand", payload: { id } });

export const createOrderSaga: SagaDefinition<CreateOrderData> = {
  name: createOrderSagaName,
  replyChannel: createOrderReplyChannel,
  steps: [
    { compensation: (d) => ({ name: "ordersapi.RejectOrder", payload: { id: d.orderId } }) },
    { action: (d) => ({ name: "customersapi.AuthorizeCustomer", payload: { id: d.customerId } }) },
    {
      action: (d) => ({
        name: "depotapi.CreateShoppingListCommand",
        payload: { orderId: d.orderId, items: d.items.map((i) => ({ productId: i.productId, storeId: i.storeId, quantity: i.quantity })) },
      }),
      onReply: { "depotapi.CreatedShoppingListReply": (d, payload) => ({ ...d, shoppingId: (payload as { id: string }).id }) },
      compensation: (d) => cancelList(d.shoppingId),
    },
    { action: (d) => ({ name: "paymentsapi.ConfirmPayment", payload: { id: d.paymentId, amount: d.total } }) },
    { action: (d) => ({ name: "depotapi.InitiateShoppingCommand", payload: { id: d.shoppingId } }) },
    { action: (d) => ({ name: "ordersapi.ApproveOrder", payload: { id: d.orderId, shoppingId: d.shoppingId } }) },
  ],
  // a list created after its step timed out would be orphaned: cancel it (SPEC §4.2 3.1)
  onStaleReply(data, reply) {
    if (reply.name !== "depotapi.CreatedShoppingListReply") return undefined;
    const id = (reply.payload as { id?: string }).id;
    return id && id !== data.shoppingId ? cancelList(id) : undefined;
  },
};
