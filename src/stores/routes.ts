import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, empty, maxLength, money, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { productSchema, storeSchema } from "./contract";
import { productNotFound, productView, storeNotFound, storeView } from "./domain";
import { listCatalog, listStores } from "./readmodel";

const tag = "stores";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const storeCommand = longIdsUnknown(storeNotFound, command((env) => env.STORE));
const productCommand = longIdsUnknown(productNotFound, command((env) => env.PRODUCT));

const idResponse = z.object({ id: z.string() });

const priceChange = (operationId: string, direction: "increase" | "decrease") =>
  productCommand({
    method: "put",
    path: `/api/stores/products/{id}/${direction}Price`,
    operationId,
    tag,
    summary: `${direction === "increase" ? "Increase" : "Decrease"} a product's price to the given new price`,
    body: body({ price: money() }),
    command: ({ price }) =>
      direction === "increase" ? { type: "IncreaseProductPrice", price } : { type: "DecreaseProductPrice", price },
  });

/** Literal paths come before parameter paths (SPEC §2.4). */
export const storesRoutes = [
  route({
    method: "get",
    path: "/api/stores",
    operationId: "getStores",
    tag,
    summary: "List all stores, oldest first (read model)",
    response: z.object({ stores: z.array(storeSchema) }),
    handle: async (c) => ({ stores: await listStores(c.env.STORES_DB, false) }),
  }),
  route({
    method: "get",
    path: "/api/stores/participating",
    operationId: "getParticipatingStores",
    tag,
    summary: "List participating stores, oldest first (read model)",
    response: z.object({ stores: z.array(storeSchema) }),
    handle: async (c) => ({ stores: await listStores(c.env.STORES_DB, true) }),
  }),
  route({
    method: "post",
    path: "/api/stores",
    operationId: "createStore",
    tag,
    summary: "Create a store",
    body: body({ name: text(maxLength.name), location: text(maxLength.location) }),
    response: idResponse,
    handle: async (c, { body: { name, location } }) => {
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.STORE, id).execute({ type: "CreateStore", name, location }, causeOf(c)));
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/stores/products/{id}",
    operationId: "getProduct",
    tag,
    summary: "Get a product (strongly consistent)",
    response: z.object({ product: productSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(productNotFound);
      return { product: productView(unwrap(await aggregate(c.env.PRODUCT, params.id).get())) };
    },
  }),
  productCommand({
    method: "put",
    path: "/api/stores/products/{id}/rebrand",
    operationId: "rebrandProduct",
    tag,
    summary: "Rename a product and change its description",
    body: body({ name: text(maxLength.name), description: text(maxLength.description) }),
    command: ({ name, description }) => ({ type: "RebrandProduct", name, description }),
  }),
  priceChange("increaseProductPrice", "increase"),
  priceChange("decreaseProductPrice", "decrease"),
  productCommand({
    method: "delete",
    path: "/api/stores/products/{id}",
    operationId: "removeProduct",
    tag,
    summary: "Remove a product from its store's catalog",
    command: () => ({ type: "RemoveProduct" }),
  }),
  route({
    method: "get",
    path: "/api/stores/{id}",
    operationId: "getStore",
    tag,
    summary: "Get a store (strongly consistent)",
    response: z.object({ store: storeSchema }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw DomainError.from(storeNotFound);
      return { store: storeView(unwrap(await aggregate(c.env.STORE, params.id).get())) };
    },
  }),
  storeCommand({
    method: "put",
    path: "/api/stores/{id}/participating",
    operationId: "enableParticipation",
    tag,
    summary: "Mark a store as participating",
    body: empty(),
    command: () => ({ type: "EnableParticipation" }),
  }),
  storeCommand({
    method: "delete",
    path: "/api/stores/{id}/participating",
    operationId: "disableParticipation",
    errors: [400], // already not participating
    tag,
    summary: "Mark a store as not participating",
    command: () => ({ type: "DisableParticipation" }),
  }),
  storeCommand({
    method: "put",
    path: "/api/stores/{id}/rebrand",
    operationId: "rebrandStore",
    tag,
    summary: "Rename a store",
    body: body({ name: text(maxLength.name) }),
    command: ({ name }) => ({ type: "RebrandStore", name }),
  }),
  route({
    method: "get",
    path: "/api/stores/{storeId}/products",
    operationId: "getStoreProducts",
    emptyForUnknownIds: true,
    tag,
    summary: "List a store's products, oldest first (read model; unknown store → empty list)",
    response: z.object({ products: z.array(productSchema) }),
    handle: async (c, { params }) => ({ products: await listCatalog(c.env.STORES_DB, params.storeId) }),
  }),
  route({
    method: "post",
    path: "/api/stores/{storeId}/products",
    operationId: "addProduct",
    tag,
    summary: "Add a product to a store",
    body: body({ name: text(maxLength.name), description: text(maxLength.description), sku: text(maxLength.sku), price: money() }),
    response: idResponse,
    handle: async (c, { params, body: input }) => {
      const storeId = params.storeId;
      const owner = tooLongForAnId(storeId) ? undefined : unwrap(await aggregate(c.env.STORE, storeId).snapshot());
      if (!owner?.exists) throw DomainError.from(storeNotFound);
      const id = crypto.randomUUID();
      unwrap(await aggregate(c.env.PRODUCT, id).execute({ type: "AddProduct", storeId, ...input }, causeOf(c)));
      return { id };
    },
  }),
];
