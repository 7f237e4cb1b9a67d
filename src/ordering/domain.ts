import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, invalid } from "../kernel/errors";
import { type orderEvents, type orderItemSchema, type orderSchema, type ordersApi, orderTotal } from "./contract";

export { orderTotal } from "./contract";
export type OrderItem = z.infer<typeof orderItemSchema>;

export type OrderStatus = "" | "pending" | "approved" | "rejected" | "ready" | "completed" | "cancelled";

export interface Order {
  id: string;
  customerId: string;
  paymentId: string;
  shoppingId: string;
  invoiceId: string;
  items: OrderItem[];
  status: OrderStatus;
  version: number;
}

export type OrderCommand =
  | { type: "CreateOrder"; customerId: string; paymentId: string; items: OrderItem[] }
  | { type: "ApproveOrder"; shoppingId: string }
  | { type: "RejectOrder" }
  | { type: "CancelOrder" }
  | { type: "ReadyOrder"; shoppingId: string }
  | { type: "CompleteOrder"; invoiceId: string };

export type OrderEvent = EventsOf<typeof orderEvents>;

export const orderNotFound = entityNotFound("order");

const blank = (s: string) => s.trim() === "";
const precondition = (message: string) => new DomainError(Code.FailedPrecondition, message);

export const orderDecider: Decider<OrderCommand, OrderEvent, Order> = {
  initialState: (id) => ({ id, customerId: "", paymentId: "", shoppingId: "", invoiceId: "", items: [], status: "", version: 0 }),

  decide(command, order) {
    const exists = order.version > 0;
    if (command.type === "CreateOrder") {
      if (exists) throw invalid("create order command: the order cannot be recreated");
      if (command.items.length === 0) throw invalid("create order command: the order has no items");
      if (blank(command.customerId)) throw invalid("create order command: the customer id cannot be blank");
      if (blank(command.paymentId)) throw invalid("create order command: the payment id cannot be blank");
      const { customerId, paymentId, items } = command;
      return [{ name: "ordering.OrderCreated", payload: { customerId, paymentId, shoppingId: "", items } }];
    }
    // ReadyOrder comes from an event: a missing order is ignored, not an error (SPEC §3.4)
    if (command.type === "ReadyOrder") {
      if (!exists) return [];
      switch (order.status) {
        case "ready":
        case "completed":
        case "rejected":
        case "cancelled":
          return [];
        case "pending":
          throw precondition("the order cannot be readied");
        default:
          if (command.shoppingId !== order.shoppingId) return [];
          return [
            {
              name: "ordering.OrderReadied",
              payload: { customerId: order.customerId, paymentId: order.paymentId, total: orderTotal(order.items) },
            },
          ];
      }
    }
    if (!exists) throw DomainError.from(orderNotFound);
    switch (command.type) {
      case "ApproveOrder":
        if (order.status === "approved") return [];
        if (order.status !== "pending") throw precondition("the order cannot be approved");
        return [{ name: "ordering.OrderApproved", payload: { shoppingId: command.shoppingId } }];
      case "RejectOrder":
        if (order.status === "rejected" || order.status === "cancelled") return [];
        if (order.status !== "pending") throw precondition("the order cannot be rejected");
        return [{ name: "ordering.OrderRejected", payload: {} }];
      case "CancelOrder":
        if (order.status !== "pending") throw invalid("the order cannot be cancelled");
        return [{ name: "ordering.OrderCanceled", payload: { customerId: order.customerId, paymentId: order.paymentId } }];
      case "CompleteOrder":
        if (order.status === "completed") return [];
        if (order.status !== "ready") throw precondition("the order cannot be completed");
        return [{ name: "ordering.OrderCompleted", payload: { customerId: order.customerId, invoiceId: command.invoiceId } }];
    }
  },

  evolve(order, event) {
    switch (event.name) {
      case "ordering.OrderCreated":
        return { ...order, ...event.payload, status: "pending" };
      case "ordering.OrderApproved":
        return { ...order, shoppingId: event.payload.shoppingId, status: "approved" };
      case "ordering.OrderRejected":
        return { ...order, status: "rejected" };
      case "ordering.OrderCanceled":
        return { ...order, status: "cancelled" };
      case "ordering.OrderReadied":
        return { ...order, status: "ready" };
      case "ordering.OrderCompleted":
        return { ...order, invoiceId: event.payload.invoiceId, status: "completed" };
    }
  },
};

export const orderType = aggregateType<OrderCommand, OrderEvent, Order, MessagesOf<typeof ordersApi>>({
  name: "ordering.Order",
  entity: "order",
  decider: orderDecider,
  publish(event, order) {
    const { id, customerId, paymentId } = order;
    switch (event.name) {
      case "ordering.OrderCreated":
        return [
          {
            name: "ordersapi.OrderCreated",
            payload: {
              id,
              customerId,
              paymentId,
              shoppingId: "",
              items: order.items.map((i) => ({ productId: i.productId, storeId: i.storeId, price: i.price, quantity: i.quantity })),
            },
          },
        ];
      case "ordering.OrderApproved":
        return [{ name: "ordersapi.OrderApproved", payload: { id, customerId, paymentId, shoppingId: order.shoppingId } }];
      case "ordering.OrderRejected":
        return [{ name: "ordersapi.OrderRejected", payload: { id, customerId, paymentId } }];
      case "ordering.OrderCanceled":
        return [{ name: "ordersapi.OrderCanceled", payload: { id, customerId, paymentId } }];
      case "ordering.OrderReadied":
        return [{ name: "ordersapi.OrderReadied", payload: { id, customerId, paymentId, total: event.payload.total } }];
      case "ordering.OrderCompleted":
        return [{ name: "ordersapi.OrderCompleted", payload: { id, customerId, invoiceId: order.invoiceId } }];
    }
  },
});

export const orderView = (o: Order): z.infer<typeof orderSchema> => ({
  id: o.id,
  customerId: o.customerId,
  paymentId: o.paymentId,
  shoppingId: o.shoppingId,
  invoiceId: o.invoiceId,
  items: o.items,
  total: orderTotal(o.items),
  status: o.status,
});
