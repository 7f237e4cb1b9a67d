import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, invalid } from "../kernel/errors";
import { addMoney, subtractMoney } from "../kernel/money";
import { productEvents, type productSchema, storeEvents, type storeSchema, type storesApi } from "./contract";

// ---- Store -------------------------------------------------------------------------------------

export interface Store {
  id: string;
  name: string;
  location: string;
  participating: boolean;
  version: number;
}

export type StoreCommand =
  | { type: "CreateStore"; name: string; location: string }
  | { type: "EnableParticipation" }
  | { type: "DisableParticipation" }
  | { type: "RebrandStore"; name: string };

export type StoreEvent = EventsOf<typeof storeEvents>;
type StoresMessage = MessagesOf<typeof storesApi>;

export const storeNotFound = entityNotFound("store");

const blank = (s: string) => s.trim() === "";

export const storeDecider: Decider<StoreCommand, StoreEvent, Store> = {
  initialState: (id) => ({ id, name: "", location: "", participating: false, version: 0 }),

  decide(command, store) {
    if (command.type === "CreateStore") {
      if (store.version > 0) throw new DomainError(Code.AlreadyExists, "the store already exists");
      if (blank(command.name)) throw invalid("the store name cannot be blank");
      if (blank(command.location)) throw invalid("the store location cannot be blank");
      return [{ name: "stores.StoreCreated", payload: { name: command.name, location: command.location } }];
    }
    if (store.version === 0) throw DomainError.from(storeNotFound);
    switch (command.type) {
      case "EnableParticipation":
        if (store.participating) throw invalid("the store is already participating");
        return [{ name: "stores.StoreParticipationEnabled", payload: {} }];
      case "DisableParticipation":
        if (!store.participating) throw invalid("the store is already not participating");
        return [{ name: "stores.StoreParticipationDisabled", payload: {} }];
      case "RebrandStore":
        if (blank(command.name)) throw invalid("the store name cannot be blank");
        return [{ name: "stores.StoreRebranded", payload: { name: command.name } }];
    }
  },

  evolve(store, event) {
    switch (event.name) {
      case "stores.StoreCreated":
        return { ...store, name: event.payload.name, location: event.payload.location };
      case "stores.StoreParticipationEnabled":
        return { ...store, participating: true };
      case "stores.StoreParticipationDisabled":
        return { ...store, participating: false };
      case "stores.StoreRebranded":
        return { ...store, name: event.payload.name };
    }
  },
};

export const storeType = aggregateType<StoreCommand, StoreEvent, Store, StoresMessage>({
  name: "stores.Store",
  entity: "store",
  decider: storeDecider,
  publish(event, store) {
    switch (event.name) {
      case "stores.StoreCreated":
        return [{ name: "storesapi.StoreCreated", payload: { id: store.id, name: store.name, location: store.location } }];
      case "stores.StoreParticipationEnabled":
      case "stores.StoreParticipationDisabled":
        return [
          { name: "storesapi.StoreParticipatingToggled", payload: { id: store.id, participating: store.participating } },
        ];
      case "stores.StoreRebranded":
        return [{ name: "storesapi.StoreRebranded", payload: { id: store.id, name: store.name } }];
    }
  },
});

// ---- Product -----------------------------------------------------------------------------------

export interface Product {
  id: string;
  storeId: string;
  name: string;
  description: string;
  sku: string;
  price: number;
  removed: boolean;
  version: number;
}

export type ProductCommand =
  | { type: "AddProduct"; storeId: string; name: string; description: string; sku: string; price: number }
  | { type: "RebrandProduct"; name: string; description: string }
  | { type: "IncreaseProductPrice"; price: number }
  | { type: "DecreaseProductPrice"; price: number }
  | { type: "RemoveProduct" };

export type ProductEvent = EventsOf<typeof productEvents>;

export const productNotFound = entityNotFound("product");

export const productDecider: Decider<ProductCommand, ProductEvent, Product> = {
  initialState: (id) => ({
    id,
    storeId: "",
    name: "",
    description: "",
    sku: "",
    price: 0,
    removed: false,
    version: 0,
  }),

  decide(command, product) {
    if (command.type === "AddProduct") {
      if (product.version > 0) throw new DomainError(Code.AlreadyExists, "the product already exists");
      if (blank(command.name)) throw invalid("initializing product: the product name cannot be blank");
      if (command.price < 0) throw invalid("initializing product: the product price cannot be negative");
      const { storeId, name, description, sku, price } = command;
      return [{ name: "stores.ProductAdded", payload: { storeId, name, description, sku, price } }];
    }
    if (product.version === 0 || product.removed) throw DomainError.from(productNotFound);
    switch (command.type) {
      case "RebrandProduct":
        if (blank(command.name)) throw invalid("the product name cannot be blank");
        return [{ name: "stores.ProductRebranded", payload: { name: command.name, description: command.description } }];
      case "IncreaseProductPrice":
        if (command.price < product.price) throw invalid("the price change would be a decrease");
        return [{ name: "stores.ProductPriceIncreased", payload: { delta: subtractMoney(command.price, product.price) } }];
      case "DecreaseProductPrice":
        if (command.price > product.price) throw invalid("the price change would be an increase");
        if (command.price < 0) throw invalid("the product price cannot be negative");
        return [{ name: "stores.ProductPriceDecreased", payload: { delta: subtractMoney(command.price, product.price) } }];
      case "RemoveProduct":
        return [{ name: "stores.ProductRemoved", payload: {} }];
    }
  },

  evolve(product, event) {
    switch (event.name) {
      case "stores.ProductAdded":
        return { ...product, ...event.payload };
      case "stores.ProductRebranded":
        return { ...product, name: event.payload.name, description: event.payload.description };
      case "stores.ProductPriceIncreased":
      case "stores.ProductPriceDecreased":
        return { ...product, price: addMoney(product.price, event.payload.delta) };
      case "stores.ProductRemoved":
        return { ...product, removed: true };
    }
  },
};

export const productType = aggregateType<ProductCommand, ProductEvent, Product, StoresMessage>({
  name: "stores.Product",
  entity: "product",
  decider: productDecider,
  visible: (product) => !product.removed,
  publish(event, product) {
    const id = product.id;
    switch (event.name) {
      case "stores.ProductAdded": {
        const { storeId, name, description, sku, price } = product;
        return [{ name: "storesapi.ProductAdded", payload: { id, storeId, name, description, sku, price } }];
      }
      case "stores.ProductRebranded":
        return [{ name: "storesapi.ProductRebranded", payload: { id, name: product.name, description: product.description } }];
      case "stores.ProductPriceIncreased":
        return [{ name: "storesapi.ProductPriceIncreased", payload: { id, delta: event.payload.delta } }];
      case "stores.ProductPriceDecreased":
        return [{ name: "storesapi.ProductPriceDecreased", payload: { id, delta: event.payload.delta } }];
      case "stores.ProductRemoved":
        return [{ name: "storesapi.ProductRemoved", payload: { id } }];
    }
  },
});

/** The public representations of SPEC §3.1. */
export const storeView = (s: Store): z.infer<typeof storeSchema> => ({ id: s.id, name: s.name, location: s.location, participating: s.participating });
export const productView = (p: Product): z.infer<typeof productSchema> => ({
  id: p.id,
  storeId: p.storeId,
  name: p.name,
  description: p.description,
  sku: p.sku,
  price: p.price,
});
