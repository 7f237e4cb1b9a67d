import { z } from "zod";
import type { Env } from "../env";
import { routeFor } from "../kernel/api";
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
const store = (env: Env, id: string) => aggregate<StoreCommand, Store>(env.STORE, id);
const product = (env: Env, id: string) => aggregate<ProductCommand, Product>(env.PRODUCT, id);

const idResponse = z.object({ id: z.string() });
const emptyResponse = z.object({});
const storeSchema = z.object({ id: z.string(), name: z.string(), location: z.string(), participating: z.boolean() });
const productSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  description: z.string(),
  sku: z.string(),
  price: z.number(),
});

const storeCommand = (operationId: string, method: "put" | "delete", path: string, summary: string, command: StoreCommand) =>
  route({
    method,
    path,
    operationId,
    tag,
    summary,
    ...(method === "put" ? { body: empty() } : {}),
    response: emptyResponse,
    handle: async (c, { params }) => {
      unwrap(await store(c.env, params.id!).execute(command, causeOf(c)));
      return {};
    },
  });

const priceChange = (operationId: string, direction: "increase" | "decrease") =>
  route({
    method: "put",
    path: `/api/stores/products/{id}/${direction}Price`,
    operationId,
    tag,
    summary: `${direction === "increase" ? "Increase" : "Decrease"} a product's price to the given new price`,
    body: body({ price: money() }),
    response: emptyResponse,
    handle: async (c, { params, body: { price } }) => {
      const type = direction === "increase" ? "IncreaseProductPrice" : "DecreaseProductPrice";
      unwrap(await product(c.env, params.id!).execute({ type, price }, causeOf(c)));
      return {};
    },
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
  route({
    method: "put",
    path: "/api/stores/products/{id}/rebrand",
    operationId: "rebrandProduct",
    tag,
    summary: "Rename a product and change its description",
    body: body({ name: text(), description: text() }),
    response: emptyResponse,
    handle: async (c, { params, body: { name, description } }) => {
      unwrap(await product(c.env, params.id!).execute({ type: "RebrandProduct", name, description }, causeOf(c)));
      return {};
    },
  }),
  priceChange("increaseProductPrice", "increase"),
  priceChange("decreaseProductPrice", "decrease"),
  route({
    method: "delete",
    path: "/api/stores/products/{id}",
    operationId: "removeProduct",
    tag,
    summary: "Remove a product from its store's catalog",
    response: emptyResponse,
    handle: async (c, { params }) => {
      unwrap(await product(c.env, params.id!).execute({ type: "RemoveProduct" }, causeOf(c)));
      return {};
    },
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
  storeCommand("enableParticipation", "put", "/api/stores/{id}/participating", "Mark a store as participating", {
    type: "EnableParticipation",
  }),
  storeCommand("disableParticipation", "delete", "/api/stores/{id}/participating", "Mark a store as not participating", {
    type: "DisableParticipation",
  }),
  route({
    method: "put",
    path: "/api/stores/{id}/rebrand",
    operationId: "rebrandStore",
    tag,
    summary: "Rename a store",
    body: body({ name: text() }),
    response: emptyResponse,
    handle: async (c, { params, body: { name } }) => {
      unwrap(await store(c.env, params.id!).execute({ type: "RebrandStore", name }, causeOf(c)));
      return {};
    },
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
