import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, id, quantity } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { basketSchema } from "./contract";
import { basketNotFound, basketView } from "./domain";
import { lookupProduct } from "./readmodel";

const tag = "baskets";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const basketCommand = longIdsUnknown(basketNotFound, command((env) => env.BASKET));
const emptyResponse = z.object({});

export const basketsRoutes = [
  route({
    method: "post",
    path: "/api/baskets",
    operationId: "startBasket",
    tag,
    summary: "Start a basket for a customer",
    body: body({ customerId: id() }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { customerId } }) => {
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.BASKET, id).execute({ type: "StartBasket", customerId }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/baskets/{id}",
    operationId: "getBasket",
    tag,
    summary: "Get a basket (strongly consistent)",
    response: z.object({ basket: basketSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(basketNotFound);
      return { basket: basketView(unwrap(await aggregate(c.env.BASKET, params.id).get())) };
    },
  }),
  basketCommand({
    method: "delete",
    path: "/api/baskets/{id}",
    operationId: "cancelBasket",
    errors: [400], // the basket cannot be cancelled
    tag,
    summary: "Cancel an open basket",
    command: () => ({ type: "CancelBasket" }),
  }),
  route({
    method: "put",
    path: "/api/baskets/{id}/addItem",
    operationId: "addItem",
    writes: true,
    tag,
    summary: "Add a quantity of a product; the line keeps the names and price of its first addition",
    body: body({ productId: id(), quantity: quantity() }),
    response: emptyResponse,
    handle: async (c, { params, body: { productId, quantity } }) => {
      // the basket's existence is checked first (SPEC §3.2), so an unknown basket needs no lookup
      if (tooLongForAnId(params.id)) throw DomainError.from(basketNotFound);
      const product = await lookupProduct(c.env, productId, causeOf(c));
      unwrap(await aggregate(c.env.BASKET, params.id).execute({ type: "AddItem", product, quantity }, causeOf(c)));
      return {};
    },
  }),
  route({
    method: "put",
    path: "/api/baskets/{id}/removeItem",
    operationId: "removeItem",
    writes: true,
    tag,
    summary: "Remove a quantity of a product; a line reaching 0 disappears",
    body: body({ productId: id(), quantity: quantity() }),
    response: emptyResponse,
    handle: async (c, { params, body: { productId, quantity } }) => {
      const product = await lookupProduct(c.env, productId, causeOf(c), { withStore: false });
      // the product is checked before the basket's existence (SPEC §3.2)
      if (tooLongForAnId(params.id)) throw DomainError.from(product.ok ? basketNotFound : product.error);
      unwrap(await aggregate(c.env.BASKET, params.id).execute({ type: "RemoveItem", productId, product, quantity }, causeOf(c)));
      return {};
    },
  }),
  basketCommand({
    method: "put",
    path: "/api/baskets/{id}/checkout",
    operationId: "checkoutBasket",
    tag,
    summary: "Check the basket out with an authorized payment; the order is created asynchronously",
    body: body({ paymentId: id() }),
    command: ({ paymentId }) => ({ type: "CheckoutBasket", paymentId }),
  }),
];
