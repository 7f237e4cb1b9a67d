import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, type ErrorInfo, invalid } from "../kernel/errors";
import type { basketEvents, basketItemSchema, basketsApi } from "./contract";

export type BasketItem = z.infer<typeof basketItemSchema>;

export type BasketStatus = "" | "open" | "canceled" | "checked_out";

export interface Basket {
  id: string;
  customerId: string;
  paymentId: string;
  status: BasketStatus;
  items: BasketItem[];
  version: number;
}

/** What the route found for a product before calling the basket: the line to add, or why not. */
export type ProductLookup = { ok: true; item: Omit<BasketItem, "quantity"> } | { ok: false; error: ErrorInfo };

export type BasketCommand =
  | { type: "StartBasket"; customerId: string }
  | { type: "AddItem"; product: ProductLookup; quantity: number }
  | { type: "RemoveItem"; productId: string; product: ProductLookup; quantity: number }
  | { type: "CancelBasket" }
  | { type: "CheckoutBasket"; paymentId: string };

export type BasketEvent = EventsOf<typeof basketEvents>;

export const basketNotFound = entityNotFound("basket");
export const productNotLocated = { code: Code.NotFound, message: "product fallback failed: product was not located" } as const;
export const productLookupFailed = { code: Code.Internal, message: "product fallback failed: requesting product" } as const;
export const storeLookupFailed = { code: Code.Internal, message: "store fallback failed" } as const;

/** Limits of a basket (SPEC §2.8): a line's quantity, and distinct products. */
const maxLineQuantity = 10_000;
const maxLines = 100;

const blank = (s: string) => s.trim() === "";
const notFound = () => DomainError.from(basketNotFound);
const cannotModify = () => invalid("the basket cannot be modified");
const negativeQuantity = () => invalid("the item quantity cannot be negative");

export const basketDecider: Decider<BasketCommand, BasketEvent, Basket> = {
  initialState: (id) => ({ id, customerId: "", paymentId: "", status: "", items: [], version: 0 }),

  decide(command, basket) {
    const exists = basket.version > 0;
    switch (command.type) {
      case "StartBasket":
        if (exists) throw cannotModify();
        if (blank(command.customerId)) throw invalid("the customer id cannot be blank");
        return [{ name: "baskets.BasketStarted", payload: { customerId: command.customerId } }];
      case "AddItem": {
        if (!exists) throw notFound();
        if (!command.product.ok) throw DomainError.from(command.product.error);
        if (basket.status !== "open") throw cannotModify();
        if (command.quantity < 0) throw negativeQuantity();
        const item = command.product.item;
        const line = basket.items.find((i) => i.productId === item.productId);
        if ((line?.quantity ?? 0) + command.quantity > maxLineQuantity) throw invalid(`the item quantity cannot exceed ${maxLineQuantity}`);
        if (!line && basket.items.length >= maxLines) throw invalid(`the basket cannot hold more than ${maxLines} items`);
        return [{ name: "baskets.BasketItemAdded", payload: { item: { ...item, quantity: command.quantity } } }];
      }
      case "RemoveItem": {
        const line = basket.items.find((i) => i.productId === command.productId);
        // a line of this basket is known even if its product was removed since
        if (!line && !command.product.ok) throw DomainError.from(command.product.error);
        if (!exists) throw notFound();
        if (basket.status !== "open") throw cannotModify();
        if (command.quantity < 0) throw negativeQuantity();
        if (!line) return [];
        return [{ name: "baskets.BasketItemRemoved", payload: { productId: command.productId, quantity: command.quantity } }];
      }
      case "CancelBasket":
        if (!exists) throw notFound();
        if (basket.status !== "open") throw invalid("the basket cannot be cancelled");
        return [{ name: "baskets.BasketCanceled", payload: {} }];
      case "CheckoutBasket":
        if (!exists) throw notFound();
        if (basket.status !== "open") throw invalid("baskets checkout: the basket cannot be modified");
        if (basket.items.length === 0) throw invalid("baskets checkout: the basket has no items");
        if (blank(command.paymentId)) throw invalid("baskets checkout: the payment id cannot be blank");
        return [{ name: "baskets.BasketCheckedOut", payload: { paymentId: command.paymentId } }];
    }
  },

  evolve(basket, event) {
    switch (event.name) {
      case "baskets.BasketStarted":
        return { ...basket, customerId: event.payload.customerId, status: "open" };
      case "baskets.BasketItemAdded": {
        const added = event.payload.item;
        const existing = basket.items.some((i) => i.productId === added.productId);
        const items = existing
          ? basket.items.map((i) => (i.productId === added.productId ? { ...i, quantity: i.quantity + added.quantity } : i))
          : [...basket.items, added];
        return { ...basket, items };
      }
      case "baskets.BasketItemRemoved": {
        const { productId, quantity } = event.payload;
        const items = basket.items.flatMap((i) => {
          if (i.productId !== productId) return [i];
          const remaining = i.quantity - quantity;
          return remaining <= 0 ? [] : [{ ...i, quantity: remaining }];
        });
        return { ...basket, items };
      }
      case "baskets.BasketCanceled":
        return { ...basket, items: [], status: "canceled" };
      case "baskets.BasketCheckedOut":
        return { ...basket, paymentId: event.payload.paymentId, status: "checked_out" };
    }
  },
};

export const basketType = aggregateType<BasketCommand, BasketEvent, Basket, MessagesOf<typeof basketsApi>>({
  name: "baskets.Basket",
  entity: "basket",
  decider: basketDecider,
  publish(event, basket) {
    const id = basket.id;
    switch (event.name) {
      case "baskets.BasketStarted":
        return [{ name: "basketsapi.BasketStarted", payload: { id, customerId: basket.customerId } }];
      case "baskets.BasketCanceled":
        return [{ name: "basketsapi.BasketCanceled", payload: { id } }];
      case "baskets.BasketCheckedOut":
        return [
          {
            name: "basketsapi.BasketCheckedOut",
            payload: {
              id,
              customerId: basket.customerId,
              paymentId: basket.paymentId,
              items: basket.items.map((i) => ({
                storeId: i.storeId,
                productId: i.productId,
                storeName: i.storeName,
                productName: i.productName,
                price: i.productPrice,
                quantity: i.quantity,
              })),
            },
          },
        ];
      default:
        return [];
    }
  },
});

export const basketView = (b: Basket) => ({
  id: b.id,
  customerId: b.customerId,
  paymentId: b.paymentId,
  status: b.status,
  items: b.items,
});
