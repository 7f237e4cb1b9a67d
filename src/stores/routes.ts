import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, unwrap } from "../kernel/errors";
import { body, empty, money, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import {
  type Product,
  type ProductCommand,
  productView,
  type Store,
  type StoreCommand,
  storeNotFound,
  storeView,
} from "./domain";
import { listCatalog, listStores } from "./readmodel";

const tag = "stores";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const store = (env: Env, id: string) => aggregate<StoreCommand, Store>(env.STORE, id);
const product = (env: Env, id: string) => aggregate<ProductCommand, Product>(env.PRODUCT, id);

const idResponse = z.object({ id: z.string() });
const storeSchema = z.object({ id: z.string(), name: z.string(), location: z.string(), participating: z.boolean() });
const productSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  description: z.string(),
  sku: z.string(),
  price: z.number(),
});

const priceChange = (operationId: string, direction: "increase" | "decrease") =>
  command({
    method: "put",
    path: `/api/stores/products/{id}/${direction}Price`,
    operationId,
    tag,
    summary: `${direction === "increase" ? "Increase" : "Decrease"} a product's price to the given new price`,
    body: body({ price: money() }),
    target: product,
    command: ({ price }): ProductCommand =>
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
    body: body({ name: text(), location: text() }),
    response: idResponse,
    handle: async (c, { body: { name, location } }) => {
      const id = crypto.randomUUID();
      unwrap(await store(c.env, id).execute({ type: "CreateStore", name, location }, causeOf(c)));
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
    handle: async (c, { params }) => ({ product: productView(unwrap(await product(c.env, params.id!).get())) }),
  }),
  command({
    method: "put",
    path: "/api/stores/products/{id}/rebrand",
    operationId: "rebrandProduct",
    tag,
    summary: "Rename a product and change its description",
    body: body({ name: text(), description: text() }),
    target: product,
    command: ({ name, description }): ProductCommand => ({ type: "RebrandProduct", name, description }),
  }),
  priceChange("increaseProductPrice", "increase"),
  priceChange("decreaseProductPrice", "decrease"),
  command({
    method: "delete",
    path: "/api/stores/products/{id}",
    operationId: "removeProduct",
    tag,
    summary: "Remove a product from its store's catalog",
    target: product,
    command: () => ({ type: "RemoveProduct" }),
  }),
  route({
    method: "get",
    path: "/api/stores/{id}",
    operationId: "getStore",
    tag,
    summary: "Get a store (strongly consistent)",
    response: z.object({ store: storeSchema }),
    handle: async (c, { params }) => ({ store: storeView(unwrap(await store(c.env, params.id!).get())) }),
  }),
  command({
    method: "put",
    path: "/api/stores/{id}/participating",
    operationId: "enableParticipation",
    tag,
    summary: "Mark a store as participating",
    body: empty(),
    target: store,
    command: () => ({ type: "EnableParticipation" }),
  }),
  command({
    method: "delete",
    path: "/api/stores/{id}/participating",
    operationId: "disableParticipation",
    tag,
    summary: "Mark a store as not participating",
    target: store,
    command: () => ({ type: "DisableParticipation" }),
  }),
  command({
    method: "put",
    path: "/api/stores/{id}/rebrand",
    operationId: "rebrandStore",
    tag,
    summary: "Rename a store",
    body: body({ name: text() }),
    target: store,
    command: ({ name }): StoreCommand => ({ type: "RebrandStore", name }),
  }),
  route({
    method: "get",
    path: "/api/stores/{storeId}/products",
    operationId: "getStoreProducts",
    tag,
    summary: "List a store's products, oldest first (read model; unknown store → empty list)",
    response: z.object({ products: z.array(productSchema) }),
    handle: async (c, { params }) => ({ products: await listCatalog(c.env.STORES_DB, params.storeId!) }),
  }),
  route({
    method: "post",
    path: "/api/stores/{storeId}/products",
    operationId: "addProduct",
    tag,
    summary: "Add a product to a store",
    body: body({ name: text(), description: text(), sku: text(), price: money() }),
    response: idResponse,
    handle: async (c, { params, body: input }) => {
      const storeId = params.storeId!;
      const owner = unwrap(await store(c.env, storeId).snapshot());
      if (!owner.exists) throw DomainError.from(storeNotFound);
      const id = crypto.randomUUID();
      unwrap(await product(c.env, id).execute({ type: "AddProduct", storeId, ...input }, causeOf(c)));
      return { id };
    },
  }),
];
