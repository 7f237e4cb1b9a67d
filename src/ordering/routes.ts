import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { unwrap } from "../kernel/errors";
import { body, list, money, quantity, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { type Order, type OrderCommand, orderView } from "./domain";

const tag = "ordering";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const order = (env: Env, id: string) => aggregate<OrderCommand, Order>(env.ORDER, id);

const itemFields = { storeId: text(), productId: text(), storeName: text(), productName: text(), price: money(), quantity: quantity() };
const itemSchema = z.object({
  storeId: z.string(),
  productId: z.string(),
  storeName: z.string(),
  productName: z.string(),
  price: z.number(),
  quantity: z.number().int(),
});

export const orderingRoutes = [
  route({
    method: "post",
    path: "/api/ordering",
    operationId: "createOrder",
    tag,
    summary: "Create an order (the create-order saga starts asynchronously)",
    body: body({ items: list(body(itemFields)), customerId: text(), paymentId: text() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { items, customerId, paymentId } }) => {
      const id = crypto.randomUUID();
      unwrap(await order(c.env, id).execute({ type: "CreateOrder", customerId, paymentId, items }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/ordering/{id}",
    operationId: "getOrder",
    tag,
    summary: "Get an order with its total (strongly consistent)",
    response: z.object({
      order: z.object({
        id: z.string(),
        customerId: z.string(),
        paymentId: z.string(),
        shoppingId: z.string(),
        invoiceId: z.string(),
        items: z.array(itemSchema),
        total: z.number(),
        status: z.string(),
      }),
    }),
    handle: async (c, { params }) => ({ order: orderView(unwrap(await order(c.env, params.id!).get())) }),
  }),
  command({
    method: "delete",
    path: "/api/ordering/{id}",
    operationId: "cancelOrder",
    tag,
    summary: "Cancel a pending order",
    target: order,
    command: () => ({ type: "CancelOrder" }),
  }),
];
