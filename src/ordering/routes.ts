import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, id, list, maxLength, money, quantity, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { orderSchema } from "./contract";
import { orderNotFound, orderView } from "./domain";

const tag = "ordering";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const orderCommand = longIdsUnknown(orderNotFound, command((env) => env.ORDER));

/** Store and product names take the limit of the names they copy. */
const itemFields = {
  storeId: id(),
  productId: id(),
  storeName: text(maxLength.name),
  productName: text(maxLength.name),
  price: money(),
  quantity: quantity(),
};

export const orderingRoutes = [
  route({
    method: "post",
    path: "/api/ordering",
    operationId: "createOrder",
    tag,
    summary: "Create an order (the create-order saga starts asynchronously)",
    body: body({ items: list(body(itemFields)), customerId: id(), paymentId: id() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { items, customerId, paymentId } }) => {
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.ORDER, id).execute({ type: "CreateOrder", customerId, paymentId, items }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/ordering/{id}",
    operationId: "getOrder",
    tag,
    summary: "Get an order with its total (strongly consistent)",
    response: z.object({ order: orderSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(orderNotFound);
      return { order: orderView(unwrap(await aggregate(c.env.ORDER, params.id).get())) };
    },
  }),
  orderCommand({
    method: "delete",
    path: "/api/ordering/{id}",
    operationId: "cancelOrder",
    errors: [400], // the order cannot be cancelled
    tag,
    summary: "Cancel a pending order",
    command: () => ({ type: "CancelOrder" }),
  }),
];
