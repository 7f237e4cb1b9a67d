import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, type ErrorInfo, invalid } from "../kernel/errors";
import type { depotApi, depotDomain, shoppingListSchema, stopSchema } from "./contract";

export type Stop = z.infer<typeof stopSchema>;

export type ShoppingListStatus = "" | "pending" | "available" | "assigned" | "completed" | "canceled";

export interface ShoppingList {
  id: string;
  orderId: string;
  stops: Stop[];
  assignedBotId: string;
  status: ShoppingListStatus;
  version: number;
}

export interface RequestedItem {
  productId: string;
  storeId: string;
  quantity: number;
}

/** A store or product as the depot's caches know it. */
export interface KnownStore {
  id: string;
  name: string;
  location: string;
}
export interface KnownProduct {
  id: string;
  name: string;
}

/** The stops the handler built from its caches before calling the list, or the lookup that failed. */
export type StopsLookup = { ok: true; stops: Stop[] } | { ok: false; error: ErrorInfo };

export type ShoppingListCommand =
  | { type: "CreateShoppingList"; orderId: string; itemCount: number; stops: StopsLookup }
  | { type: "InitiateShopping" }
  | { type: "AssignShoppingList"; botId: string }
  | { type: "CompleteShoppingList" }
  | { type: "CancelShoppingList" };

export type ShoppingListEvent = EventsOf<typeof depotDomain>;

export const shoppingListNotFound = entityNotFound("shopping list");
export const storeNotFoundForList = { code: Code.NotFound, message: "building shopping list: store with that ID does not exist" } as const;
export const productNotFoundForList = { code: Code.NotFound, message: "building shopping list: product with that ID does not exist" } as const;

const blank = (s: string) => s.trim() === "";

/**
 * Groups items into stops (SPEC §3.5): stores in order of first appearance, each product once per stop
 * in order of first appearance, quantities of duplicates summed.
 */
export function buildStops(items: readonly RequestedItem[], stores: ReadonlyMap<string, KnownStore>, products: ReadonlyMap<string, KnownProduct>): Stop[] {
  const stops: Stop[] = [];
  for (const item of items) {
    let stop = stops.find((s) => s.storeId === item.storeId);
    if (!stop) {
      const store = stores.get(item.storeId);
      stop = { storeId: item.storeId, storeName: store?.name ?? "", storeLocation: store?.location ?? "", items: [] };
      stops.push(stop);
    }
    const line = stop.items.find((i) => i.productId === item.productId);
    if (line) line.quantity += item.quantity;
    else stop.items.push({ productId: item.productId, productName: products.get(item.productId)?.name ?? "", quantity: item.quantity });
  }
  return stops;
}

export const shoppingListDecider: Decider<ShoppingListCommand, ShoppingListEvent, ShoppingList> = {
  initialState: (id) => ({ id, orderId: "", stops: [], assignedBotId: "", status: "", version: 0 }),

  decide(command, list) {
    const exists = list.version > 0;
    if (command.type === "CreateShoppingList") {
      if (exists) throw new DomainError(Code.AlreadyExists, "the shopping list already exists");
      if (blank(command.orderId)) throw invalid("the order id cannot be blank");
      if (command.itemCount === 0) throw invalid("the shopping list has no items");
      if (!command.stops.ok) throw DomainError.from(command.stops.error);
      return [{ name: "depot.ShoppingListCreated", payload: { orderId: command.orderId, stops: command.stops.stops } }];
    }
    if (!exists) throw DomainError.from(shoppingListNotFound);
    switch (command.type) {
      case "InitiateShopping":
        if (list.status !== "pending") throw invalid("the shopping list cannot be initiated");
        return [{ name: "depot.ShoppingListInitiated", payload: {} }];
      case "AssignShoppingList":
        if (blank(command.botId)) throw invalid("the bot id cannot be blank");
        if (list.status !== "available") throw invalid("the shopping list cannot be assigned");
        return [{ name: "depot.ShoppingListAssigned", payload: { botId: command.botId } }];
      case "CompleteShoppingList":
        if (list.status !== "assigned") throw invalid("the shopping list cannot be completed");
        return [{ name: "depot.ShoppingListCompleted", payload: {} }];
      case "CancelShoppingList":
        if (!["pending", "available", "assigned"].includes(list.status)) throw invalid("the shopping list cannot be canceled");
        return [{ name: "depot.ShoppingListCanceled", payload: {} }];
    }
  },

  evolve(list, event) {
    switch (event.name) {
      case "depot.ShoppingListCreated":
        return { ...list, orderId: event.payload.orderId, stops: event.payload.stops, status: "pending" };
      case "depot.ShoppingListInitiated":
        return { ...list, status: "available" };
      case "depot.ShoppingListAssigned":
        return { ...list, assignedBotId: event.payload.botId, status: "assigned" };
      case "depot.ShoppingListCompleted":
        return { ...list, status: "completed" };
      case "depot.ShoppingListCanceled":
        return { ...list, status: "canceled" };
    }
  },
};

export const shoppingListType = aggregateType<ShoppingListCommand, ShoppingListEvent, ShoppingList, MessagesOf<typeof depotApi>>({
  name: "depot.ShoppingList",
  entity: "shopping list",
  decider: shoppingListDecider,
  publish(event, list) {
    return event.name === "depot.ShoppingListCompleted"
      ? [{ name: "depotapi.ShoppingListCompleted", payload: { id: list.id, orderId: list.orderId } }]
      : [];
  },
  successReply(command, list) {
    return command.type === "CreateShoppingList" ? { name: "depotapi.CreatedShoppingListReply", payload: { id: list.id } } : undefined;
  },
});

export const shoppingListView = (l: ShoppingList, createdAt: string, updatedAt: string): z.infer<typeof shoppingListSchema> => ({
  id: l.id,
  orderId: l.orderId,
  status: l.status,
  assignedBotId: l.assignedBotId,
  stops: l.stops,
  createdAt,
  updatedAt,
});
